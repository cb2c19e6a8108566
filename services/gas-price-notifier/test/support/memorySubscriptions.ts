// In-memory twins of the subscriber store and the topic's subscriptions, for the use cases' unit tests.
import type { Subscriber, SubscriberStore, SubscriptionState, TopicSubscriptions } from '../../src/domain/ports';

export function memorySubscriberStore(): SubscriberStore & { items: Map<string, Subscriber> } {
  const items = new Map<string, Subscriber>();
  const tokens = new Map<string, string>();
  return {
    items,
    async get(email) {
      const found = items.get(email);
      return found && structuredClone(found);
    },
    async byToken(token) {
      const email = tokens.get(token);
      const subscriber = email ? await this.get(email) : undefined;
      return subscriber?.token === token ? subscriber : undefined;
    },
    async create(subscriber) {
      if (items.has(subscriber.email)) return false;
      items.set(subscriber.email, structuredClone(subscriber));
      tokens.set(subscriber.token, subscriber.email);
      return true;
    },
    async takeEmailSlot(email, kind, now, since) {
      const item = items.get(email);
      if (!item) throw new Error('ConditionalCheckFailed');
      const field = kind === 'confirmation' ? 'confirmationSentAt' : 'messageSentAt';
      const sentAt = item[field] ?? 0;
      if (sentAt > since) return { taken: false, sentAt };
      item[field] = now;
      return { taken: true, previous: sentAt };
    },
    async giveBackEmailSlot(email, kind, ours, previous) {
      const item = items.get(email);
      const field = kind === 'confirmation' ? 'confirmationSentAt' : 'messageSentAt';
      if (item?.[field] === ours) item[field] = previous;
    },
    async update(email, changes, now) {
      const item = items.get(email);
      if (!item) throw new Error('ConditionalCheckFailed');
      Object.assign(item, Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)), { updatedAt: new Date(now).toISOString() });
    },
    async remove(subscriber) {
      items.delete(subscriber.email);
      tokens.delete(subscriber.token);
    },
  };
}

/** SNS as the use cases see it: subscriptions by address, confirmations, policies, and what was mailed. */
export function memoryTopic(options: { refuse?: (email: string) => Error | undefined } = {}) {
  const subscriptions = new Map<string, { email: string; policy: object; state: SubscriptionState }>();
  const mailed: Array<{ kind: 'confirmation' | 'told'; to: string; subject?: string }> = [];
  let next = 1;
  const byEmail = (email: string) => [...subscriptions.entries()].find(([, s]) => s.email === email && s.state !== 'ended');
  const topic: TopicSubscriptions = {
    async subscribe(email, policy) {
      const refusal = options.refuse?.(email);
      if (refusal) throw refusal;
      const existing = byEmail(email);
      if (existing && JSON.stringify(existing[1].policy) !== JSON.stringify(policy)) throw new Error('Subscription already exists with different attributes');
      if (existing?.[1].state === 'confirmed') return existing[0];
      mailed.push({ kind: 'confirmation', to: email });
      if (existing) return existing[0];
      const arn = `arn:aws:sns:us-east-1:000000000000:gas:${next++}`;
      subscriptions.set(arn, { email, policy, state: 'pending' });
      return arn;
    },
    async setFilterPolicy(arn, policy) {
      const found = subscriptions.get(arn);
      if (!found || found.state === 'ended') throw Object.assign(new Error('NotFound'), { name: 'NotFoundException' });
      found.policy = policy;
    },
    async stateOf(arn) {
      return subscriptions.get(arn)?.state ?? 'ended';
    },
    async unsubscribe(arn) {
      const found = subscriptions.get(arn);
      if (found) found.state = 'ended';
    },
    async tell(subscriberId, message) {
      const to = [...subscriptions.values()].find(
        (s) => s.state === 'confirmed' && JSON.stringify(s.policy).includes(`"subscriber":["${subscriberId}"]`),
      )?.email;
      if (to) mailed.push({ kind: 'told', to, subject: message.subject });
    },
  };
  return {
    topic,
    subscriptions,
    mailed,
    confirm: (email: string) => {
      const found = byEmail(email);
      if (found) found[1].state = 'confirmed';
    },
  };
}
