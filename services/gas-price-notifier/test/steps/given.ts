// Given: the world before the step under test (the table, the API, a confirmed subscriber).
import { api, givenConfirmedSubscriber, givenNoStoredWeeks } from '../support/prices';

export { row, sample } from '../support/prices';

export const noStoredWeeks = givenNoStoredWeeks;
export const aConfirmedSubscriber = givenConfirmedSubscriber;
/** The data.ny.gov stand-in serves these rows (the API's format), newest first. */
export const theApiServes = (rows: Array<Record<string, string | null>>) => api().setRows('nqur-w4p7', rows);
export const theSampleWeeks = () => api().reset();
/** The stand-in answers the next `count` requests with this fault (a status and body, or a delay). */
export const theApiFails = (fault: Parameters<ReturnType<typeof api>['fault']>[0]) => api().fault(fault);

export { anAddress } from '../support/subscribers';
