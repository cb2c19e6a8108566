import { AwsRefusal, type Operation, type Permission, queryParameters, type SignedRequest } from '../../operations';
import { ACCOUNT_ID } from '../cloudformation/intrinsics';

/** SES v1's operations on the account's identities and quota (see identities.ts). */
export const V1_ACCOUNT_ACTIONS = [
  'ListIdentities',
  'ListVerifiedEmailAddresses',
  'VerifyEmailIdentity',
  'VerifyEmailAddress',
  'VerifyDomainIdentity',
  'DeleteIdentity',
  'GetIdentityVerificationAttributes',
  'GetSendQuota',
  'GetAccountSendingEnabled',
];

/** The address of "Name <address>" or a bare address. */
const address = (from: string) => (/<([^>]+)>/.exec(from)?.[1] ?? from).trim();

/**
 * Sending needs ses:SendEmail (or SendRawEmail) on the sender's identity: AWS checks the identity
 * that is verified, the address or its domain, so either grant is enough here.
 */
function sendPermission(region: string, action: string, from: string, extra: { configurationSet?: unknown; identityArn?: unknown } = {}): Permission[] {
  const identity = (name: string) => `arn:aws:ses:${region}:${ACCOUNT_ID}:identity/${name}`;
  const sender = address(from);
  if (!sender) throw new AwsRefusal(400, 'BadRequestException', 'Missing required field: FromEmailAddress (or Source)');
  const domain = sender.split('@')[1];
  const permissions: Permission[] = [
    typeof extra.identityArn === 'string'
      ? { action, resource: extra.identityArn }
      : { action, resource: identity(sender), alternatives: domain ? [identity(domain)] : [] },
  ];
  if (typeof extra.configurationSet === 'string')
    permissions.push({ action, resource: `arn:aws:ses:${region}:${ACCOUNT_ID}:configuration-set/${extra.configurationSet}` });
  return permissions;
}

const json = (request: SignedRequest): Record<string, unknown> => {
  try {
    return request.body.length ? (JSON.parse(request.body.toString('utf8')) as Record<string, unknown>) : {};
  } catch {
    throw new AwsRefusal(400, 'BadRequestException', 'The request body is not valid JSON');
  }
};

/**
 * SES operations the local SES (aws-ses-v2-local) serves: the v2 REST API's sending, account and
 * templates, and the v1 query API's SendEmail and SendRawEmail. Any other is refused at once, rather
 * than passed on to an emulator that would never answer it.
 */
export function sesOperation(request: SignedRequest, region: string): Operation {
  const { method, path } = request;
  const template = (name: string) => `arn:aws:ses:${region}:${ACCOUNT_ID}:template/${name}`;
  if (path.startsWith('/v2/')) {
    const name = decodeURIComponent(/^\/v2\/email\/templates\/([^/]+)/.exec(path)?.[1] ?? '');
    if (method === 'POST' && path === '/v2/email/outbound-emails') {
      const body = json(request);
      return {
        name: 'SendEmail',
        permissions: sendPermission(region, 'ses:SendEmail', String(body.FromEmailAddress ?? ''), {
          configurationSet: body.ConfigurationSetName,
          identityArn: body.FromEmailAddressIdentityArn,
        }),
      };
    }
    if (method === 'POST' && path === '/v2/email/outbound-bulk-emails') {
      const body = json(request);
      return {
        name: 'SendBulkEmail',
        permissions: sendPermission(region, 'ses:SendBulkEmail', String(body.FromEmailAddress ?? ''), { identityArn: body.FromEmailAddressIdentityArn }),
      };
    }
    if (method === 'GET' && path === '/v2/email/account') return { name: 'GetAccount', permissions: [{ action: 'ses:GetAccount', resource: '*' }] };
    if (method === 'GET' && path === '/v2/email/templates')
      return { name: 'ListEmailTemplates', permissions: [{ action: 'ses:ListEmailTemplates', resource: '*' }] };
    if (method === 'POST' && path === '/v2/email/templates') {
      return {
        name: 'CreateEmailTemplate',
        permissions: [{ action: 'ses:CreateEmailTemplate', resource: template(String(json(request).TemplateName ?? '')) }],
      };
    }
    const identity = decodeURIComponent(/^\/v2\/email\/identities\/([^/]+)$/.exec(path)?.[1] ?? '');
    const identityArn = (named: string) => `arn:aws:ses:${region}:${ACCOUNT_ID}:identity/${named}`;
    // GET /v2/email/identities in older clients (the CLI 2.9), POST /v2/email/list-identities in newer ones.
    if ((method === 'GET' && path === '/v2/email/identities') || (method === 'POST' && path === '/v2/email/list-identities'))
      return { name: 'ListEmailIdentities', permissions: [{ action: 'ses:ListEmailIdentities', resource: '*' }] };
    if (method === 'POST' && path === '/v2/email/identities')
      return {
        name: 'CreateEmailIdentity',
        permissions: [{ action: 'ses:CreateEmailIdentity', resource: identityArn(String(json(request).EmailIdentity ?? '')) }],
      };
    const onIdentity: Record<string, string> = { GET: 'GetEmailIdentity', DELETE: 'DeleteEmailIdentity' };
    if (identity && onIdentity[method])
      return { name: onIdentity[method] ?? '', permissions: [{ action: `ses:${onIdentity[method]}`, resource: identityArn(identity) }] };
    if (name && /\/render$/.test(path) && method === 'POST')
      return { name: 'TestRenderEmailTemplate', permissions: [{ action: 'ses:TestRenderEmailTemplate', resource: template(name) }] };
    const byMethod: Record<string, string> = { GET: 'GetEmailTemplate', PUT: 'UpdateEmailTemplate', DELETE: 'DeleteEmailTemplate' };
    if (name && byMethod[method] && !/\/render$/.test(path))
      return { name: byMethod[method] ?? '', permissions: [{ action: `ses:${byMethod[method]}`, resource: template(name) }] };
    throw new AwsRefusal(404, 'NotFoundException', `The local SES does not support ${method} ${path}`);
  }
  const parameters = queryParameters(request);
  const action = parameters.get('Action') ?? '';
  if (action === 'SendEmail')
    return {
      name: action,
      permissions: sendPermission(region, 'ses:SendEmail', parameters.get('Source') ?? '', {
        configurationSet: parameters.get('ConfigurationSetName') ?? undefined,
      }),
    };
  if (action === 'SendRawEmail') {
    const raw = Buffer.from(parameters.get('RawMessage.Data') ?? '', 'base64').toString('utf8');
    const from = parameters.get('Source') ?? /^From:\s*(.+)$/im.exec(raw.split(/\r?\n\r?\n/)[0] ?? '')?.[1] ?? '';
    return {
      name: action,
      permissions: sendPermission(region, 'ses:SendRawEmail', from, { configurationSet: parameters.get('ConfigurationSetName') ?? undefined }),
    };
  }
  // Identity and quota reads and verification requests, which take no resource in IAM.
  if (V1_ACCOUNT_ACTIONS.includes(action)) return { name: action, permissions: [{ action: `ses:${action}`, resource: '*' }] };
  throw new AwsRefusal(
    400,
    'InvalidAction',
    `The local SES does not support ${action || 'this request'}: it sends mail (SendEmail, SendRawEmail, the v2 API) and keeps identities and the quota`,
  );
}
