import { describe, expect, it } from '@jest/globals';
import { canDecide, isFlagged, manuscriptOf, safeName, submissionId } from '../../src/domain/submission';

describe('submissions', () => {
  it('names a submission after its Message-ID, else its stored copy', () => {
    expect(submissionId('<a@b>', 'inbox/1')).toBe(submissionId(' <a@b> ', 'inbox/2'));
    expect(submissionId(undefined, 'inbox/1')).not.toBe(submissionId(undefined, 'inbox/2'));
    expect(submissionId('<a@b>', 'x')).toMatch(/^[0-9a-f]{24}$/);
  });

  it.each([
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\windows\\system.ini', 'system.ini'],
    ['My Story (final).docx', 'My_Story_final_.docx'],
    ['.hidden', 'hidden'],
    ['', 'fallback'],
    [undefined, 'fallback'],
    ['Ünïcodé.pdf', 'Unicode.pdf'],
  ])('makes %j safe: %s', (name, safe) => {
    expect(safeName(name, 'fallback')).toBe(safe);
  });

  it('keeps a safe name short', () => {
    expect(safeName(`${'a'.repeat(300)}.docx`, 'x').length).toBe(100);
  });

  it('finds the manuscript among the parts', () => {
    const part = (name: string, kind: 'body' | 'attachment' = 'attachment') => ({ kind, key: name, name, contentType: '', size: 1 });
    expect(manuscriptOf([part('body.txt', 'body'), part('photo.jpg'), part('story.docx')])?.name).toBe('story.docx');
    expect(manuscriptOf([part('photo.jpg'), part('Story.PDF')])?.name).toBe('Story.PDF');
    expect(manuscriptOf([part('photo.jpg')])).toBeUndefined();
  });

  it('flags spam and viruses, and lets decisions come from reading or held only', () => {
    expect(isFlagged({ spam: 'FAIL', virus: 'PASS' })).toBe(true);
    expect(isFlagged({ spam: 'PASS', virus: 'FAIL' })).toBe(true);
    expect(isFlagged({ spam: 'PASS', virus: 'PASS' })).toBe(false);
    expect(canDecide('reading')).toBe(true);
    expect(canDecide('held')).toBe(true);
    expect(canDecide('unread')).toBe(false);
  });
});
