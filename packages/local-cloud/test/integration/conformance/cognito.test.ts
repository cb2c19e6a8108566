// Every Cognito user pool operation the coverage table lists, through the endpoint with the real SDK
// v3 client, on the pool nanny-booking's template makes: a user's own operations as an app calls them
// (codes read from the email Cognito sends), and the admin ones.
import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  ChangePasswordCommand,
  CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  CreateUserPoolCommand,
  DeleteUserCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  ForgotPasswordCommand,
  GetGroupCommand,
  GetUserCommand,
  InitiateAuthCommand,
  ListGroupsCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  ListUsersCommand,
  ListUsersInGroupCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitForEmails } from '../../../src/testing';
import { clientConfig, expectEveryDeclaredOperationCalled } from '../../support/conformance';

const KEY = 'conformancecognito';
const cognito = new CognitoIdentityProviderClient(clientConfig(KEY));
const run = Date.now();
const username = `reader${run}`;
const email = `${username}@example.com`;
const password = 'first-passw0rd';
let UserPoolId = '';
let ClientId = '';

/** The code in the newest email Cognito sent to the address. */
async function codeSentTo(address: string, count: number): Promise<string> {
  const emails = await waitForEmails(address, count);
  expect(emails).toHaveLength(count);
  return /Your verification code is (\d+)/.exec(emails.at(-1)?.body.text ?? '')?.[1] ?? '';
}

beforeAll(async () => {
  const { UserPools = [] } = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
  UserPoolId = UserPools.find((pool) => pool.Name === 'nanny-booking-dev')?.Id ?? '';
  const { UserPoolClients = [] } = await cognito.send(new ListUserPoolClientsCommand({ UserPoolId }));
  ClientId = UserPoolClients[0]?.ClientId ?? '';
});

afterAll(() => cognito.destroy());

