// iconv-lite's decoding calls, as libmime makes them, answered by TextDecoder; and libmime really
// using this package (the pnpm override), on words in the charsets mail is written in.
import { describe, expect, it } from '@jest/globals';
import libmime from 'libmime';
import { convert, decode, encodingExists, getCodec, getDecoder } from '../../index.js';

describe('@zero-idle/charsets', () => {
  it('decodes the charsets of old mail', () => {
    expect(decode(Buffer.from('f2c1d3d3cbc1da', 'hex'), 'KOI8-R')).toBe('Рассказ');
    expect(decode(Buffer.from('d0e0f1f1eae0e7', 'hex'), 'windows-1251')).toBe('Рассказ');
    expect(decode(Buffer.from('95a88cea', 'hex'), 'Shift_JIS')).toBe('物語');
    expect(convert(Buffer.from('1b24423d55244e4a2a386c1b2842', 'hex'), { to: 'UNICODE', from: 'ISO-2022-JP', type: 'string' })).toBe('春の物語');
  });

  it('keeps a character split across chunks whole', () => {
    const decoder = getDecoder('utf-8');
    const bytes = Buffer.from('物語');
    expect(decoder.write(bytes.subarray(0, 2)) + decoder.write(bytes.subarray(2)) + (decoder.end() ?? '')).toBe('物語');
  });

  it('gives aliases one codec, and refuses what is no charset (UTF-7 smuggles markup)', () => {
    expect(getCodec('latin1')).toBe(getCodec('ISO-8859-1'));
    expect(encodingExists('utf-7')).toBe(false);
    expect(encodingExists('no-such-charset')).toBe(false);
    expect(() => getCodec('no-such-charset')).toThrow('is not supported');
  });

  it('is what libmime decodes with', () => {
    expect(libmime.decodeWords('=?KOI8-R?B?8sHT08vB2g==?= =?ISO-2022-JP?B?GyRCPVUkTkoqOGwbKEI=?=')).toBe('Рассказ春の物語');
    expect(libmime.decodeWords('=?utf-7?Q?+ADw-script+AD4-?=')).toBe('+ADw-script+AD4-');
  });
});
