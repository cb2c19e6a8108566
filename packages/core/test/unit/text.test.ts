import { describe, expect, it } from '@jest/globals';
import { oneLine } from '../../src/text';

describe('oneLine', () => {
  it.each([
    ['NUL', 'Eve\u0000Smith', 'Eve Smith'],
    ['LINE SEPARATOR', 'Eve\u2028Smith', 'Eve Smith'],
    ['NEXT LINE (U+0085)', 'Eve\u0085Smith', 'Eve Smith'],
    ['RIGHT-TO-LEFT OVERRIDE', 'Eve \u202Egnp.exe', 'Eve gnp.exe'],
    ['the isolates and marks', '\u2066Eve\u2069 \u200FSmith\u200E', 'Eve Smith'],
    [
      'CR LF and tabs',
      'Eve\r\n\r\nYour account is locked.\tVerify at http://evil.example/login',
      'Eve Your account is locked. Verify at http://evil.example/login',
    ],
    ['a zero-width space and a BOM', '\uFEFFE\u200Bve', 'Eve'],
  ])('takes out %s', (_case, value, expected) => {
    expect(oneLine(value)).toBe(expected);
  });

  it('keeps letters, accents, joiners and emoji as they are', () => {
    for (const name of ['Zoë Ørsted', 'محمد', 'मनीषा', 'میخواهم', '👩‍👩‍👧 family', "O'Brien-Smith"]) expect(oneLine(name)).toBe(name);
  });
});
