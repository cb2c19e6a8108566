import type { Part } from './submission';

/** Document types a story comes in, by content type (what the mail client says) ... */
const DOCUMENT_TYPES = new Set([
  'application/pdf',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.oasis.opendocument.text',
  'application/rtf',
  'text/rtf',
  'application/vnd.apple.pages',
  'application/x-iwork-pages-sffpages',
]);
/** ... or by the extension of the name the sender gave (a client that says application/octet-stream; a story.txt, not a list's unnamed footer). */
const DOCUMENT_EXTENSION = /\.(docx?|pdf|odt|rtf|txt|md|pages)$/i;
/** Documents that travel with a story but are not it. */
const NOT_THE_STORY = /cover|letter|query|synopsis|bio(graphy)?\b|\bcv\b|r[eé]sum[eé]|disclaimer|signature|confidential|legal|notice/i;

export function isDocument(part: Pick<Part, 'kind' | 'filename' | 'contentType'>): boolean {
  return part.kind === 'attachment' && (DOCUMENT_TYPES.has(part.contentType) || DOCUMENT_EXTENSION.test(part.filename ?? ''));
}

/**
 * The manuscript among a message's files: a document (by content type or extension); names like
 * "cover letter", "synopsis" or "disclaimer" rank below every other document; then the largest wins
 * (a story is longer than the note beside it); then the first.
 */
export function chooseManuscript(parts: readonly Part[]): Part | undefined {
  return parts
    .filter(isDocument)
    .map((part, order) => ({ part, order, aside: NOT_THE_STORY.test(part.filename ?? part.name) ? 1 : 0 }))
    .sort((a, b) => a.aside - b.aside || b.part.size - a.part.size || a.order - b.order)[0]?.part;
}
