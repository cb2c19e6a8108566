// Then: what a subscriber's inbox or the table shows, once the work has run.
import { emailsTo, waitUntilQuiet } from '@zero-idle/local-cloud/testing';
import { alertsFor, FETCH, PUBLISH, store, waitFor } from '../support/prices';

export { alertsFor };
/** The fetch and whatever its weeks set off have run to the end (the local SNS delivers emails before Publish answers): what "no alert" is asserted after. */
export const everythingHasRun = () => waitUntilQuiet([FETCH, PUBLISH]);
/** The alerts for a week, once the first has arrived. */
export const alertsArrivedFor = (week: string, timeoutMs?: number) =>
  waitFor(
    () => alertsFor(week),
    (found) => found.length > 0,
    timeoutMs,
  );
export const latestWeek = () => store.latestWeek();
export const storedWeeks = (from: string, to: string) => store.storedWeeks(from, to);

export { alertsTo, linkIn, subscriptionsOf } from '../support/subscribers';
/** The messages to one subscriber alone (its link, a change notice) that reached it. */
export const messagesTo = async (email: string, subject: string) => (await emailsTo(email)).filter((mail) => mail.subject === subject);
