import { join } from 'node:path';
import { cognitoCall } from '../../client';
import { type LocalModule, type ModuleCoverage, resourcesAcross } from '../../context';
import { startCognitoLocal } from '../../emulators/cognitoLocal';
import { type AwsResponse, awsError, proxyTo } from '../../endpoint';
import { persistedPath } from '../../persistence';
import { ACCOUNT_ID } from '../cloudformation/intrinsics';
import { mailFromAws } from '../ses/awsMail';
import { ClientAuthFlows } from './authFlows';
import { cognitoOperation } from './operations';

/** The user pool operations cognito-local answers that the local cloud proves (a user's own ones unsigned, as in AWS). */
const COVERAGE = {
  service: 'Amazon Cognito user pools',
  by: 'cognito-local',
  operations: [
    'SignUp',
    'ConfirmSignUp',
    'InitiateAuth',
    'RespondToAuthChallenge',
    'ForgotPassword',
    'ConfirmForgotPassword',
    'GetUser',
    'ChangePassword',
    'UpdateUserAttributes',
    'DeleteUser',
    'RevokeToken',
    'AdminCreateUser',
    'AdminGetUser',
    'AdminSetUserPassword',
    'AdminInitiateAuth',
    'AdminConfirmSignUp',
    'AdminUpdateUserAttributes',
    'AdminDisableUser',
    'AdminEnableUser',
    'AdminDeleteUser',
    'AdminAddUserToGroup',
    'AdminRemoveUserFromGroup',
    'AdminListGroupsForUser',
    'ListUsers',
    'ListUsersInGroup',
    'ListGroups',
    'GetGroup',
    'ListUserPools',
    'DescribeUserPool',
    'ListUserPoolClients',
    'DescribeUserPoolClient',
  ],
  notEmulated: ['pools, clients and groups made at run time (the templates make them)', 'hosted UI and OAuth endpoints, MFA, Lambda triggers, identity pools'],
} satisfies ModuleCoverage;

/**
 * Cognito user pools from the templates, served by cognito-local (in its own guarded process, state
 * under .local-cloud/). Tokens carry the issuer AWS uses, https://cognito-idp.<region>.amazonaws.com/<pool id>,
 * and `cognito:groups`; the pool's keys are at <cognito url>/<pool id>/.well-known/jwks.json.
 * Pools, clients and groups are found by name when they exist from an earlier run.
 */
