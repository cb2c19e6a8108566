import type { LocalModule } from '../../context';
import { AwsRefusal, queryParameters } from '../../operations';
import { queryResponse } from '../../xml';
import { ACCOUNT_ID } from '../cloudformation/intrinsics';

/**
 * STS's GetCallerIdentity, the first call of many tools: who the caller is, as AWS names it (the
 * role session of a function or state machine, else the account's root user). It needs no
 * permission, in AWS too. STS's other operations are not emulated and say so.
 */
export function stsModule(): LocalModule {
  return {
    name: 'sts',
    coverage: {
      service: 'AWS STS',
      by: 'the local cloud',
      operations: ['GetCallerIdentity'],
      notEmulated: ["AssumeRole and other credentials: any key signs, as the account's root user unless it is a function's or state machine's"],
    },
    async start(context) {
      context.endpoint.route('sts', {
        operations: ['GetCallerIdentity'],
        protocol: () => 'query',
        operation: (request) => {
          const action = queryParameters(request).get('Action') ?? '';
          if (action !== 'GetCallerIdentity')
            throw new AwsRefusal(400, 'InvalidAction', `The local STS answers GetCallerIdentity only, not ${action || '(no Action)'}`);
          // "No permissions are required to perform this operation" (STS API reference).
          return { name: action, permissions: [], unauthenticated: true };
        },
        handle: async (request) => {
          const { principal } = context.iam.caller(request.accessKeyId);
          const identity =
            principal.kind === 'role'
              ? {
                  Arn: principal.sessionArn,
                  UserId: `AROA${principal.roleArn
                    .split('/')
                    .pop()
                    ?.toUpperCase()
                    .replace(/[^A-Z0-9]/g, '')
                    .slice(0, 17)}:${principal.sessionArn.split('/').pop()}`,
                  Account: ACCOUNT_ID,
                }
              : { Arn: `arn:aws:iam::${ACCOUNT_ID}:root`, UserId: ACCOUNT_ID, Account: ACCOUNT_ID };
          return queryResponse('GetCallerIdentity', 'https://sts.amazonaws.com/doc/2011-06-15/', identity);
        },
      });
    },
  };
}
