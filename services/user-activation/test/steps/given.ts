// Given: the users as they are before the step under test.
import { newToken } from '../../src/domain/user';
import { givenARegisteredUser, setAttributes, store, uniqueUser } from '../support/users';

/** A user written as the register function writes it (the stream then starts the activation). */
export const aRegisteredUser = givenARegisteredUser;
/** A username, email and name nobody has used. */
export const aNewUser = uniqueUser;
/** Attributes changed directly, as time passing (expiry, cooldown) would. */
export const theUserHas = setAttributes;
/** A new token version, as a resend makes it (an update: the stream starts nothing). */
export const aNewTokenVersion = (username: string) => store.renewToken(username, newToken(Date.now(), 48), Date.now());
