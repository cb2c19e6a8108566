// Hostile and broken requests to the endpoint: malformed bodies, unknown targets and actions, missing
// and garbled credentials, bad encodings, huge headers. Each gets a 4xx in its service's protocol
// within a second (S3's NotImplemented is its 501), and the local cloud keeps answering everyone else.
import { request } from 'node:http';
import { describe, expect, it } from '@jest/globals';
import { local, testCloud } from '../../src/testing';

const scope = (service: string, key = 'fuzzer') =>
  `AWS4-HMAC-SHA256 Credential=${key}/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`;

interface Probe {
  name: string;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** How the answer must say it: JSON with x-amzn-ErrorType, the query protocol's XML, S3's XML, or any 4xx (Node's own 431). */
  protocol: 'json' | 'query' | 's3' | 'http';
  /** The status AWS gives, where it is not a 4xx (S3's 501 NotImplemented). */
  status?: number;
}

/** Sends a request as raw as a broken client would (no fetch normalization) and times the answer. */
function send(probe: Probe): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string; ms: number }> {
  const url = new URL(testCloud().endpoint);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method: probe.method ?? 'POST', path: probe.path ?? '/', headers: probe.headers, timeout: 5_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString(), ms: Date.now() - started }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${probe.name}: no answer within 5 s`)));
    req.on('error', reject);
    req.end(probe.body);
  });
}

const json = (service: string, target: string | undefined, body: string | Buffer): Probe => ({
  name: `${service} ${target ?? '(no target)'} ${String(body).slice(0, 20)}`,
  headers: { authorization: scope(service), 'content-type': 'application/x-amz-json-1.0', ...(target === undefined ? {} : { 'x-amz-target': target }) },
  body,
  protocol: 'json',
});
const query = (service: string, body: string): Probe => ({
  name: `${service} ${body.slice(0, 30)}`,
  headers: { authorization: scope(service), 'content-type': 'application/x-www-form-urlencoded' },
  body,
  protocol: 'query',
});
const s3 = (method: string, path: string, headers: Record<string, string> = {}, body?: string): Probe => ({
  name: `s3 ${method} ${path}`,
  method,
  path,
  headers: { authorization: scope('s3'), ...headers },
  body,
  protocol: 's3',
});

/** A reproducible stream of bytes that is never JSON (it starts with a closing brace). */
function garbage(seed: number, length: number): Buffer {
  let state = seed;
  const bytes = Buffer.alloc(length);
  for (let index = 0; index < length; index += 1) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    bytes[index] = state % 256;
  }
  bytes[0] = 0x7d;
  return bytes;
}

const probes: Probe[] = [
  // Malformed bodies.
  ...['DynamoDB_20120810.GetItem', 'AmazonSQS.SendMessage', 'AWSStepFunctions.StartExecution'].flatMap((target, index) => {
    const service = target.startsWith('Dynamo') ? 'dynamodb' : target.startsWith('AmazonSQS') ? 'sqs' : 'states';
    return [json(service, target, '{'), json(service, target, '[1,2]'), json(service, target, 'null'), json(service, target, garbage(index + 1, 512))];
  }),
  {
    ...json('cognito-idp', 'AWSCognitoIdentityProviderService.InitiateAuth', '{"AuthFlow":'),
    headers: { 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth', 'content-type': 'application/x-amz-json-1.1' },
  },
  json('dynamodb', 'DynamoDB_20120810.PutItem', JSON.stringify({ TableName: 5, Item: 'x' })),
  json('dynamodb', 'DynamoDB_20120810.Query', `{"TableName":"${'a'.repeat(70_000)}"}`),
  json('dynamodb', 'DynamoDB_20120810.GetItem', `${'['.repeat(5_000)}${']'.repeat(5_000)}`),
  {
    name: 'lambda invoke garbage',
    path: '/2015-03-31/functions/user-activation-dev-getActivationStatus/invocations',
    headers: { authorization: scope('lambda') },
    body: garbage(9, 256),
    protocol: 'json',
  },
  { name: 'iotdata no topic', path: '/topics/', headers: { authorization: scope('iotdata') }, body: garbage(10, 64), protocol: 'json' },
  query('sns', 'Action=Publish&TopicArn=%ZZ'),
  query('sqs', 'Action=SendMessage&Action=DeleteQueue&QueueUrl=x'),
  query('ses', 'Action=SendRawEmail&RawMessage.Data=!!!not-base64!!!'),
  query('sts', 'Action=GetCallerIdentity&Action=AssumeRole'),
  query('cloudformation', 'Action=DescribeStacks&StackName=%'),
  // Unknown targets and actions.
  json('dynamodb', 'DynamoDB_20120810.DropEverything', '{}'),
  json('dynamodb', 'DynamoDB_20120810.Put.Item', '{}'),
  json('dynamodb', undefined, '{}'),
  json('dynamodb', 'AmazonSQS.SendMessage', '{}'),
  json('cognito-idp', 'AWSCognitoIdentityProviderService.', '{}'),
  json('states', 'AWSStepFunctions.CreateActivity', '{}'),
  query('sns', 'Action=TakeOverTheWorld'),
  query('sns', ''),
  query('ses', 'Action=CreateReceiptRule'),
  query('cloudformation', 'Action=DeleteStack&StackName=user-activation-dev'),
  {
    name: 'lambda unknown path',
    method: 'DELETE',
    path: '/2015-03-31/functions/user-activation-dev-getActivationStatus',
    headers: { authorization: scope('lambda') },
    protocol: 'json',
  },
  { name: 'sesv2 unknown path', method: 'GET', path: '/v2/email/dedicated-ip-pools', headers: { authorization: scope('ses') }, protocol: 'json' },
  // S3: broken paths and names, subresources it does not serve, two at once.
  s3('GET', '/%E0%A4%A'),
  s3('GET', '/story-submissions-dev-mail/%'),
  { ...s3('PUT', '/story-submissions-dev-mail?tagging', {}, '<Tagging/>'), status: 501 },
  s3('GET', '/story-submissions-dev-mail/key?acl&tagging'),
  s3('POST', '/story-submissions-dev-mail?delete', {}, '<Delete></Delete>'),
  s3('PATCH', '/'),
  // Missing and garbled credentials.
  { name: 'no authorization', headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables' }, body: '{}', protocol: 'json' },
  { name: 'bearer token', headers: { authorization: 'Bearer abc', 'x-amz-target': 'DynamoDB_20120810.ListTables' }, body: '{}', protocol: 'json' },
  { name: 'empty credential', headers: { authorization: 'AWS4-HMAC-SHA256 Credential=, SignedHeaders=host, Signature=0' }, body: '{}', protocol: 'json' },
  { name: 'credential without scope', headers: { authorization: 'AWS4-HMAC-SHA256 Credential=abc/aws4_request' }, body: '{}', protocol: 'json' },
  { name: 'unknown service', headers: { authorization: scope('kinesis') }, body: '{}', protocol: 'json' },
  {
    name: 'unknown query service',
    headers: { authorization: scope('elasticache'), 'content-type': 'application/x-www-form-urlencoded' },
    body: 'Action=DescribeCacheClusters&Version=2015-02-02',
    protocol: 'query',
  },
  {
    name: 'unsigned query call',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: 'Action=ListQueues&Version=2012-11-05',
    protocol: 'query',
  },
  { name: 'unsigned query string call', method: 'GET', path: '/?Action=GetCallerIdentity&Version=2011-06-15', protocol: 'query' },
  { name: 'service name of path characters', headers: { authorization: scope('..%2F..') }, body: '{}', protocol: 'json' },
  { name: 'presigned garbage', method: 'GET', path: '/?X-Amz-Credential=%00%01', protocol: 'json' },
  // Headers too big for any server: Node's HTTP parser answers 431 before the endpoint sees them.
  { name: 'huge header', headers: { authorization: scope('dynamodb'), 'x-filler': 'x'.repeat(1024 * 1024) }, body: '{}', protocol: 'http' },
  {
    name: 'huge target',
    headers: { authorization: scope('dynamodb'), 'x-amz-target': `DynamoDB_20120810.${'A'.repeat(9_000)}` },
    body: '{}',
    protocol: 'json',
  },
];

describe('the endpoint under hostile input', () => {
  it.each(probes.map((probe) => [probe.name, probe] as const))('answers %s with a 4xx in its protocol within a second', async (_name, probe) => {
    const answer = await send(probe);
    expect({ status: answer.status, body: answer.body.slice(0, 300) }).toEqual({ status: expect.any(Number), body: expect.any(String) });
    if (probe.status) expect(answer.status).toBe(probe.status);
    else expect(answer.status).toBeGreaterThanOrEqual(400);
    if (!probe.status) expect(answer.status).toBeLessThan(500);
    expect(answer.ms).toBeLessThan(1_000);
    if (probe.protocol === 'json') {
      expect(answer.headers['x-amzn-errortype'] ?? (JSON.parse(answer.body) as { __type?: string }).__type).toEqual(expect.any(String));
    } else if (probe.protocol === 'query') {
      expect(answer.body).toMatch(/^<ErrorResponse[\s\S]*<Code>[^<]+<\/Code>[\s\S]*<\/ErrorResponse>$/);
    } else if (probe.protocol === 's3') {
      expect(answer.body).toMatch(/<Error><Code>[^<]+<\/Code>/);
    }
  });

  it("refuses a stand-in's steering request that is not JSON, and keeps serving", async () => {
    const url = testCloud().urls['stand-in https://data.ny.gov'] ?? '';
    const admin = url.replace(/\/([^/]+)$/, '/__stand-in/$1');
    const broken = await fetch(`${admin}/datasets/nqur-w4p7`, { method: 'PUT', body: '{"rows": [' });
    expect(broken.status).toBe(400);
    expect((await fetch(`${admin}/faults`, { method: 'POST', body: 'not json' })).status).toBe(400);
    expect((await fetch(`${url}/resource/nqur-w4p7.json?$limit=1`)).status).toBe(200);
  });

  it('still answers every client afterwards, and made nothing of what it refused', async () => {
    expect((await fetch(`${testCloud().endpoint}/_local/health`)).status).toBe(200);
    expect((await local().functions()).length).toBeGreaterThan(0);
    const listed = await send({
      name: 'list tables',
      headers: { authorization: scope('dynamodb'), 'x-amz-target': 'DynamoDB_20120810.ListTables' },
      body: '{}',
      protocol: 'json',
    });
    expect(listed.status).toBe(200);
  });
});
