import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Job } from './domain/model';
import type { TableStore } from './store';

/**
 * After a booking: every application of the job still PENDING goes to the declines queue, ten per
 * SendMessageBatch call (the seed sent one message per application, one after another). Run again
 * after a failure, it queues only what is still pending.
 */
export async function queueDeclines(
  deps: { sqs: SQSClient; queueUrl: string; store: TableStore },
  job: Pick<Job, 'id' | 'title'>,
  accepted: string,
): Promise<number> {
  let count = 0;
  let nextToken: string | undefined;
  do {
    const page = await deps.store.applications.pendingOfJob(job.id, { limit: 100, nextToken });
    const others = page.items.filter((application) => application.nanny !== accepted);
    const batches: Promise<void>[] = [];
    for (let start = 0; start < others.length; start += 10) {
      const entries = others.slice(start, start + 10).map((application, index) => ({
        Id: String(index),
        MessageBody: JSON.stringify({ jobId: job.id, nanny: application.nanny, title: job.title }),
      }));
      batches.push(
        deps.sqs.send(new SendMessageBatchCommand({ QueueUrl: deps.queueUrl, Entries: entries })).then(({ Failed = [] }) => {
          if (Failed.length) throw new Error(`Could not queue ${Failed.length} decline(s) for job ${job.id}: ${Failed.map((f) => f.Message).join('; ')}`);
        }),
      );
      count += entries.length;
    }
    // The batches of a page go out together; a failed one fails the stream record, which is retried.
    await Promise.all(batches);
    nextToken = page.nextToken;
  } while (nextToken);
  return count;
}
