/**
 * Request sizes AWS refuses beyond, by service, as their quotas pages give them: the local cloud
 * refuses one byte more with the status and code the service answers.
 */
export const LIMITS = {
  /** https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html: "Payload size 10 MB". */
  httpApiPayload: 10 * 1024 * 1024,
  /** https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html: 6 MB for a synchronous invoke's request. */
  lambdaSyncPayload: 6 * 1024 * 1024,
  /** The same page: 1 MB for an asynchronous (Event) invoke's request. */
  lambdaAsyncPayload: 1024 * 1024,
  /** https://docs.aws.amazon.com/general/latest/gr/iot-core.html: a message's payload, 128 KB. */
  iotMessage: 128 * 1024,
} as const;

/** A percent-encoded path segment, or undefined when it is not valid UTF-8 percent-encoding (`%E0%A4%A`). */
export function decodeSegment(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
