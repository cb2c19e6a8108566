// Bidirectional controls (U+061C, U+200E/F, U+202A-E, U+2066-9) reorder what a reader sees ("U+202E"
// makes "gnp.exe" read "exe.png"); U+200B and U+FEFF are invisible. Joiners (U+200C/D) stay: names
// and emoji need them.
const INVISIBLE = /[\u061C\u200B\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/gu;
// Control characters (NUL, CR, LF, U+0085 NEL...) and line or paragraph separators (U+2028/9).
const BREAKS = /[\p{Cc}\p{Zl}\p{Zp}]+/gu;

/**
 * A value a person typed, as one line of text fit to show: line breaks and control characters become
 * a space, bidirectional overrides and invisible characters go, runs of white space become one.
 */
export function oneLine(value: string): string {
  return value.replace(INVISIBLE, '').replace(BREAKS, ' ').replace(/\s+/gu, ' ').trim();
}
