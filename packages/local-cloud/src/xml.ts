/** Query-protocol answers (STS, CloudFormation, SNS, SES v1, SQS of old): XML in the shape AWS's parsers read. */

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** The text of an XML element's content, its entities (named and numeric) decoded. */
export function xmlText(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (entity, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    return ENTITIES[name] ?? entity;
  });
}

/** A value as XML: objects become elements, lists `<member>` elements, anything else text. */
export function toXml(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((item) => `<member>${toXml(item)}</member>`).join('');
  if (typeof value === 'object') {
    return Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .map(([name, item]) => `<${name}>${toXml(item)}</${name}>`)
      .join('');
  }
  return escapeXml(String(value));
}

/** `<ActionResponse xmlns=...><ActionResult>...</ActionResult><ResponseMetadata>...` as a query service answers. */
export function queryResponse(action: string, namespace: string, result: unknown): { status: number; headers: Record<string, string>; body: string } {
  return queryResponseXml(action, namespace, toXml(result));
}

/** The same, around a Result body already in XML. */
export function queryResponseXml(action: string, namespace: string, resultXml: string): { status: number; headers: Record<string, string>; body: string } {
  const requestId = crypto.randomUUID();
  return {
    status: 200,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: `<${action}Response xmlns="${namespace}"><${action}Result>${resultXml}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
  };
}
