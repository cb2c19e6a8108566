import { localAuthorization } from '../../awsCall';
import type { LocalModule, ModuleCoverage } from '../../context';
import { type AwsRequest, type AwsResponse, proxyTo } from '../../endpoint';
import { ACCOUNT_ID } from '../cloudformation/intrinsics';
import { parsePolicy } from '../iam/policy';
import { invokeAsync, serviceMayInvoke } from '../lambda/module';
import type { LocalFunction } from '../lambda/runtime';
import { objectCreatedEvent } from './objectCreatedEvent';
import { s3Operation } from './operations';

interface Notification {
  bucket: string;
  fn: LocalFunction;
  events: string[];
  prefix: string;
  suffix: string;
}

/** What the local cloud does when an object lands in a bucket (SES receiving calls it too). */
export type ObjectCreated = (bucket: string, key: string, size: number, eTag: string, how: 'Put' | 'CompleteMultipartUpload' | 'Copy') => void;

const COVERAGE = {
  service: 'Amazon S3',
  by: 'fauxqs and the local cloud',
  operations: [
    'ListBuckets',
    'CreateBucket',
    'HeadBucket',
    'DeleteBucket',
    'ListObjects',
    'ListObjectsV2',
    'PutObject',
    'CopyObject',
    'GetObject',
    'HeadObject',
    'DeleteObject',
    'DeleteObjects',
    'CreateMultipartUpload',
    'UploadPart',
    'CompleteMultipartUpload',
    'AbortMultipartUpload',
  ],
  eventSources: ['ObjectCreated notifications to Lambda (prefix and suffix filters), also for mail SES receiving stores'],
  notEmulated: [
    'virtual-hosted-style addresses (clients use path style: forcePathStyle, or addressing_style = path)',
    "bucket settings at run time: policies, ACLs, tags, versioning, CORS, encryption, lifecycle (the templates' bucket policies are enforced)",
    'ObjectRemoved notifications and notifications to SQS, SNS or EventBridge (refused in a template)',
    'ListParts, ListMultipartUploads, UploadPartCopy, GetObjectAttributes, browser POST uploads',
  ],
} satisfies ModuleCoverage;

/**
 * S3 through fauxqs (path-style, on the endpoint), with the buckets of the templates and the
 * ObjectCreated notifications fauxqs lacks: a Lambda configuration of a bucket gets S3's event record,
 * asynchronously, for each object created under its prefix/suffix filter. As in AWS, a bucket is
 * created only if its functions' permissions let S3 invoke them ("Unable to validate the following
 * destination configurations"), and its policy is enforced with the caller's identity policies.
 */
