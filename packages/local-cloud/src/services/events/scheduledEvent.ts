import { randomUUID } from 'node:crypto';
import { ACCOUNT_ID } from '../cloudformation/intrinsics';

/** The event EventBridge sends a scheduled rule's target (detail-type "Scheduled Event"), with a time of whole seconds. */
export function scheduledEvent(ruleArn: string, region: string, time = new Date()) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: ACCOUNT_ID,
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [ruleArn],
    detail: {},
  };
}
