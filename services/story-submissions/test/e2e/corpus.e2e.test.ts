// Real messages, sent as mail servers send them: each over SMTP to the submissions address, then the
// table, the stored parts and the author's inbox checked against what a person would expect.
import { describe, expect, it } from '@jest/globals';
import * as given from '../steps/given';
import * as then from '../steps/then';
import { asPeople as when } from '../steps/when';
import { corpus } from '../support/corpus';
import { store } from '../support/mail';

describe('the MIME corpus over SMTP', () => {
  it.each(corpus.map((message) => [message.name, message] as const))(
    '%s',
    async (_name, message) => {
      await when.aStoryIsMailed(message.raw, { from: message.envelopeFrom });
      const id = await given.theSubmissionIdOf(message.raw);
      const submission = await then.theSubmission(id, (s) => s.state !== 'receiving', 30_000);
      const { expected } = message;
      // An editor's take (another test's) may already have moved an unread story on to reading.
      expect(submission?.state === 'reading' && expected.state === 'unread' ? 'unread' : submission?.state).toBe(expected.state);
      if (expected.title) expect(submission?.title).toBe(expected.title);
      if (expected.authorEmail) expect(submission?.authorEmail).toBe(expected.authorEmail);
      if (expected.parts) {
        expect(submission?.parts?.map((part) => part.name)).toEqual(expected.parts);
        expect((await then.theKeysUnder(`submissions/${id}/`)).sort()).toEqual(submission?.parts?.map((part) => part.key).sort());
      }
      if (expected.manuscript) expect(submission?.manuscript?.filename).toBe(expected.manuscript);
      else if (['no-manuscript', 'automatic', 'failed'].includes(expected.state)) expect(submission?.manuscript).toBeUndefined();
      const answered = submission?.authorEmail ?? '';
      if (expected.emails.length) {
        expect((await then.emailsArrive(answered, expected.emails.length)).map((email) => email.subject)).toEqual(expected.emails);
      } else {
        await then.processingHasRun();
        expect(answered ? await then.emailsTo(answered) : []).toEqual([]);
      }
    },
    60_000,
  );

  it('leaves none of them receiving, and the editor sees every state', async () => {
    const ids = await Promise.all(corpus.map((message) => given.theSubmissionIdOf(message.raw)));
    const states = await Promise.all(ids.map(async (id) => (await store.get(id))?.state));
    expect(states.filter((state) => state === 'receiving' || state === undefined)).toEqual([]);
    const { stdout } = await when.theEditorRuns('queue');
    for (const state of ['unread', 'no-manuscript', 'not-answered', 'automatic', 'failed']) expect(stdout).toMatch(new RegExp(`^${state}\\s+\\d+`, 'm'));
  });
});
