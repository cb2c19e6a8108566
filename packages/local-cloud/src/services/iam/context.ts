import type { RequestContext } from './conditions';
import type { RequestPrincipal } from './evaluate';

/**
 * The global condition keys the local cloud puts in a request's context, as AWS would for the same
 * request. A policy may only condition on these (the template check says so): on any other key the
 * local cloud would decide differently from AWS.
 */
export const SUPPLIED_CONDITION_KEYS = new Set(
  [
    'aws:SourceArn',
    'aws:SourceAccount',
    'aws:Referer',
    'aws:PrincipalArn',
    'aws:PrincipalAccount',
    'aws:PrincipalType',
    'aws:PrincipalServiceName',
    'aws:SecureTransport',
    'aws:CurrentTime',
    'aws:EpochTime',
    'aws:RequestedRegion',
    'aws:userid',
    'aws:ViaAWSService',
  ].map((key) => key.toLowerCase()),
);

/** The context of a request: who makes it, when, where; and, for an AWS service acting for a resource, that resource. */
export function requestContext(principal: RequestPrincipal, region: string, extra: RequestContext = {}): RequestContext {
  const now = new Date();
  const context: RequestContext = {
    // Every AWS SDK and service call travels over TLS; the local endpoint's plain HTTP is not what a policy is about.
    'aws:SecureTransport': 'true',
    'aws:CurrentTime': now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
    'aws:RequestedRegion': region,
    'aws:ViaAWSService': 'false',
  };
  if (principal.kind === 'role') {
    const [, roleName = '', session = ''] = /assumed-role\/([^/]+)\/(.+)$/.exec(principal.sessionArn) ?? [];
    Object.assign(context, {
      'aws:PrincipalArn': principal.roleArn,
      'aws:PrincipalAccount': principal.account,
      'aws:PrincipalType': 'AssumedRole',
      'aws:userid': `AROA${roleName
        .toUpperCase()
        .replace(/[^A-Z0-9]/g, '')
        .slice(0, 17)}:${session}`,
    });
  } else if (principal.kind === 'user') {
    Object.assign(context, { 'aws:PrincipalArn': principal.userArn, 'aws:PrincipalAccount': principal.account, 'aws:PrincipalType': 'User' });
  } else if (principal.kind === 'root') {
    Object.assign(context, {
      'aws:PrincipalArn': `arn:aws:iam::${principal.account}:root`,
      'aws:PrincipalAccount': principal.account,
      'aws:PrincipalType': 'Account',
    });
  } else {
    context['aws:PrincipalServiceName'] = principal.service;
  }
  return { ...context, ...extra };
}
