// The declines queue on the local cloud: partial batch failures, idempotent declines, and the DLQ.
import { GetQueueUrlCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from '@jest/globals';
import { testCloud } from '@zero-idle/local-cloud/testing';
import * as given from '../steps/given';
import * as then from '../steps/then';
import { overGraphQL as when } from '../steps/when';

const sqs = () => new SQSClient({ endpoint: testCloud().endpoint, region: 'us-east-1', credentials: { accessKeyId: 'declinestest', secretAccessKey: 'x' } });

describe('declineApplications', () => {
  it('declines the good messages of a batch and sends the poison one to the DLQ after 5 receives', async () => {
    const parent = await given.aMember('parent', 'parent');
    const nannies = await Promise.all([given.aMember('ann', 'nanny'), given.aMember('bea', 'nanny')]);
    const jobId = await given.aPostedJob(parent, 'Queue job');
    for (const nanny of nannies) await when.appliesTo(nanny, jobId);
    const client = sqs();
    const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: 'nanny-booking-dev-declines' }));
    const { QueueUrl: dlqUrl } = await client.send(new GetQueueUrlCommand({ QueueName: 'nanny-booking-dev-declines-dlq' }));
    const poison = `poison-${Date.now()}`;
    const message = (nanny: string) => JSON.stringify({ jobId, nanny, title: 'Queue job' });
    await client.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: 'a', MessageBody: message(nannies[0]?.username ?? '') },
          { Id: 'poison', MessageBody: poison },
          { Id: 'b', MessageBody: message(nannies[1]?.username ?? '') },
          // The same decline twice: the second changes nothing and sends no second email.
          { Id: 'a-again', MessageBody: message(nannies[0]?.username ?? '') },
        ],
      }),
    );

    for (const nanny of nannies)
      expect((await then.emailsArrive(nanny.email)).map((email) => email.subject)).toEqual(['Your application was not chosen: Queue job']);
    expect((await then.applicationsOf(parent, jobId)).map((item) => item.status)).toEqual(['DECLINED', 'DECLINED']);

    // Quiet only once nothing is left to come from the queue: the poison has failed its 5 receives
    // (6 s of visibility timeout each) and moved to the DLQ.
    await then.followUpsHaveRun(75_000);
    const dead: string[] = [];
    for (let read = 0; read < 3 && !dead.includes(poison); read += 1) {
      const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      dead.push(...Messages.map((entry) => entry.Body ?? ''));
    }
    expect(dead).toContain(poison);
    expect(await then.emailsTo(nannies[0]?.email ?? '')).toHaveLength(1);
    client.destroy();
  }, 90_000);
});
