// When: what authors and the editor do, and what follows. As people: mail a story over SMTP to the
// SES receiving endpoint, run the editor's CLI. In process: processSubmission with the S3 event the
// local cloud's own builder makes, as the bucket notification sends it.
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { events, lambdaContext, useFunctionEnvironment } from '@zero-idle/local-cloud/testing';
import { BUCKET, deliver, editor, PROCESS } from '../support/mail';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

export const asPeople = {
  /** An author's mail client sends the message to the submissions address. */
  aStoryIsMailed: deliver,
  /** `npm run editor -- <args>` */
  theEditorRuns: editor,
  /** An operator invokes the deployed function with an event (a replay from the failure queue, say), with the AWS SDK. */
  async anOperatorInvokes(event: unknown) {
    const response = await new LambdaClient({}).send(new InvokeCommand({ FunctionName: PROCESS, Payload: Buffer.from(JSON.stringify(event)) }));
    return {
      functionError: response.FunctionError,
      payload: JSON.parse(Buffer.from(response.Payload ?? []).toString() || 'null') as { errorType?: string; errorMessage?: string },
    };
  },
};

export async function handlerInProcess(): Promise<Handler> {
  await useFunctionEnvironment(PROCESS);
  return (await import('../../src/handlers/processSubmission')).handler as unknown as Handler;
}

export function inProcess(processSubmission: Handler) {
  return {
    /** The bucket's ObjectCreated notification for a stored message, to the handler. */
    theStoredMessageArrives: (stored: { rawKey: string; size: number }) =>
      processSubmission(events.s3ObjectCreated('us-east-1', BUCKET, stored.rawKey, stored.size), lambdaContext(PROCESS)),
    /** Any S3 notification, for another bucket, say. */
    anObjectIsCreated: (bucket: string, key: string, size: number) =>
      processSubmission(events.s3ObjectCreated('us-east-1', bucket, key, size), lambdaContext(PROCESS)),
  };
}
