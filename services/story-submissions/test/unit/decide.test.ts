// The editor's `set` as a use case over in-memory twins: the decision is recorded once, and the
// author's email about it goes out once, also when a send fails and the editor runs `set` again.
import { describe, expect, it } from '@jest/globals';
import { type ComposedEmail, memoryClaims, type SendResult } from '@zero-idle/core';
import { DECISION_EMAIL_LEASE_MS, type DecisionEmailId, decide } from '../../src/domain/decide';
import type { Decision, Submission } from '../../src/domain/submission';

const story: Submission = {
  id: 'abc123',
  state: 'reading',
  rawKey: 'inbox/abc',
  receivedAt: '2026-12-01T10:00:00.000Z',
  authorName: 'Ada Author',
  authorEmail: 'ada@example.com',
  title: 'The Clockwork Garden',
};

function given(submission: Submission = story, failures = 0) {
  let now = Date.parse('2026-12-03T09:00:00Z');
  const items = new Map([[submission.id, { ...submission }]]);
  const sent: Array<{ to: string; email: ComposedEmail }> = [];
  let failing = failures;
  const deps = {
    records: {
      get: async (id: string) => (items.has(id) ? { ...items.get(id) } : undefined) as Submission | undefined,
      async decide(id: string, decision: Decision, decidedAt: string) {
        const item = items.get(id);
        if (!item || !['reading', 'held'].includes(item.state)) return false;
        items.set(id, { ...item, state: decision, decidedAt });
        return true;
      },
    },
    emails: memoryClaims<DecisionEmailId>({ leaseMs: DECISION_EMAIL_LEASE_MS }),
    compose: (decision: Decision, values: { name: string; title: string }) => ({ subject: `${decision}: ${values.title}`, text: values.name, html: '' }),
    async send(to: string, email: ComposedEmail): Promise<SendResult> {
      if (failing-- > 0) return { ok: false, error: new Error('SES is down'), retryable: true };
      sent.push({ to, email });
      return { ok: true, messageId: `m-${sent.length}` };
    },
    now: () => now,
  };
  return { deps, items, sent, later: (ms: number) => (now += ms) };
}

describe('decide', () => {
  it('records the decision and tells the author once, however often it is repeated', async () => {
    const { deps, items, sent } = given();
    await expect(decide(deps, 'abc123', 'accepted')).resolves.toMatchObject({ told: 'now' });
    await expect(decide(deps, 'abc123', 'accepted')).resolves.toMatchObject({ told: 'before' });
    expect(items.get('abc123')).toMatchObject({ state: 'accepted', decidedAt: '2026-12-03T09:00:00.000Z' });
    expect(sent).toEqual([{ to: 'ada@example.com', email: expect.objectContaining({ subject: 'accepted: The Clockwork Garden' }) }]);
  });

  it('keeps the decision when the email fails, and sends only the email on the next set', async () => {
    const { deps, items, sent } = given(story, 1);
    await expect(decide(deps, 'abc123', 'rejected')).rejects.toThrow(
      'Recorded rejected, but the email to ada@example.com failed: SES is down; run the same set again',
    );
    expect(items.get('abc123')?.state).toBe('rejected');
    await expect(decide(deps, 'abc123', 'rejected')).resolves.toMatchObject({ told: 'now' });
    expect(sent).toHaveLength(1);
  });

  it('takes over the email of a set that was interrupted, after its lease', async () => {
    const { deps, sent, later } = given();
    await deps.records.decide('abc123', 'held', '2026-12-03T09:00:00.000Z');
    await deps.emails.claim({ id: 'abc123', decision: 'held', decidedAt: '2026-12-03T09:00:00.000Z' }, deps.now());
    await expect(decide(deps, 'abc123', 'held')).rejects.toThrow('being sent by another editor right now');
    later(DECISION_EMAIL_LEASE_MS + 1);
    await expect(decide(deps, 'abc123', 'held')).resolves.toMatchObject({ told: 'now' });
    expect(sent).toHaveLength(1);
  });

  it('tells the author again when a held story gets its final decision', async () => {
    const { deps, sent, later } = given({ ...story, state: 'held', decidedAt: '2026-12-02T09:00:00.000Z' });
    later(1_000);
    await decide(deps, 'abc123', 'accepted');
    expect(sent.map(({ email }) => email.subject)).toEqual(['accepted: The Clockwork Garden']);
  });

  it.each([
    ['unread', 'take it first'],
    ['accepted', 'take it first'],
  ] as const)('refuses a decision on a story that is %s', async (state, message) => {
    const { deps, sent } = given({ ...story, state, decidedAt: state === 'accepted' ? '2026-12-01T00:00:00.000Z' : undefined });
    await expect(decide(deps, 'abc123', 'rejected')).rejects.toThrow(message);
    expect(sent).toEqual([]);
  });

  it('names a submission that does not exist', async () => {
    const { deps } = given();
    await expect(decide(deps, 'nope', 'accepted')).rejects.toThrow('No submission nope');
  });
});