export function s3Module(): LocalModule {
  const notifications: Notification[] = [];
  let fauxqs = '';
  return {
    name: 's3',
    coverage: COVERAGE,
    needs: ['fauxqs', 'lambda'],
    async start(context) {
      fauxqs = `http://127.0.0.1:${context.ports.fauxqs}`;
      const forward = proxyTo(fauxqs);
      const notify: ObjectCreated = (bucket, key, size, eTag, how) => {
        const event = `s3:ObjectCreated:${how}`;
        for (const target of notifications) {
          if (target.bucket !== bucket || !key.startsWith(target.prefix) || !key.endsWith(target.suffix)) continue;
          if (!target.events.some((pattern) => pattern === event || (pattern.endsWith('*') && event.startsWith(pattern.slice(0, -1))))) continue;
          if (!serviceMayInvoke(context, 's3.amazonaws.com', target.fn, { arn: `arn:aws:s3:::${bucket}` })) continue;
          void invokeAsync(context, target.fn, objectCreatedEvent(context.region, bucket, key, size, eTag, how), `s3 ${bucket}`);
        }
      };
      // SES receiving stores mail without the endpoint: its objects notify the same way.
      context.objectCreated = notify;
      context.endpoint.route('s3', {
        operations: COVERAGE.operations,
        protocol: () => 's3',
        operation: (request) => s3Operation(request),
        accessDenied: { status: 403, code: 'AccessDenied' },
        handle: async (request: AwsRequest): Promise<AwsResponse> => {
          const response = await forward(request);
          const created = request.action === 'PutObject' || request.action === 'CompleteMultipartUpload' || request.action === 'CopyObject';
          if (created && response.status === 200) {
            const [, bucket = '', ...key] = request.path.split('/');
            const size = request.action === 'PutObject' ? Number(request.headers['x-amz-decoded-content-length'] ?? request.body.length) : 0;
            const how = request.action === 'PutObject' ? 'Put' : request.action === 'CopyObject' ? 'Copy' : 'CompleteMultipartUpload';
            notify(bucket, decodeURIComponent(key.join('/')), size, String(response.headers?.etag ?? '').replaceAll('"', ''), how);
          }
          return response;
        },
      });
    },
    creates: {
      'AWS::S3::Bucket': async (bucket, context) => {
        // The framework's deployment bucket: artifacts are read from .serverless/ here.
        if (bucket.logicalId === 'ServerlessDeploymentBucket') return;
        const name = bucket.resolver.ref(bucket.logicalId);
        const notification = (bucket.properties.NotificationConfiguration ?? {}) as Record<string, unknown>;
        const configurations =
          (notification.LambdaConfigurations as Array<{
            Event: string;
            Function: unknown;
            Filter?: { S3Key?: { Rules?: Array<{ Name: string; Value: string }> } };
          }>) ?? [];
        // Deliveries the local cloud does not make are refused here rather than never made.
        const unsupported = [
          ...Object.keys(notification).filter((kind) => kind !== 'LambdaConfigurations'),
          ...configurations.map((configuration) => configuration.Event).filter((event) => !event.startsWith('s3:ObjectCreated:')),
        ];
        if (unsupported.length)
          throw new Error(`the local cloud delivers only ObjectCreated notifications to Lambda; this bucket also asks for ${unsupported.join(', ')}`);
        const targets = configurations.map((configuration) => {
          const arn = bucket.resolver.resolveString(configuration.Function);
          const fn = context.functions.find(arn);
          if (!fn) throw new Error(`InvalidArgument: Unable to validate the following destination configurations (${arn}: the function does not exist)`);
          const rules = configuration.Filter?.S3Key?.Rules ?? [];
          return {
            bucket: name,
            fn,
            events: [configuration.Event],
            prefix: rules.find((rule) => rule.Name.toLowerCase() === 'prefix')?.Value ?? '',
            suffix: rules.find((rule) => rule.Name.toLowerCase() === 'suffix')?.Value ?? '',
          };
        });
        // PutBucketNotificationConfiguration verifies that each function's permissions let S3 invoke it from this bucket.
        const unauthorized = targets.filter(
          (target) =>
            !context.iam.decide(
              { kind: 'service', service: 's3.amazonaws.com' },
              {
                action: 'lambda:InvokeFunction',
                resource: target.fn.config.arn,
                context: { 'aws:SourceArn': `arn:aws:s3:::${name}`, 'aws:SourceAccount': ACCOUNT_ID },
              },
            ).allowed,
        );
        if (unauthorized.length)
          throw new Error(
            `InvalidArgument: Unable to validate the following destination configurations: ${unauthorized.map((target) => `Not authorized to invoke function [${target.fn.config.arn}]`).join('; ')} (an AWS::Lambda::Permission for s3.amazonaws.com with SourceArn arn:aws:s3:::${name} must exist first: DependsOn it)`,
          );
        const created = await fetch(`${fauxqs}/${name}`, { method: 'PUT', headers: LOCAL_AUTH });
        if (!created.ok && created.status !== 409) throw new Error(`Could not create bucket ${name}: ${created.status} ${await created.text()}`);
        notifications.push(...targets);
        context.log(`bucket ${name}${targets.length ? ` -> ${targets.map((n) => `${n.fn.config.name} (${n.prefix}*${n.suffix})`).join(', ')}` : ''}`);
      },
      'AWS::S3::BucketPolicy': async ({ resolver, logicalId, properties }, context) => {
        if (logicalId === 'ServerlessDeploymentBucketPolicy') return;
        const p = resolver.resolve(properties) as { Bucket: string; PolicyDocument: unknown };
        const exists = await fetch(`${fauxqs}/${p.Bucket}`, { method: 'HEAD', headers: LOCAL_AUTH });
        if (!exists.ok) throw new Error(`NoSuchBucket: The specified bucket does not exist (${p.Bucket})`);
        context.iam.addResourcePolicy(`arn:aws:s3:::${p.Bucket}`, parsePolicy(p.PolicyDocument, `bucket policy of ${p.Bucket}`, { resourcePolicy: true }));
      },
    },
  };
}

const LOCAL_AUTH = { authorization: localAuthorization('s3') };
const PART_BYTES = 10 * 1024 * 1024;

/**
 * Stores an object in fauxqs as S3 would take it. fauxqs accepts request bodies up to 11 MiB, so a
 * larger object (SES stores messages up to 40 MB) goes as a multipart upload of 10 MiB parts.
 */
export async function putObject(fauxqsUrl: string, bucket: string, key: string, body: Buffer): Promise<string> {
  const url = `${fauxqsUrl}/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  const ok = async (response: Response, what: string) => {
    if (!response.ok) throw new Error(`${what} s3://${bucket}/${key}: ${response.status} ${await response.text()}`);
    return response;
  };
  if (body.length <= PART_BYTES) {
    const put = await ok(await fetch(url, { method: 'PUT', headers: { ...LOCAL_AUTH, 'content-type': 'application/octet-stream' }, body }), 'PutObject');
    return String(put.headers.get('etag') ?? '').replaceAll('"', '');
  }
  const created = await ok(await fetch(`${url}?uploads`, { method: 'POST', headers: LOCAL_AUTH }), 'CreateMultipartUpload');
  const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(await created.text())?.[1] ?? '';
  const etags: string[] = [];
  for (let start = 0, part = 1; start < body.length; start += PART_BYTES, part += 1) {
    const uploaded = await ok(
      await fetch(`${url}?partNumber=${part}&uploadId=${encodeURIComponent(uploadId)}`, {
        method: 'PUT',
        headers: LOCAL_AUTH,
        body: body.subarray(start, start + PART_BYTES),
      }),
      'UploadPart',
    );
    etags.push(String(uploaded.headers.get('etag') ?? ''));
  }
  const complete = `<CompleteMultipartUpload>${etags.map((etag, index) => `<Part><PartNumber>${index + 1}</PartNumber><ETag>${etag}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
  const done = await ok(
    await fetch(`${url}?uploadId=${encodeURIComponent(uploadId)}`, {
      method: 'POST',
      headers: { ...LOCAL_AUTH, 'content-type': 'application/xml' },
      body: complete,
    }),
    'CompleteMultipartUpload',
  );
  return (
    /<ETag>([^<]+)<\/ETag>/
      .exec(await done.text())?.[1]
      ?.replaceAll('"', '')
      .replaceAll('&quot;', '') ?? ''
  );
}
