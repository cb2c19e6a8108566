import { randomUUID } from 'node:crypto';
import { createDocumentClient } from '@zero-idle/core';
import { newButtonSecret } from '../../src/domain/button';
import { buttonStore } from '../../src/store';

export const TABLE = 'button-messenger-dev-buttons';

/** Given a configured button with its own recipient (so inbox checks see only this test's mail). */
export async function givenAButton(options: { secret?: boolean } = {}) {
  const store = buttonStore(createDocumentClient(), TABLE);
  const id = `T${randomUUID().replace(/-/g, '').slice(0, 20)}`;
  const recipient = `family-${id.toLowerCase()}@example.com`;
  await store.configure(
    { buttonId: id, sender: 'parents@example.com', recipients: [recipient], subject: `Baby ${id}`, message: 'We are on our way <3' },
    Date.now(),
  );
  let secret: string | undefined;
  if (options.secret) {
    const made = newButtonSecret();
    await store.setSecretHash(id, made.secretHash);
    secret = made.secret;
  }
  return { id, recipient, secret, store };
}
