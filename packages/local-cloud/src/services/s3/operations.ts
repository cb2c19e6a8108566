import { AwsRefusal, type Operation, type Permission, type SignedRequest } from '../../operations';

/** An operation on a subresource: its API name and the IAM action AWS authorizes it as. */
type Sub = [operation: string, action: string];

/** Bucket subresources (?policy, ?tagging...): reading, writing and deleting them. */
const BUCKET_SUBRESOURCES: Record<string, { GET?: Sub; PUT?: Sub; DELETE?: Sub }> = {
  policy: { GET: ['GetBucketPolicy', 'GetBucketPolicy'], PUT: ['PutBucketPolicy', 'PutBucketPolicy'], DELETE: ['DeleteBucketPolicy', 'DeleteBucketPolicy'] },
  acl: { GET: ['GetBucketAcl', 'GetBucketAcl'], PUT: ['PutBucketAcl', 'PutBucketAcl'] },
  tagging: {
    GET: ['GetBucketTagging', 'GetBucketTagging'],
    PUT: ['PutBucketTagging', 'PutBucketTagging'],
    DELETE: ['DeleteBucketTagging', 'PutBucketTagging'],
  },
  versioning: { GET: ['GetBucketVersioning', 'GetBucketVersioning'], PUT: ['PutBucketVersioning', 'PutBucketVersioning'] },
  notification: { GET: ['GetBucketNotificationConfiguration', 'GetBucketNotification'], PUT: ['PutBucketNotificationConfiguration', 'PutBucketNotification'] },
  cors: { GET: ['GetBucketCors', 'GetBucketCORS'], PUT: ['PutBucketCors', 'PutBucketCORS'], DELETE: ['DeleteBucketCors', 'PutBucketCORS'] },
  lifecycle: {
    GET: ['GetBucketLifecycleConfiguration', 'GetLifecycleConfiguration'],
    PUT: ['PutBucketLifecycleConfiguration', 'PutLifecycleConfiguration'],
    DELETE: ['DeleteBucketLifecycle', 'PutLifecycleConfiguration'],
  },
  encryption: {
    GET: ['GetBucketEncryption', 'GetEncryptionConfiguration'],
    PUT: ['PutBucketEncryption', 'PutEncryptionConfiguration'],
    DELETE: ['DeleteBucketEncryption', 'PutEncryptionConfiguration'],
  },
  location: { GET: ['GetBucketLocation', 'GetBucketLocation'] },
  uploads: { GET: ['ListMultipartUploads', 'ListBucketMultipartUploads'] },
  versions: { GET: ['ListObjectVersions', 'ListBucketVersions'] },
};

const OBJECT_SUBRESOURCES: Record<string, { GET?: Sub; PUT?: Sub; DELETE?: Sub }> = {
  tagging: {
    GET: ['GetObjectTagging', 'GetObjectTagging'],
    PUT: ['PutObjectTagging', 'PutObjectTagging'],
    DELETE: ['DeleteObjectTagging', 'DeleteObjectTagging'],
  },
  acl: { GET: ['GetObjectAcl', 'GetObjectAcl'], PUT: ['PutObjectAcl', 'PutObjectAcl'] },
  attributes: { GET: ['GetObjectAttributes', 'GetObjectAttributes'] },
};

/** Query parameters that only shape a request (a listing's prefix, a part number): they name no other operation. */
const PLAIN_PARAMETERS = new Set([
  'list-type',
  'prefix',
  'delimiter',
  'max-keys',
  'continuation-token',
  'start-after',
  'fetch-owner',
  'encoding-type',
  'marker',
  'partNumber',
  'uploadId',
  'versionId',
  'response-content-type',
  'response-content-disposition',
  'response-content-encoding',
  'response-content-language',
  'response-cache-control',
  'response-expires',
  'x-id',
  'max-parts',
  'part-number-marker',
  'key-marker',
  'upload-id-marker',
  'version-id-marker',
  'max-uploads',
]);

/** `?uploads`, `?delete`, `?policy`: the subresource a request names, refusing two at once. */
function subresource(query: URLSearchParams): string | undefined {
  const named = [...query.keys()].filter((key) => !PLAIN_PARAMETERS.has(key) && !key.startsWith('X-Amz-'));
  if (named.length > 1) throw new AwsRefusal(400, 'InvalidRequest', `A request names one subresource at most, not ${named.join(' and ')}`);
  return named[0];
}

const decodeKey = (parts: string[]) => {
  try {
    return decodeURIComponent(parts.join('/'));
  } catch {
    throw new AwsRefusal(400, 'InvalidURI', "Couldn't parse the specified URI.");
  }
};

/**
 * S3 REST operations (path-style: /<bucket>/<key>) with the IAM actions AWS documents for them:
 * HeadObject and GetObject need s3:GetObject, a multipart upload s3:PutObject throughout, a copy
 * s3:GetObject on the source and s3:PutObject on the target, a listing s3:ListBucket with its prefix
 * as s3:prefix. A request that names no operation the local S3 serves is refused.
 */
