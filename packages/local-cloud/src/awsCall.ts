/**
 * A SigV4-shaped Authorization header. The local cloud and its emulators read the credential scope
 * (who calls, which service), never the signature, so local tools need no real signing.
 */
export function localAuthorization(service: string, accessKeyId = 'local', region = 'us-east-1'): string {
  return `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20260101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`;
}

/** One call to an AWS JSON-protocol API (X-Amz-Target), on the local endpoint or an emulator; a non-2xx answer throws. */
export async function callJsonApi<T = Record<string, unknown>>(
  url: string,
  target: string,
  body: object,
  options: { service: string; jsonVersion?: '1.0' | '1.1' },
): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': `application/x-amz-json-${options.jsonVersion ?? '1.0'}`,
      'x-amz-target': target,
      authorization: localAuthorization(options.service),
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${target.split('.').pop()}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}
