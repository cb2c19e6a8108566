import * as z from 'zod/mini';
import * as accounts from '../domain/accounts';
import { accountStatusArgs, createUserInput, pageArgs, updateUserInput, usernameArgs } from '../domain/inputs';
import { active, publicWithApiKey, type Resolvers, resolver, signedIn } from './resolver';

const none = z.object({});

export const userResolvers = {
  'Query.me': resolver({ access: signedIn, args: none, shows: 'ownAccount', run: ({ store, caller }) => accounts.me(store, caller) }),
  'Query.getUser': resolver({ access: active(), args: usernameArgs, shows: 'account', run: ({ store, args }) => accounts.getUser(store, args.username) }),
  'Query.listUsers': resolver({ access: active('admin'), args: pageArgs, shows: 'accountPage', run: ({ store, args }) => accounts.listUsers(store, args) }),
  'Query.profile': resolver({
    access: publicWithApiKey,
    args: usernameArgs,
    shows: 'profile',
    run: ({ store, args }) => accounts.profile(store, args.username),
  }),
  'Mutation.createUser': resolver({
    access: signedIn,
    args: z.object({ input: createUserInput }),
    shows: 'ownAccount',
    run: ({ store, clock, caller, args }) => accounts.createUser(store, clock, caller, args.input),
  }),
  'Mutation.updateUser': resolver({
    access: active(),
    args: z.object({ input: updateUserInput }),
    shows: 'ownAccount',
    run: ({ store, me, args }) => accounts.updateUser(store, me, args.input),
  }),
  'Mutation.setAccountStatus': resolver({
    access: active('admin'),
    args: accountStatusArgs,
    shows: 'account',
    run: ({ store, args }) => accounts.setAccountStatus(store, args),
  }),
} satisfies Resolvers;
