// An activation in its retries (SES refusing the activation email, so Step Functions retries the
// SendActivationMail task) when the local cloud is killed (-9): after a --persist restart the
// execution carries on from that task, and the user gets one activation email, whose link works.
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { describe, expect, it } from '@jest/globals';
import { type ChildCloud, restartableCloud } from '@zero-idle/local-cloud/child-cloud';
import { emailsTo, injectFault, until, waitForEmails } from '@zero-idle/local-cloud/testing';
import * as when from '../steps/when';
import { executionArn, linkIn, uniqueUser } from '../support/users';

const PORT_BASE = 27966;

describe('an activation when the local cloud is killed mid-way', () => {
  it('sends one activation email after a kill -9 during its retries and a --persist restart', async () => {
    const { start } = restartableCloud({ service: 'user-activation', portBase: PORT_BASE });
    let cloud: ChildCloud | undefined = await start();
    const sfn = () =>
      new SFNClient({ endpoint: cloud?.state.urls.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'restarttest', secretAccessKey: 'x' } });
    try {
      const user = uniqueUser('Rita Restart');
      const arn = executionArn(user.username);
      // SES refuses until the kill (a fault lives in the running cloud only): the task fails, Step Functions retries it.
      await injectFault({ service: 'ses', action: 'SendEmail', count: 1000, status: 503, code: 'ServiceUnavailable', message: 'Service Unavailable' });
      expect((await when.throughTheApi.registers(user)).status).toBe(201);
      const before = sfn();
      const failedTasks = async () => {
        try {
          const { events = [] } = await before.send(new GetExecutionHistoryCommand({ executionArn: arn }));
          return events.filter((event) => event.type === 'TaskFailed').length;
        } catch {
          return 0; // Not started yet.
        }
      };
      expect(await until(failedTasks, (count) => count >= 1, 20_000)).toBeGreaterThanOrEqual(1);
      expect((await before.send(new DescribeExecutionCommand({ executionArn: arn }))).status).toBe('RUNNING');
      before.destroy();
      await cloud.kill9();
      cloud = undefined;

      cloud = await start();
      const after = sfn();
      const execution = await until(
        () => after.send(new DescribeExecutionCommand({ executionArn: arn })),
        (found) => found.status !== 'RUNNING',
        60_000,
      );
      expect(execution.status).toBe('SUCCEEDED');
      const { events = [] } = await after.send(new GetExecutionHistoryCommand({ executionArn: arn }));
      after.destroy();
      // One execution, resumed at the task: the status was checked once, before the kill.
      expect(events.filter((event) => event.type === 'ExecutionStarted')).toHaveLength(1);
      expect(events.filter((event) => event.stateEnteredEventDetails?.name === 'GetActivationStatus')).toHaveLength(1);
      const [email] = await waitForEmails(user.email);
      expect(await emailsTo(user.email)).toHaveLength(1);
      const activated = await when.throughTheApi.followsTheLink(linkIn(email));
      expect(activated.status).toBe(200);
    } finally {
      await cloud?.stop();
    }
  }, 180_000);
});
