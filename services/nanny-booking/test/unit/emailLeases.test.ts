// A claim's lease against what the compiled template says of the function holding it and of its
// retries: a running sender keeps its claim, and one that died frees it while retries remain.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { ACCEPTED_EMAIL_LEASE_MS, DECLINE_EMAIL_LEASE_MS } from '../../src/emailLeases';

type Resource = { Properties: Record<string, unknown> };
const template = JSON.parse(readFileSync(new URL('../../.serverless/cloudformation-template-update-stack.json', import.meta.url), 'utf8')) as {
  Resources: Record<string, Resource>;
};
const timeoutMs = (logicalId: string) => Number(template.Resources[logicalId]?.Properties.Timeout) * 1000;

describe('email leases', () => {
  it('a decline: longer than declineApplications runs, over before the message has been received for the last time', () => {
    const queue = template.Resources.DeclinesQueue?.Properties as { VisibilityTimeout: number; RedrivePolicy: { maxReceiveCount: number } };
    const visibilityMs = queue.VisibilityTimeout * 1000;
    expect(DECLINE_EMAIL_LEASE_MS).toBeGreaterThan(timeoutMs('DeclineApplicationsLambdaFunction'));
    // The receive after the lease ends is not the last one: the message still gets its email.
    expect(DECLINE_EMAIL_LEASE_MS).toBeLessThan(visibilityMs * (queue.RedrivePolicy.maxReceiveCount - 1));
  });

  it('the booked nanny: longer than afterBooking runs', () => {
    expect(ACCEPTED_EMAIL_LEASE_MS).toBeGreaterThan(timeoutMs('AfterBookingLambdaFunction'));
  });
});
