import libmime from 'libmime';

/** Room for the name in a key: S3 takes 1,024 bytes, and editors read names in a terminal. */
const MAX_STEM = 80;

/**
 * A key part for a file, from whatever name the sender gave: "Рассказ о море.docx" -> "1-Рассказ-о-море.docx",
 * "../../etc/passwd" -> "2-passwd", no name -> "3-attachment.pdf". Letters and digits of any script
 * are kept (S3 keys are UTF-8; clients percent-encode them), the rest become "-"; the extension stays
 * after its dot; a long name is shortened in the middle, so both its start and its end stay readable.
 */
export function partFileName(number: number, filename: string | undefined, contentType: string): string {
  const last = (filename ?? '').replace(/\\/g, '/').split('/').pop() ?? '';
  const dot = last.lastIndexOf('.');
  const own = dot > 0 && /^[\p{L}\p{N}]{1,10}$/u.test(last.slice(dot + 1));
  const extension = own ? last.slice(dot + 1).toLowerCase() : libmime.detectExtension(contentType);
  const stem = (own ? last.slice(0, dot) : last)
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}\p{M}_]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  const readable = [...stem].length > MAX_STEM ? `${[...stem].slice(0, 50).join('')}--${[...stem].slice(-28).join('')}` : stem;
  return `${number}-${readable || 'attachment'}.${extension || 'bin'}`;
}
