import type { CloudContext } from '../../context';
import type { AwsRequest } from '../../endpoint';
import { AwsRefusal, type AwsResponse, queryParameters } from '../../operations';
import { persistedPath, readJson, writeJson } from '../../persistence';
import { queryResponse, toXml } from '../../xml';
import { mailFromAws } from './awsMail';

const V1 = 'http://ses.amazonaws.com/doc/2010-12-01/';
/** A new account's sandbox quota: 200 emails a day, one a second. */
const SANDBOX = { Max24HourSend: 200, MaxSendRate: 1 };

interface Identity {
  type: 'EmailAddress' | 'Domain';
  status: 'Pending' | 'Success';
  token: string;
}

/**
 * The account's SES identities and sending quota, which aws-ses-v2-local does not keep. An email
 * identity is verified as in AWS: SES mails a link to the address (here, to the local inbox), and
 * opening it verifies it; a domain waits for its DNS records, which a local cloud has none of, so
 * POST /_local/ses/verify/<domain> stands for them. Sending is not held to verification locally.
 */
export class SesAccount {
  private readonly identities = new Map<string, Identity>();
  private readonly sent: number[] = [];
  /** Under --persist, where the identities are kept (the quota's count of sent emails is not). */
  private readonly file: string | undefined;

  constructor(private readonly context: CloudContext) {
    this.file = persistedPath(context, 'ses-identities.json');
    for (const [name, identity] of Object.entries(readJson<Record<string, Identity>>(this.file) ?? {})) this.identities.set(name, identity);
    context.endpoint.localAction('GET', /^\/_local\/ses\/verify\/([^/]+)$/, (match) => this.confirm(decodeURIComponent(match[1] ?? '')));
    context.endpoint.localAction('POST', /^\/_local\/ses\/verify\/([^/]+)$/, (match) => this.confirm(decodeURIComponent(match[1] ?? '')));
  }

  /** A message SES accepted, for the quota's SentLast24Hours. */
  countSent(): void {
    const now = Date.now();
    this.sent.push(now);
    while ((this.sent[0] ?? now) < now - 86_400_000) this.sent.shift();
  }

  private save(): void {
    writeJson(this.file, Object.fromEntries(this.identities));
  }

  private sentLast24Hours(): number {
    return this.sent.filter((at) => at >= Date.now() - 86_400_000).length;
  }

  private confirm(name: string): AwsResponse {
    const identity = this.identities.get(name);
    if (!identity) return { status: 404, headers: { 'content-type': 'text/plain' }, body: `No SES identity ${name}` };
    identity.status = 'Success';
    this.save();
    return {
      status: 200,
      headers: { 'content-type': 'text/plain' },
      body: `Congratulations! You have successfully verified ${name} with Amazon SES (locally).\n`,
    };
  }

  private async add(name: string): Promise<Identity> {
    const known = this.identities.get(name);
    if (known) return known;
    const identity: Identity = { type: name.includes('@') ? 'EmailAddress' : 'Domain', status: 'Pending', token: crypto.randomUUID().replace(/-/g, '') };
    this.identities.set(name, identity);
    this.save();
    if (identity.type === 'EmailAddress') await this.mailVerificationLink(name);
    return identity;
  }

  /** What SES sends a new email identity: a link that verifies it. */
  private async mailVerificationLink(address: string): Promise<void> {
    const link = `${this.context.endpoint.url}/_local/ses/verify/${encodeURIComponent(address)}`;
    await mailFromAws(this.context, {
      from: 'Amazon Web Services <no-reply-aws@amazon.com>',
      to: address,
      subject: `Amazon Web Services – Email Address Verification Request in region ${this.context.region}`,
      text: `To verify your email address ${address} with Amazon SES, please click the following link:\n${link}\n`,
    }).catch((error: Error) => {
      throw new AwsRefusal(500, 'InternalFailure', `The verification email to ${address} could not be sent: ${error.message}`);
    });
  }

