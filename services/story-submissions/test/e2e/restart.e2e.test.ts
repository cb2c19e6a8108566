// A submission whose processing is in its retries (S3 answering SlowDown to processSubmission) when the
// local cloud is killed (-9): Lambda had accepted the S3 event, so after a --persist restart the event
// runs again and the submission is made, the author and the editor told once each, as AWS would have.
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { createDocumentClient } from '@zero-idle/core';
import { type ChildCloud, restartableCloud } from '@zero-idle/local-cloud/child-cloud';
import { emailsTo, injectFault, until, waitForEmails } from '@zero-idle/local-cloud/testing';
import { submissionStore } from '../../src/store';
import { compose, deliver, EDITOR, INBOX, PROCESS, submissionIdOf } from '../support/mail';

const PORT_BASE = 27766;
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

describe('a submission when the local cloud is killed mid-way', () => {
  it('is made after a kill -9 during its retries and a --persist restart', async () => {
    const { persistDir, start } = restartableCloud({ service: 'story-submissions', portBase: PORT_BASE });
    let cloud: ChildCloud | undefined = await start();
    try {
      const from = `author-${randomBytes(4).toString('hex')}@example.com`;
      const raw = await compose({
        from: `Kim Author <${from}>`,
        to: INBOX,
        subject: 'The Lighthouse Keeper',
        messageId: `<${randomBytes(8).toString('hex')}@example.com>`,
        text: 'My story is attached.',
        attachments: [{ filename: 'lighthouse.docx', content: randomBytes(32 * 1024), contentType: DOCX }],
      });
      // Every read of the stored message fails until the kill (a fault lives in the running cloud only).
      await injectFault({
        service: 's3',
        action: 'GetObject',
        caller: PROCESS,
        count: 1000,
        status: 503,
        code: 'SlowDown',
        message: 'Please reduce your request rate.',
      });
      await deliver(raw);
      const running = cloud;
      await until(
        async () => running.output(),
        (printed) => printed.includes(`[${PROCESS}] async invocation from s3`) && printed.includes('retrying in'),
      );
      // The event is in Lambda's queue, not done: what the kill must not lose.
      expect(readdirSync(join(persistDir, 'lambda-async'))).toHaveLength(1);
      await cloud.kill9();
      cloud = undefined;

      cloud = await start();
      const store = submissionStore(createDocumentClient(), 'story-submissions-dev');
      const id = await submissionIdOf(raw);
      const submission = await until(
        () => store.get(id),
        (found) => found?.state === 'unread',
        30_000,
      );
      expect(submission).toMatchObject({ state: 'unread', title: 'The Lighthouse Keeper', authorEmail: from });
      expect((await waitForEmails(from)).map((email) => email.subject)).toEqual(['We received your submission: The Lighthouse Keeper']);
      expect((await emailsTo(EDITOR)).filter((email) => email.subject === 'New submission: The Lighthouse Keeper by Kim Author')).toHaveLength(1);
      expect(
        await until(
          async () => readdirSync(join(persistDir, 'lambda-async')),
          (left) => left.length === 0,
        ),
      ).toEqual([]);
    } finally {
      await cloud?.stop();
    }
  }, 180_000);
});
