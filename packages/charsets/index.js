'use strict';
// libmime (under @zone-eu/mailsplit) imports iconv-lite and encoding-japanese to decode charsets.
// Node's TextDecoder already knows every WHATWG encoding (KOI8-R, windows-125x, ISO-8859-x,
// ISO-2022-JP, Shift_JIS, EUC-JP, GBK, GB18030, Big5, EUC-KR, UTF-16), so this package answers the
// calls libmime makes (see libmime's charset.js) with it. Encoding other than UTF-8 is not offered:
// libmime only ever encodes UTF-8, and does that with Buffer.

/** Names TextDecoder does not know that libmime asks about; it treats them as unsupported charsets. */
const NOT_CHARSETS = new Set(['utf7', 'utf-7', 'utf7imap', 'unicode-1-1-utf-7', 'base64', 'hex', 'utf32', 'utf-32']);

/** Encodings whose bytes may be split mid-character by a chunk: libmime cuts such chunks itself. */
const MULTI_BYTE = new Set(['gbk', 'gb18030', 'big5', 'shift_jis', 'euc-jp', 'euc-kr']);

/** One shared decoder marker, as iconv-lite's double-byte codecs share one decoder class. */
function multiByteDecoder() {}
function singleDecoder() {}

const codecs = new Map();

/** The codec for a charset name: one object per encoding, so that aliases compare equal. Throws for names it does not know. */
function getCodec(name) {
  const label = String(name).trim().toLowerCase();
  const key = NOT_CHARSETS.has(label) ? label.replace(/-/g, '').replace('unicode11', '') : new TextDecoder(label).encoding;
  let codec = codecs.get(key);
  if (!codec) {
    codec = { encodingName: key, decoder: MULTI_BYTE.has(key) ? multiByteDecoder : singleDecoder };
    codecs.set(key, codec);
  }
  return codec;
}

function encodingExists(name) {
  try {
    return !NOT_CHARSETS.has(getCodec(name).encodingName);
  } catch {
    return false;
  }
}

function decoderFor(name) {
  const { encodingName } = getCodec(name);
  if (NOT_CHARSETS.has(encodingName)) throw new Error(`Encoding not recognized: '${name}'`);
  return new TextDecoder(encodingName);
}

/** iconv.decode(bytes, charset): the whole input at once. */
function decode(bytes, name) {
  return decoderFor(name).decode(typeof bytes === 'string' ? Buffer.from(bytes, 'binary') : bytes);
}

/** iconv.getDecoder(charset): write() each chunk, end() for what is left. */
function getDecoder(name) {
  const decoder = decoderFor(name);
  return {
    write: (chunk) => decoder.decode(chunk, { stream: true }),
    end: () => decoder.decode() || undefined,
  };
}

function encode(text, name) {
  const label = String(name).trim().toLowerCase();
  if (label !== 'utf-8' && label !== 'utf8') throw new Error(`@zero-idle/charsets encodes UTF-8 only, not ${name}`);
  return Buffer.from(text, 'utf-8');
}

/** encoding-japanese's convert(bytes, { to: 'UNICODE', from, type: 'string' }), the one call libmime makes. */
function convert(bytes, options) {
  const from = String(options?.from ?? '').toLowerCase();
  const encoding = /^jis|^iso-?2022-?jp/.test(from) ? 'iso-2022-jp' : /^eucjp|^euc-jp/.test(from) ? 'euc-jp' : from;
  if (options?.to !== 'UNICODE' || options?.type !== 'string') throw new Error('@zero-idle/charsets converts to a Unicode string only');
  return new TextDecoder(encoding).decode(bytes);
}

module.exports = { getCodec, encodingExists, decode, getDecoder, encode, convert };
