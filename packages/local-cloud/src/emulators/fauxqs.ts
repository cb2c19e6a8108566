import { SQSClient } from '@aws-sdk/client-sqs';
import type { CloudContext, LocalModule } from '../context';
import { ACCOUNT_ID } from '../services/cloudformation/intrinsics';

/**
 * fauxqs, the in-process emulator behind SQS, SNS and S3, on 127.0.0.1 (its own default binds every
 * interface). The modules of those services answer the endpoint and create resources in it.
 */
export function fauxqsModule(): LocalModule {
  let app: { close(): Promise<unknown> } | undefined;
  return {
    name: 'fauxqs',
    emulator: true,
    async start(context) {
      // Loaded here, not imported above: its node:sqlite warning is emitted while imports are linked,
      // before the CLI's warning filter could run.
      const { buildApp } = await import('fauxqs');
      const fauxqs = buildApp({ logger: false });
      app = fauxqs;
      await fauxqs.listen({ host: '127.0.0.1', port: context.ports.fauxqs });
      context.urls.fauxqs = `http://127.0.0.1:${context.ports.fauxqs}`;
    },
    async stop() {
      await app?.close();
    },
  };
}

/** fauxqs's URL and the local credentials its SDK clients use (the cloud's own side, not a caller's). */
export function fauxqsClientConfig(port: number, region: string) {
  return { endpoint: `http://127.0.0.1:${port}`, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
}

/** An SQS client straight to fauxqs (the cloud's own side, not a caller's, so not through the endpoint). */
export function fauxqsSqsClient(context: CloudContext): SQSClient {
  return new SQSClient(fauxqsClientConfig(context.ports.fauxqs, context.region));
}

/** A queue's URL on fauxqs, from its ARN. */
export function fauxqsQueueUrl(context: CloudContext, queueArn: string): string {
  return `http://127.0.0.1:${context.ports.fauxqs}/${ACCOUNT_ID}/${queueArn.split(':').pop()}`;
}
