// Then: what the family's inboxes and the button's row show, once the presses have run.
import { waitUntilQuiet } from '@zero-idle/local-cloud/testing';

export { emailsTo, inbox, waitForEmails as emailsArrive } from '@zero-idle/local-cloud/testing';
/** Every press in flight (an IoT message, an async invoke, with its retries) has run. */
export const pressesHaveRun = () => waitUntilQuiet(['button-messenger-dev-pressButton', 'button-messenger-dev-pressButtonHttp']);