export function cognitoModule(): LocalModule {
  let stop: (() => Promise<void>) | undefined;
  let url = '';
  const pools: Array<{ service: string; pool: string; clients: string[]; groups: string[] }> = [];
  const poolOf = (id: string) => pools.find((pool) => pool.pool === id);
  const authFlows = new ClientAuthFlows();
  return {
    name: 'cognito',
    coverage: COVERAGE,
    emulator: true,
    async start(context) {
      if (!resourcesAcross(context, 'AWS::Cognito::UserPool').length) return;
      const cognito = await startCognitoLocal({
        port: context.ports.cognito,
        // Kept with the account's other persisted state under --persist; else a folder of this run's ports.
        dir: persistedPath(context, 'cognito') ?? join(context.root, '.local-cloud', `cognito-${context.ports.endpoint}`),
        region: context.region,
        keep: Boolean(context.persistDir),
        // Cognito emails its codes (sign-up, forgotten password, attribute verification): here, to the local inbox.
        onCode: (destination, code) => {
          if (!destination.includes('@')) return context.log(`cognito: code ${code} for ${destination} (SMS is not emulated)`);
          mailFromAws(context, {
            from: 'no-reply@verificationemail.com',
            to: destination,
            subject: 'Your verification code',
            text: `Your verification code is ${code}. `,
          }).catch((error: Error) => context.log(`cognito: the code for ${destination} was not delivered: ${error.message}`));
        },
      });
      stop = () => cognito.stop();
      url = cognito.url;
      context.urls.cognito = url;
      const forward = proxyTo(url);
      context.endpoint.route('cognito-idp', {
        operations: COVERAGE.operations,
        protocol: () => 'json',
        operation: (request) => cognitoOperation(request, context.region, context.catalog),
        accessDenied: { status: 400, code: 'AccessDeniedException' },
        handle: async (request) => {
          const signingIn = request.action === 'InitiateAuth' || request.action === 'AdminInitiateAuth';
          if (signingIn) authFlows.check(JSON.parse(request.body.toString() || '{}'));
          const response = await forward(request);
          return signingIn ? asCognitoSignIn(response) : completeAuthenticationResult(response);
        },
      });
      context.endpoint.routeUnsigned('AWSCognitoIdentityProviderService', 'cognito-idp');
      context.endpoint.localApi('cognito', () => pools);
    },
    creates: {
      'AWS::Cognito::UserPool': async (pool, context) => {
        const name = pool.resolver.physicalName(pool.logicalId);
        const { UserPools = [] } = await cognitoCall<{ UserPools?: Array<{ Id: string; Name: string }> }>(url, 'ListUserPools', { MaxResults: 60 });
        const id =
          UserPools.find((existing) => existing.Name === name)?.Id ??
          (
            await cognitoCall<{ UserPool: { Id: string } }>(url, 'CreateUserPool', {
              UsernameAttributes: [],
              ...(pool.resolver.resolve(pool.properties) as object),
              PoolName: name,
            })
          ).UserPool.Id;
        pool.resolver.register(pool.logicalId, {
          ref: id,
          attributes: {
            Arn: `arn:aws:cognito-idp:${context.region}:${ACCOUNT_ID}:userpool/${id}`,
            ProviderName: `cognito-idp.${context.region}.amazonaws.com/${id}`,
            ProviderURL: `https://cognito-idp.${context.region}.amazonaws.com/${id}`,
            UserPoolId: id,
          },
        });
        pools.push({ service: pool.template.service, pool: id, clients: [], groups: [] });
        context.log(`user pool ${name}: ${id}`);
      },
      'AWS::Cognito::UserPoolClient': async (client, context) => {
        const poolId = client.resolver.resolveString(client.properties.UserPoolId);
        const pool = poolOf(poolId);
        if (!pool) throw new Error(`User pool ${poolId} does not exist (ResourceNotFoundException)`);
        const name = client.resolver.physicalName(client.logicalId);
        const { UserPoolClients = [] } = await cognitoCall<{ UserPoolClients?: Array<{ ClientId: string; ClientName: string }> }>(url, 'ListUserPoolClients', {
          UserPoolId: poolId,
          MaxResults: 60,
        });
        const clientId =
          UserPoolClients.find((existing) => existing.ClientName === name)?.ClientId ??
          (await cognitoCall<{ UserPoolClient: { ClientId: string } }>(url, 'CreateUserPoolClient', { UserPoolId: poolId, ClientName: name })).UserPoolClient
            .ClientId;
        client.resolver.register(client.logicalId, { ref: clientId, attributes: { ClientId: clientId, Name: name } });
        authFlows.add(clientId, client.resolver.resolve(client.properties.ExplicitAuthFlows));
        pool.clients.push(clientId);
        context.log(`user pool client ${name}: ${clientId}`);
      },
      'AWS::Cognito::UserPoolGroup': async (group) => {
        const poolId = group.resolver.resolveString(group.properties.UserPoolId);
        const pool = poolOf(poolId);
        if (!pool) throw new Error(`User pool ${poolId} does not exist (ResourceNotFoundException)`);
        const name = String(group.properties.GroupName);
        await cognitoCall(url, 'CreateGroup', { UserPoolId: poolId, GroupName: name, Description: group.properties.Description }).catch((error: Error) => {
          if (!/GroupExists|already exists/i.test(error.message)) throw error;
        });
        group.resolver.register(group.logicalId, { ref: name, attributes: {} });
        pool.groups.push(name);
      },
    },
    async stop() {
      await stop?.();
    },
  };
}

/**
 * A sign-in answered as Cognito answers it: a wrong password is NotAuthorizedException "Incorrect
 * username or password." (cognito-local says InvalidPasswordException, which Cognito keeps for a
 * password its policy refuses).
 */
function asCognitoSignIn(response: AwsResponse): AwsResponse {
  if (response.status === 400 && String(response.headers?.['x-amzn-errortype'] ?? response.body ?? '').includes('InvalidPasswordException'))
    return awsError(400, 'NotAuthorizedException', 'Incorrect username or password.');
  return completeAuthenticationResult(response);
}

/** cognito-local leaves out what Cognito always says of its tokens: how long they last and that they are bearer tokens. */
function completeAuthenticationResult(response: AwsResponse): AwsResponse {
  if (response.status !== 200 || !response.body?.includes('AuthenticationResult')) return response;
  const body = JSON.parse(response.body.toString()) as { AuthenticationResult?: Record<string, unknown> };
  if (!body.AuthenticationResult) return response;
  body.AuthenticationResult.ExpiresIn ??= 3600;
  body.AuthenticationResult.TokenType ??= 'Bearer';
  return { ...response, body: JSON.stringify(body) };
}
