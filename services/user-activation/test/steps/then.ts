// Then: what the user's inbox, the table and the workflow's executions show, once the work has run.
import { store } from '../support/users';

export { emailsTo, waitForEmails as emailsArrive } from '@zero-idle/local-cloud/testing';
export { activationsSettled as everythingHasRunFor, executionArn, executionsOf, finishedExecution, linkIn } from '../support/users';
export const theUser = (username: string) => store.get(username);
