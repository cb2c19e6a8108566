// processSubmission in process against the local cloud's S3, DynamoDB and SES, with the S3 event the
// local cloud sends: the same steps as end to end, one layer down. The deployed function gets the
// bucket's own notification for the same object at the same time, so each case also races it.
import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import * as given from '../steps/given';
import * as then from '../steps/then';
import { handlerInProcess, inProcess } from '../steps/when';
import { EDITOR, INBOX } from '../support/mail';

let when: ReturnType<typeof inProcess>;

beforeAll(async () => {
  when = inProcess(await handlerInProcess());
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

describe('processSubmission in process', () => {
  it('makes one submission of a stored message, with its parts and one email each, while the deployed copy races it', async () => {
    const from = `inprocess-${Date.now()}@example.com`;
    const subject = `In process ${Date.now()}`;
    const raw = await given.aMessage({
      from: `Ada Author <${from}>`,
      to: INBOX,
      subject,
      messageId: `<inprocess-${Date.now()}@example.com>`,
      text: 'My story is attached.',
      attachments: [{ filename: 'story.docx', content: Buffer.from('a story') }],
    });
    const stored = await given.aStoredMessage(raw, from);
    const outcome = (await when.theStoredMessageArrives(stored)) as { outcomes: string[] };
    expect(outcome.outcomes).toHaveLength(1);
    const submission = await then.theSubmission(await given.theSubmissionIdOf(raw));
    expect(submission).toMatchObject({ state: 'unread', title: subject, authorEmail: from, rawKey: stored.rawKey });
    await then.processingHasRun();
    expect((await then.emailsTo(from)).map((email) => email.subject)).toEqual([`We received your submission: ${subject}`]);
    expect((await then.emailsTo(EDITOR)).filter((email) => email.subject.includes(subject))).toHaveLength(1);
    expect((await then.theKeysUnder(`submissions/${submission?.id}/`)).sort()).toEqual(submission?.parts?.map((part) => part.key).sort());
  });

  it('refuses an event for another bucket, before reading a byte', async () => {
    await expect(when.anObjectIsCreated('someone-elses-bucket', 'inbox/x', 10)).rejects.toMatchObject({
      name: 'ForeignEvent',
      message: expect.stringContaining('s3://someone-elses-bucket/inbox/x'),
    });
  });
});