  /** The SES v1 (query) operations on identities and the quota; undefined for one this class does not answer. */
  async v1(request: AwsRequest): Promise<AwsResponse | undefined> {
    const parameters = queryParameters(request);
    const action = request.action;
    switch (action) {
      case 'ListIdentities': {
        const type = parameters.get('IdentityType');
        const names = [...this.identities].filter(([, identity]) => !type || identity.type === type).map(([name]) => name);
        return queryResponse(action, V1, { Identities: names });
      }
      case 'ListVerifiedEmailAddresses':
        return queryResponse(action, V1, {
          VerifiedEmailAddresses: [...this.identities].filter(([, i]) => i.type === 'EmailAddress' && i.status === 'Success').map(([name]) => name),
        });
      case 'VerifyEmailIdentity':
      case 'VerifyEmailAddress':
        await this.add(required(parameters, 'EmailAddress'));
        return queryResponse(action, V1, {});
      case 'VerifyDomainIdentity':
        return queryResponse(action, V1, { VerificationToken: (await this.add(required(parameters, 'Domain'))).token });
      case 'DeleteIdentity':
        this.identities.delete(required(parameters, 'Identity'));
        this.save();
        return queryResponse(action, V1, {});
      case 'GetIdentityVerificationAttributes': {
        // A map in the query protocol: <entry><key/><value/></entry>.
        const entries = [...parameters]
          .filter(([key]) => /^Identities\.member\.\d+$/.test(key))
          .flatMap(([, name]) => {
            const identity = this.identities.get(name);
            if (!identity) return [];
            const value = toXml({ VerificationStatus: identity.status, VerificationToken: identity.type === 'Domain' ? identity.token : undefined });
            return [`<entry><key>${toXml(name)}</key><value>${value}</value></entry>`];
          });
        const response = queryResponse(action, V1, {});
        return {
          ...response,
          body: response.body.replace(
            `<${action}Result></${action}Result>`,
            `<${action}Result><VerificationAttributes>${entries.join('')}</VerificationAttributes></${action}Result>`,
          ),
        };
      }
      case 'GetSendQuota':
        return queryResponse(action, V1, { ...SANDBOX, SentLast24Hours: this.sentLast24Hours() });
      case 'GetAccountSendingEnabled':
        return queryResponse(action, V1, { Enabled: true });
      default:
        return undefined;
    }
  }

  /** The SES v2 (REST) operations on identities and the account; undefined for one this class does not answer. */
  async v2(request: AwsRequest): Promise<AwsResponse | undefined> {
    const ok = (body: unknown): AwsResponse => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const describe = (name: string, identity: Identity) => ({
      IdentityType: identity.type === 'EmailAddress' ? 'EMAIL_ADDRESS' : 'DOMAIN',
      IdentityName: name,
      SendingEnabled: true,
      VerificationStatus: identity.status === 'Success' ? 'SUCCESS' : 'PENDING',
    });
    const name = decodeURIComponent(/^\/v2\/email\/identities\/([^/]+)$/.exec(request.path)?.[1] ?? '');
    switch (request.action) {
      case 'GetAccount':
        return ok({
          DedicatedIpAutoWarmupEnabled: false,
          EnforcementStatus: 'HEALTHY',
          ProductionAccessEnabled: false,
          SendingEnabled: true,
          SendQuota: { ...SANDBOX, SentLast24Hours: this.sentLast24Hours() },
          SuppressionAttributes: { SuppressedReasons: [] },
        });
      case 'ListEmailIdentities':
        return ok({ EmailIdentities: [...this.identities].map(([identity, details]) => describe(identity, details)) });
      case 'CreateEmailIdentity': {
        const body = JSON.parse(request.body.toString() || '{}') as { EmailIdentity?: string };
        if (!body.EmailIdentity) throw new AwsRefusal(400, 'BadRequestException', 'EmailIdentity is required');
        if (this.identities.has(body.EmailIdentity))
          throw new AwsRefusal(400, 'AlreadyExistsException', `Email identity ${body.EmailIdentity} already exists.`);
        const identity = await this.add(body.EmailIdentity);
        return ok({
          IdentityType: describe(body.EmailIdentity, identity).IdentityType,
          VerifiedForSendingStatus: false,
          DkimAttributes: { SigningEnabled: false, Status: 'NOT_STARTED', Tokens: [] },
        });
      }
      case 'GetEmailIdentity': {
        const identity = this.identities.get(name);
        if (!identity) throw new AwsRefusal(404, 'NotFoundException', `Email identity ${name} does not exist.`);
        return ok({
          IdentityType: describe(name, identity).IdentityType,
          FeedbackForwardingStatus: true,
          VerifiedForSendingStatus: identity.status === 'Success',
          VerificationStatus: describe(name, identity).VerificationStatus,
          DkimAttributes: { SigningEnabled: false, Status: 'NOT_STARTED', Tokens: [] },
          Policies: {},
          Tags: [],
        });
      }
      case 'DeleteEmailIdentity':
        if (!this.identities.delete(name)) throw new AwsRefusal(404, 'NotFoundException', `Email identity ${name} does not exist.`);
        this.save();
        return ok({});
      default:
        return undefined;
    }
  }
}

function required(parameters: URLSearchParams, name: string): string {
  const value = parameters.get(name);
  if (!value) throw new AwsRefusal(400, 'MissingParameter', `The request must contain the parameter ${name}`);
  return value;
}
