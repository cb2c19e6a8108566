// What must never be lost or invented: a message S3 fails to give is retried, reaches the failure
// queue, and is processed on the replay; an event for anything else writes nothing.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from '@jest/globals';
import { createDocumentClient } from '@zero-idle/core';
import { failureReports, injectFault, pendingFaults } from '@zero-idle/local-cloud/testing';
import * as given from '../steps/given';
import * as then from '../steps/then';
import { asPeople as when } from '../steps/when';
import { BUCKET, INBOX } from '../support/mail';

const withRawKey = async (rawKey: string) =>
  (
    await createDocumentClient().send(
      new ScanCommand({ TableName: 'story-submissions-dev', FilterExpression: 'rawKey = :key', ExpressionAttributeValues: { ':key': rawKey } }),
    )
  ).Items ?? [];

interface FailureReport {
  requestContext: { condition: string; approximateInvokeCount: number };
  requestPayload: { Records: Array<{ s3: { object: { key: string } } }> };
  responsePayload: { errorType: string; errorMessage: string };
}

describe('faults and foreign events', () => {
  it("refuses AWS's sample S3 event (another bucket) and writes nothing", async () => {
    // aws/aws-lambda-go events/testdata/s3-event.json (see test/fixtures/README.md).
    const sample = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/aws-lambda-go/s3-event.json', import.meta.url)), 'utf8'));
    const { functionError, payload } = await when.anOperatorInvokes(sample);
    expect(functionError).toBe('Unhandled');
    expect(payload).toMatchObject({ errorType: 'ForeignEvent', errorMessage: expect.stringContaining('s3://sourcebucket/Happy Face.jpg') });
    expect(await withRawKey('Happy Face.jpg')).toEqual([]);

    const elsewhere = structuredClone(sample);
    elsewhere.Records[0].s3.bucket.name = BUCKET;
    elsewhere.Records[0].s3.object.key = 'submissions/not-mail.docx';
    expect((await when.anOperatorInvokes(elsewhere)).payload).toMatchObject({ errorType: 'ForeignEvent' });
    expect(await withRawKey('submissions/not-mail.docx')).toEqual([]);
  });

  it('retries a message S3 will not give, reports it on the failure queue, and processes it on the replay', async () => {
    const from = `faults-${Date.now()}@example.com`;
    const raw = await given.aMessage({
      from,
      to: INBOX,
      subject: 'Through the storm',
      messageId: `<storm-${Date.now()}@example.com>`,
      text: 'x',
      attachments: [{ filename: 'storm.docx', content: 'story' }],
    });
    const rawKey = `inbox/storm-${Date.now()}`;
    // Every attempt fails: the SDK's three tries in each of Lambda's three invocations.
    await injectFault({
      service: 's3',
      action: 'GetObject',
      match: rawKey,
      count: 9,
      status: 503,
      code: 'SlowDown',
      message: 'Please reduce your request rate.',
    });
    // Stored as SES stores mail (its headers, then a PutObject under inbox/), so that the fault can name the key.
    await given.aStoredMessage(raw, from, rawKey);

    const ours = (report: FailureReport) => report.requestPayload.Records[0]?.s3.object.key === rawKey;
    let reports: FailureReport[] = [];
    for (const deadline = Date.now() + 60_000; !reports.length && Date.now() < deadline; ) {
      reports = (await failureReports<FailureReport>('story-submissions-dev-process-submission-failures', 5_000)).filter(ours);
    }
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      responsePayload: { errorType: 'SlowDown' },
    });
    expect(await pendingFaults(rawKey)).toEqual([]);
    // Nothing failed is recorded: S3 may give it next time.
    expect((await withRawKey(rawKey)).map((item) => item.state)).not.toContain('failed');

    const replay = await when.anOperatorInvokes(reports[0]?.requestPayload);
    expect(replay.functionError).toBeUndefined();
    const story = await then.theSubmission(await given.theSubmissionIdOf(raw));
    expect(story?.rawKey).toBe(rawKey);
    // One record, the story's (unread, or reading if another test's editor took the oldest meanwhile).
    expect((await withRawKey(rawKey)).map((item) => (item.state === 'reading' ? 'unread' : item.state))).toEqual(['unread']);
    expect((await then.emailsArrive(from)).map((email) => email.subject)).toEqual(['We received your submission: Through the storm']);
  }, 90_000);
});
