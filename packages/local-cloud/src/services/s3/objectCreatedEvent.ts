import { randomUUID } from 'node:crypto';

/** The event S3 sends a bucket notification's function when an object is created (event version 2.1). */
export function objectCreatedEvent(region: string, bucket: string, key: string, size: number, eTag = '', how = 'Put') {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: region,
        eventTime: new Date().toISOString(),
        eventName: `ObjectCreated:${how}`,
        userIdentity: { principalId: 'local' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': randomUUID(), 'x-amz-id-2': randomUUID() },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'local',
          bucket: { name: bucket, ownerIdentity: { principalId: 'local' }, arn: `arn:aws:s3:::${bucket}` },
          // S3 URL-encodes the key in events (a space as "+"... and "/" kept), as the function must decode.
          object: { key: encodeURIComponent(key).replace(/%2F/g, '/'), size, eTag, sequencer: Date.now().toString(16).toUpperCase() },
        },
      },
    ],
  };
}
