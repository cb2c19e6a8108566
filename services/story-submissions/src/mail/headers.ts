import libmime from 'libmime';
import addressparser from 'nodemailer/lib/addressparser/index.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const windows1252 = new TextDecoder('windows-1252');

/**
 * Header bytes as text. mailsplit keeps a header's bytes as a latin1 string; RFC 6532 allows raw UTF-8
 * there, and older clients send their code page unlabelled: UTF-8 when the bytes are valid UTF-8,
 * windows-1252 otherwise (what every mail client assumes for Western mail).
 */
export function headerText(binary: string): string {
  if (!/[\x80-\xff]/.test(binary)) return binary;
  const bytes = Buffer.from(binary, 'latin1');
  try {
    return utf8.decode(bytes);
  } catch {
    return windows1252.decode(bytes);
  }
}

/** A header's text on one line (RFC 5322 folding undone). */
const unfolded = (binary: string) => headerText(binary).replace(/\r?\n[ \t]+/g, ' ');

/** A header's value as a reader sees it: unfolded, encoded words (RFC 2047) decoded, in any charset. */
export function decodedValue(binary: string): string {
  return libmime.decodeWords(unfolded(binary)).trim();
}

export interface Address {
  name: string;
  address: string;
}

/** The mailboxes of an address header (From, Reply-To), groups flattened, names decoded. */
export function addressesOf(binary: string | undefined): Address[] {
  if (!binary) return [];
  const flat = (entries: ReturnType<typeof addressparser>): Address[] =>
    entries.flatMap((entry) =>
      'group' in entry && entry.group
        ? flat(entry.group)
        : [{ name: libmime.decodeWords(entry.name ?? '').trim(), address: ('address' in entry ? (entry.address ?? '') : '').trim() }],
    );
  return flat(addressparser(unfolded(binary))).filter((entry) => /^[^@\s]+@[^@\s]+$/.test(entry.address));
}

/** A structured header (Content-Type, Content-Disposition): its value and parameters, RFC 2231 continuations and charsets decoded. */
export function structuredValue(binary: string | undefined): { value: string; params: Record<string, string> } {
  const parsed = libmime.parseHeaderValue(unfolded(binary ?? ''), { stripComments: true });
  const params = Object.fromEntries(Object.entries(parsed.params).map(([key, value]) => [key, libmime.decodeWords(String(value)).trim()]));
  return { value: parsed.value.toLowerCase().trim(), params };
}

/** Makes control characters visible (a title must not move a terminal's cursor or set its window title). */
export function visible(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