describe('Cognito user pools through the endpoint, with the SDK', () => {
  it('describes the pool and client the template made', async () => {
    expect((await cognito.send(new DescribeUserPoolCommand({ UserPoolId }))).UserPool).toMatchObject({ Id: UserPoolId, Name: 'nanny-booking-dev' });
    expect((await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId, ClientId }))).UserPoolClient).toMatchObject({
      ClientName: 'nanny-booking-dev-app',
    });
    expect((await cognito.send(new ListGroupsCommand({ UserPoolId }))).Groups?.map((group) => group.GroupName).sort()).toEqual(['admin', 'nanny', 'parent']);
    expect((await cognito.send(new GetGroupCommand({ UserPoolId, GroupName: 'parent' }))).Group?.Description).toBe('Posts jobs and books nannies');
  });

  it('signs a user up, confirms with the emailed code and signs in, as an app does', async () => {
    const signedUp = await cognito.send(
      new SignUpCommand({ ClientId, Username: username, Password: password, UserAttributes: [{ Name: 'email', Value: email }] }),
    );
    expect(signedUp).toMatchObject({ UserConfirmed: false, CodeDeliveryDetails: { DeliveryMedium: 'EMAIL', Destination: email } });
    // Cognito sends the code after SignUp has answered, in AWS as here: wait for it to arrive.
    expect((await waitForEmails(email))[0]).toMatchObject({ from: 'no-reply@verificationemail.com', subject: 'Your verification code' });
    await cognito.send(new ConfirmSignUpCommand({ ClientId, Username: username, ConfirmationCode: await codeSentTo(email, 1) }));
    const { AuthenticationResult } = await cognito.send(
      new InitiateAuthCommand({ ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }),
    );
    expect(AuthenticationResult).toMatchObject({ TokenType: 'Bearer', ExpiresIn: 3600, AccessToken: expect.any(String), IdToken: expect.any(String) });
    const AccessToken = AuthenticationResult?.AccessToken ?? '';
    await expect(
      cognito.send(new InitiateAuthCommand({ ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: 'wrong-passw0rd' } })),
    ).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    await cognito.send(new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'name', Value: 'Ada' }] }));
    const { UserAttributes = [] } = await cognito.send(new GetUserCommand({ AccessToken }));
    expect(UserAttributes).toContainEqual({ Name: 'name', Value: 'Ada' });
    await cognito.send(new ChangePasswordCommand({ AccessToken, PreviousPassword: password, ProposedPassword: 'second-passw0rd' }));
    await cognito.send(new RevokeTokenCommand({ ClientId, Token: AuthenticationResult?.RefreshToken ?? '' }));
  });

  it('resets a forgotten password with the emailed code', async () => {
    expect((await cognito.send(new ForgotPasswordCommand({ ClientId, Username: username }))).CodeDeliveryDetails?.DeliveryMedium).toBe('EMAIL');
    const code = await codeSentTo(email, 2);
    await cognito.send(new ConfirmForgotPasswordCommand({ ClientId, Username: username, ConfirmationCode: code, Password: 'third-passw0rd' }));
    const { AuthenticationResult } = await cognito.send(
      new InitiateAuthCommand({ ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: 'third-passw0rd' } }),
    );
    await cognito.send(new DeleteUserCommand({ AccessToken: AuthenticationResult?.AccessToken }));
    await expect(cognito.send(new AdminGetUserCommand({ UserPoolId, Username: username }))).rejects.toMatchObject({ name: 'UserNotFoundException' });
  });

  it('administers users: create with a temporary password, the new-password challenge, groups, disable, delete', async () => {
    const admin = `admin${run}`;
    await cognito.send(new AdminCreateUserCommand({ UserPoolId, Username: admin, TemporaryPassword: 'temporary-passw0rd', MessageAction: 'SUPPRESS' }));
    const challenge = await cognito.send(
      new InitiateAuthCommand({ ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: admin, PASSWORD: 'temporary-passw0rd' } }),
    );
    expect(challenge.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
    const answered = await cognito.send(
      new RespondToAuthChallengeCommand({
        ClientId,
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: challenge.Session,
        ChallengeResponses: { USERNAME: admin, NEW_PASSWORD: 'chosen-passw0rd' },
      }),
    );
    expect(answered.AuthenticationResult?.TokenType).toBe('Bearer');
    await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId, Username: admin, Password: 'admin-set-passw0rd', Permanent: true }));
    // The template's client allows USER_PASSWORD_AUTH, SRP and refresh, not the admin flow: Cognito refuses it.
    await expect(
      cognito.send(
        new AdminInitiateAuthCommand({ UserPoolId, ClientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: admin, PASSWORD: 'x' } }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message: 'Auth flow not enabled for this client' });
    const signedIn = await cognito.send(
      new InitiateAuthCommand({ ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: admin, PASSWORD: 'admin-set-passw0rd' } }),
    );
    const { AuthenticationResult } = await cognito.send(
      new AdminInitiateAuthCommand({
        UserPoolId,
        ClientId,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: signedIn.AuthenticationResult?.RefreshToken ?? '' },
      }),
    );
    expect(AuthenticationResult).toMatchObject({ ExpiresIn: 3600, TokenType: 'Bearer' });
    await cognito.send(new AdminUpdateUserAttributesCommand({ UserPoolId, Username: admin, UserAttributes: [{ Name: 'name', Value: 'Grace' }] }));
    expect((await cognito.send(new AdminGetUserCommand({ UserPoolId, Username: admin }))).UserAttributes).toContainEqual({ Name: 'name', Value: 'Grace' });
    await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId, Username: admin, GroupName: 'parent' }));
    expect((await cognito.send(new AdminListGroupsForUserCommand({ UserPoolId, Username: admin }))).Groups?.map((group) => group.GroupName)).toEqual([
      'parent',
    ]);
    expect((await cognito.send(new ListUsersInGroupCommand({ UserPoolId, GroupName: 'parent' }))).Users?.map((user) => user.Username)).toContain(admin);
    await cognito.send(new AdminRemoveUserFromGroupCommand({ UserPoolId, Username: admin, GroupName: 'parent' }));
    await cognito.send(new AdminDisableUserCommand({ UserPoolId, Username: admin }));
    expect((await cognito.send(new AdminGetUserCommand({ UserPoolId, Username: admin }))).Enabled).toBe(false);
    await cognito.send(new AdminEnableUserCommand({ UserPoolId, Username: admin }));
    expect((await cognito.send(new ListUsersCommand({ UserPoolId }))).Users?.map((user) => user.Username)).toContain(admin);
    await cognito.send(new AdminDeleteUserCommand({ UserPoolId, Username: admin }));

    const confirmedByAdmin = `confirmed${run}`;
    await cognito.send(
      new SignUpCommand({
        ClientId,
        Username: confirmedByAdmin,
        Password: password,
        UserAttributes: [{ Name: 'email', Value: `${confirmedByAdmin}@example.com` }],
      }),
    );
    await cognito.send(new AdminConfirmSignUpCommand({ UserPoolId, Username: confirmedByAdmin }));
    expect((await cognito.send(new AdminGetUserCommand({ UserPoolId, Username: confirmedByAdmin }))).UserStatus).toBe('CONFIRMED');
    await cognito.send(new AdminDeleteUserCommand({ UserPoolId, Username: confirmedByAdmin }));
  });

  it('refuses an operation it does not emulate with UnknownOperationException', async () => {
    await expect(cognito.send(new CreateUserPoolCommand({ PoolName: 'runtime' }))).rejects.toMatchObject({
      name: 'UnknownOperationException',
      message: expect.stringContaining('does not emulate cognito-idp CreateUserPool'),
    });
  });

  it('has driven every operation the coverage table lists, signed or not', async () => {
    await expectEveryDeclaredOperationCalled('Amazon Cognito user pools', 'cognito-idp', [KEY, 'anonymous']);
  });
});
