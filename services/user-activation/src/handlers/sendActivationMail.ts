import { createHandler } from '@zero-idle/core';
import { clock, mailer, required, store } from '../dependencies';
import { sendActivationMail } from '../domain/activationMail';
import { activationInput } from './getActivationStatus';

const deps = {
  claims: store.mail,
  mailer: mailer(),
  clock,
  settings: { secret: required('ACTIVATION_SECRET'), baseUrl: required('ACTIVATION_BASE_URL'), sender: required('SENDER_EMAIL') },
};

/** SendActivationMail: the state machine's task (see sendActivationMail); a thrown error's name picks its Retry. */
export const handler = createHandler({ event: activationInput }, async (mail, { log }) => {
  log(mail);
  const result = await sendActivationMail(deps, mail);
  log(result);
  return result;
});