export function s3Operation(request: SignedRequest): Operation {
  const [, encodedBucket = '', ...keyParts] = request.path.split('/');
  const bucket = decodeKey([encodedBucket]);
  const key = decodeKey(keyParts);
  const method = request.method;
  const sub = subresource(request.query);
  const bucketArn = `arn:aws:s3:::${bucket}`;
  const objectArn = `${bucketArn}/${key}`;
  const op = (name: string, permissions: Permission[]): Operation => ({ name, permissions });
  const on = (action: string, resource: string, context?: Permission['context']): Permission => ({ action: `s3:${action}`, resource, context });

  if (!bucket) {
    if (method === 'GET' && !sub) return op('ListBuckets', [on('ListAllMyBuckets', '*')]);
    throw new AwsRefusal(405, 'MethodNotAllowed', `The local S3 does not support ${method} /`);
  }
  if (!key) {
    const q = request.query;
    if (method === 'PUT' && !sub) return op('CreateBucket', [on('CreateBucket', bucketArn)]);
    if (method === 'DELETE' && !sub) return op('DeleteBucket', [on('DeleteBucket', bucketArn)]);
    if (method === 'HEAD' && !sub) return op('HeadBucket', [on('ListBucket', bucketArn)]);
    if (method === 'GET' && !sub) {
      const context: Record<string, string> = {};
      for (const [param, name] of [
        ['prefix', 's3:prefix'],
        ['delimiter', 's3:delimiter'],
        ['max-keys', 's3:max-keys'],
      ] as const) {
        const value = q.get(param);
        if (value !== null) context[name] = value;
      }
      return op(q.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects', [on('ListBucket', bucketArn, context)]);
    }
    if (method === 'POST' && sub === 'delete') {
      // DeleteObjects: each key is an s3:DeleteObject of its own.
      const keys = [...request.body.toString('utf8').matchAll(/<Key>([^<]*)<\/Key>/g)].map((match) =>
        (match[1] ?? '')
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&quot;/g, '"')
          .replace(/&apos;/g, "'")
          .replace(/&amp;/g, '&'),
      );
      if (!keys.length) throw new AwsRefusal(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
      return op(
        'DeleteObjects',
        keys.map((name) => on('DeleteObject', `${bucketArn}/${name}`)),
      );
    }
    const named = sub ? BUCKET_SUBRESOURCES[sub]?.[method as 'GET' | 'PUT' | 'DELETE'] : undefined;
    if (named) return op(named[0], [on(named[1], bucketArn)]);
    throw new AwsRefusal(501, 'NotImplemented', `The local S3 does not support ${method} /${bucket}${sub ? `?${sub}` : ''}`);
  }

  const copySource = request.headers['x-amz-copy-source'];
  if (method === 'PUT' && copySource && !sub) {
    const [sourceBucket = '', ...sourceKey] = decodeKey(String(copySource).replace(/^\//, '').split('?')[0]?.split('/') ?? []).split('/');
    const source = `arn:aws:s3:::${sourceBucket}/${sourceKey.join('/')}`;
    const name = request.query.has('partNumber') ? 'UploadPartCopy' : 'CopyObject';
    return op(name, [on('GetObject', source), on('PutObject', objectArn)]);
  }
  if (method === 'PUT' && !sub) return op(request.query.has('partNumber') ? 'UploadPart' : 'PutObject', [on('PutObject', objectArn)]);
  if (method === 'POST' && sub === 'uploads') return op('CreateMultipartUpload', [on('PutObject', objectArn)]);
  if (method === 'POST' && !sub && request.query.has('uploadId')) return op('CompleteMultipartUpload', [on('PutObject', objectArn)]);
  if (method === 'DELETE' && !sub && request.query.has('uploadId')) return op('AbortMultipartUpload', [on('AbortMultipartUpload', objectArn)]);
  if (method === 'GET' && !sub && request.query.has('uploadId')) return op('ListParts', [on('ListMultipartUploadParts', objectArn)]);
  const versioned = request.query.has('versionId') ? 'Version' : '';
  if ((method === 'GET' || method === 'HEAD') && !sub) return op(method === 'GET' ? 'GetObject' : 'HeadObject', [on(`GetObject${versioned}`, objectArn)]);
  if (method === 'DELETE' && !sub) return op('DeleteObject', [on(`DeleteObject${versioned}`, objectArn)]);
  const named = sub ? OBJECT_SUBRESOURCES[sub]?.[method as 'GET' | 'PUT' | 'DELETE'] : undefined;
  if (named) return op(named[0], [on(named[1], objectArn)]);
  throw new AwsRefusal(501, 'NotImplemented', `The local S3 does not support ${method} /${bucket}/${key}${sub ? `?${sub}` : ''}`);
}
