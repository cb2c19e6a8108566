import type { Permission } from '../../operations';
import { ACCOUNT_ID } from '../cloudformation/intrinsics';
import { requestContext } from './context';
import { authorize, type Decision, type RequestPrincipal } from './evaluate';
import type { Policy } from './policy';

/** A role of a template: what it may do (its inline policies) and who may assume it (its trust policy). */
export interface LocalRole {
  arn: string;
  name: string;
  policies: Policy[];
  trust: Policy;
}

/** A refused request, for GET /_local/denials: who, what, on which resource, and why. */
export interface Denial {
  caller: string;
  action: string;
  resource: string;
  reason: string;
  at: string;
}

/**
 * The account's IAM: roles, the resource policies of functions, buckets, queues and topics, and who
 * signs with which access key. Every request, from a client or from an AWS service acting for a
 * resource, is decided here, by AWS's evaluation logic (see evaluate.ts), and every refusal is kept.
 */
export class AccessControl {
  private readonly roles = new Map<string, LocalRole>();
  private readonly resourcePolicies = new Map<string, Policy[]>();
  private readonly callers = new Map<string, { name: string; principal: RequestPrincipal }>();
  readonly denials: Denial[] = [];

  constructor(private readonly region: string) {}

  addRole(role: LocalRole): void {
    this.roles.set(role.arn, role);
  }

  role(arn: string): LocalRole | undefined {
    return this.roles.get(arn);
  }

  roleNamed(name: string): LocalRole | undefined {
    return [...this.roles.values()].find((role) => role.name === name);
  }

  /**
   * Whether the role's trust policy lets an AWS service (lambda.amazonaws.com, states.amazonaws.com...)
   * assume it, by its global name or its regional one (states.us-east-1.amazonaws.com), as AWS accepts both.
   */
  trusts(role: LocalRole, service: string, context: Record<string, string> = {}): boolean {
    const regional = service.replace(/\.amazonaws\.com$/, `.${this.region}.amazonaws.com`);
    return [service, regional].some((name) => {
      const principal: RequestPrincipal = { kind: 'service', service: name };
      return authorize(
        { principal, action: 'sts:AssumeRole', resource: role.arn, context: requestContext(principal, this.region, context) },
        { identity: [], resource: [role.trust] },
      ).allowed;
    });
  }

  /** A role's session, as a function or a state machine acts with it. */
  session(role: LocalRole, sessionName: string): RequestPrincipal {
    return { kind: 'role', account: ACCOUNT_ID, roleArn: role.arn, sessionArn: `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${role.name}/${sessionName}` };
  }

  /** Gives an access key a caller name and the principal it acts as; a key nobody named acts as the account's root user. */
  nameCaller(accessKeyId: string, name: string, principal: RequestPrincipal): void {
    this.callers.set(accessKeyId, { name, principal });
  }

  caller(accessKeyId: string): { name: string; principal: RequestPrincipal } {
    // An unsigned call (Cognito's SignUp, InitiateAuth...) has no key: IAM does not decide it, and it is counted as anonymous.
    return this.callers.get(accessKeyId) ?? { name: accessKeyId ? `client:${accessKeyId}` : 'anonymous', principal: { kind: 'root', account: ACCOUNT_ID } };
  }

  addResourcePolicy(resourceArn: string, policy: Policy): void {
    this.resourcePolicies.set(resourceArn, [...(this.resourcePolicies.get(resourceArn) ?? []), policy]);
  }

  /** The resource policy that governs an ARN: a function's (qualifier or not), a bucket's (for its objects too), a queue's, a topic's. */
  private resourcePolicyOf(resource: string): Policy[] {
    const exact = this.resourcePolicies.get(resource);
    if (exact) return exact;
    const bucket = /^arn:aws:s3:::([^/]+)/.exec(resource)?.[1];
    if (bucket) return this.resourcePolicies.get(`arn:aws:s3:::${bucket}`) ?? [];
    const fn = /^(arn:aws:lambda:[^:]+:\d{12}:function:[^:]+)/.exec(resource)?.[1];
    if (fn) return this.resourcePolicies.get(fn) ?? [];
    return [];
  }

  /** IAM's decision on one permission; a permission with alternatives is allowed by any of them. */
  decide(principal: RequestPrincipal, permission: Permission): Decision {
    const identity = principal.kind === 'role' ? (this.roles.get(principal.roleArn)?.policies ?? []) : [];
    const context = requestContext(principal, this.region, permission.context);
    let decision: Decision = { allowed: false, reason: 'implicit deny' };
    for (const resource of [permission.resource, ...(permission.alternatives ?? [])]) {
      decision = authorize({ principal, action: permission.action, resource, context }, { identity, resource: this.resourcePolicyOf(resource) });
      if (decision.allowed || decision.reason === 'explicit deny') return decision;
    }
    return decision;
  }

  /** Whether a role's session may do every one of these actions on the resource (what Lambda does with a function's role, it checks first). */
  roleAllows(roleArn: string, sessionName: string, actions: string[], resource: string): boolean {
    const role = this.roles.get(roleArn);
    if (!role) return false;
    const session = this.session(role, sessionName);
    return actions.every((action) => this.decide(session, { action, resource }).allowed);
  }

  /**
   * The first of the permissions the principal lacks, recorded as a denial with AWS's message; none
   * when all are allowed.
   */
  check(caller: string, principal: RequestPrincipal, permissions: Permission[]): { permission: Permission; message: string } | undefined {
    for (const permission of permissions) {
      const decision = this.decide(principal, permission);
      if (decision.allowed) continue;
      const message = deniedMessage(principal, permission, decision);
      this.denials.push({ caller, action: permission.action, resource: permission.resource, reason: message, at: new Date().toISOString() });
      return { permission, message };
    }
    return undefined;
  }
}

/** AWS's wording: "User: <arn> is not authorized to perform: <action> on resource: <arn> because ...". */
export function deniedMessage(principal: RequestPrincipal, permission: Permission, decision: Decision): string {
  const who =
    principal.kind === 'role'
      ? principal.sessionArn
      : principal.kind === 'user'
        ? principal.userArn
        : principal.kind === 'service'
          ? principal.service
          : `arn:aws:iam::${principal.account}:root`;
  const because =
    decision.reason === 'explicit deny'
      ? `with an explicit deny in ${decision.by}`
      : principal.kind === 'service'
        ? 'because no resource-based policy allows the action'
        : 'because no identity-based policy allows the action';
  return `User: ${who} is not authorized to perform: ${permission.action} on resource: ${permission.resource} ${because}`;
}
