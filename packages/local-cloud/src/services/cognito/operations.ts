import { AwsRefusal, forwardJson, jsonOperation, type Operation, type SignedRequest } from '../../operations';
import { ACCOUNT_ID } from '../cloudformation/intrinsics';
import type { IamCatalog } from '../iam/catalog';

/**
 * Cognito user pool operations a user makes with their own tokens or none: AWS does not authorize
 * them with IAM ("unauthenticated" and token-authorized APIs of the Cognito developer guide).
 */
const WITHOUT_IAM = new Set([
  'AssociateSoftwareToken',
  'ChangePassword',
  'CompleteWebAuthnRegistration',
  'ConfirmDevice',
  'ConfirmForgotPassword',
  'ConfirmSignUp',
  'DeleteUser',
  'DeleteUserAttributes',
  'DeleteWebAuthnCredential',
  'ForgetDevice',
  'ForgotPassword',
  'GetDevice',
  'GetTokensFromRefreshToken',
  'GetUser',
  'GetUserAttributeVerificationCode',
  'GetUserAuthFactors',
  'GlobalSignOut',
  'InitiateAuth',
  'ListDevices',
  'ListWebAuthnCredentials',
  'ResendConfirmationCode',
  'RespondToAuthChallenge',
  'RevokeToken',
  'SetUserMFAPreference',
  'SetUserSettings',
  'SignUp',
  'StartWebAuthnRegistration',
  'UpdateDeviceStatus',
  'UpdateUserAttributes',
  'VerifySoftwareToken',
  'VerifyUserAttribute',
]);

/** Cognito user pools (JSON protocol): IAM on the pool a request names, except the user's own operations. */
export function cognitoOperation(request: SignedRequest, region: string, catalog: IamCatalog): Operation {
  const { prefix, name, input } = jsonOperation(request, ['AWSCognitoIdentityProviderService']);
  const forward = forwardJson(prefix, name, input);
  if (WITHOUT_IAM.has(name)) return { name, permissions: [], unauthenticated: true, forward };
  // An app calls its users' operations unsigned; everything else needs SigV4, as in AWS.
  if (!request.accessKeyId)
    throw new AwsRefusal(400, 'MissingAuthenticationTokenException', `${name} must be signed (SigV4); only a user's own operations are called without`);
  const action = catalog.action(`cognito-idp:${name}`);
  if (!action) throw new AwsRefusal(400, 'UnknownOperationException', `Unknown operation: ${prefix}.${name}`);
  let resource = '*';
  if (action.resourceTypes.length) {
    if (typeof input.UserPoolId !== 'string') throw new AwsRefusal(400, 'InvalidParameterException', `${name} needs a UserPoolId`);
    resource = `arn:aws:cognito-idp:${region}:${ACCOUNT_ID}:userpool/${input.UserPoolId}`;
  }
  return { name, permissions: [{ action: action.name, resource }], forward };
}
