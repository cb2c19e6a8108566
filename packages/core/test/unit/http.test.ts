import { describe, expect, it } from '@jest/globals';
import { readBody } from '../../src/http';

const form = (body: string) => ({ body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });

describe('readBody', () => {
  it('reads a form as its fields, a field sent more than once (checkboxes of one name) as a list', () => {
    expect(readBody(form('email=jo%40example.com&regions=albany&regions=buffalo&minDrop='))).toEqual({
      email: 'jo@example.com',
      regions: ['albany', 'buffalo'],
      minDrop: '',
    });
    expect(readBody(form('regions=albany'))).toEqual({ regions: 'albany' });
  });

  it('reads JSON, decodes base64 as API Gateway flags it, and refuses a body that is neither', () => {
    expect(readBody({ body: Buffer.from('{"a":1}').toString('base64'), isBase64Encoded: true })).toEqual({ a: 1 });
    expect(() => readBody({ body: '{not json' })).toThrow('Invalid request: the body must be JSON');
    expect(readBody({})).toEqual({});
  });
});
