// Then: what the table, the bucket and the inboxes show, once the processing has run.
import { waitUntilQuiet } from '@zero-idle/local-cloud/testing';
import { PROCESS } from '../support/mail';

export { emailsTo, waitForEmails as emailsArrive } from '@zero-idle/local-cloud/testing';
export { listKeys as theKeysUnder, objectBytes as theObject, objectExists as anObjectAt, waitForSubmission as theSubmission } from '../support/mail';
/** Every stored message's processing, with Lambda's retries, has run. */
export const processingHasRun = () => waitUntilQuiet([PROCESS]);
