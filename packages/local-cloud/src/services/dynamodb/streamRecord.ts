import { randomUUID } from 'node:crypto';
import { marshall } from '@aws-sdk/util-dynamodb';

/**
 * A DynamoDB stream record as Lambda receives it from an event source mapping: the shape DynamoDB
 * Local's GetRecords gives the local cloud's poller, with the mapping's eventSourceARN added.
 * For handlers tested in process, from plain items.
 */
export function streamRecord(options: {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  keys: readonly string[];
  newImage?: Record<string, unknown>;
  oldImage?: Record<string, unknown>;
  sequenceNumber: string;
  streamArn?: string;
  region?: string;
}) {
  const image = options.newImage ?? options.oldImage ?? {};
  const asAttributes = (item: Record<string, unknown>) => marshall(item, { removeUndefinedValues: true });
  return {
    eventID: randomUUID().replaceAll('-', ''),
    eventName: options.eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: options.region ?? 'us-east-1',
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
      Keys: asAttributes(Object.fromEntries(options.keys.map((key) => [key, image[key]]))),
      ...(options.newImage ? { NewImage: asAttributes(options.newImage) } : {}),
      ...(options.oldImage ? { OldImage: asAttributes(options.oldImage) } : {}),
      SequenceNumber: options.sequenceNumber,
      SizeBytes: JSON.stringify(image).length,
      StreamViewType: options.oldImage && options.newImage ? 'NEW_AND_OLD_IMAGES' : 'NEW_IMAGE',
    },
    eventSourceARN: options.streamArn ?? 'arn:aws:dynamodb:us-east-1:000000000000:table/local/stream/local',
  };
}
