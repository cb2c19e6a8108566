/**
 * IAM's wildcard matching: `*` is any run of characters (none too), `?` any one character. Actions
 * match without regard to case; ARNs match with it, component by component, as IAM matches them
 * (a wildcard in the service component cannot swallow the region).
 */

const cache = new Map<string, RegExp>();

function globRegex(pattern: string, flags = ''): RegExp {
  const key = `${flags}/${pattern}`;
  let regex = cache.get(key);
  if (!regex) {
    regex = new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
      `s${flags}`,
    );
    cache.set(key, regex);
  }
  return regex;
}

/** `service:Action` against a pattern such as `dynamodb:Get*` or `*`. */
export function actionMatches(pattern: string, action: string): boolean {
  return globRegex(pattern, 'i').test(action);
}

/** An ARN's six components: arn, partition, service, region, account, and the resource (which may hold colons). */
export function arnComponents(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** A resource (or ArnLike) pattern against an ARN; `*` alone matches anything. */
export function arnMatches(pattern: string, arn: string): boolean {
  if (pattern === '*') return true;
  const want = arnComponents(pattern);
  const have = arnComponents(arn);
  if (!want || !have) return globRegex(pattern).test(arn);
  return want.every((part, index) => globRegex(part).test(have[index] ?? ''));
}

/** A plain string with IAM's wildcards (StringLike), with or without case. */
export function stringMatches(pattern: string, value: string, ignoreCase = false): boolean {
  return globRegex(pattern, ignoreCase ? 'i' : '').test(value);
}

type Token = { kind: 'char'; char: string } | { kind: 'one' } | { kind: 'star' } | { kind: 'var'; slashes: boolean };

/** Variables of ARN formats whose values may hold slashes (object keys, log group names, paths). */
const PATH_VARIABLE = /ObjectName|LogGroupName|LogStreamName|WithPath|Path$|ResourcePath|KeyName|Key$/;

function tokens(text: string, format: boolean): Token[] {
  const out: Token[] = [];
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index] ?? '';
    const variable = format ? /^\$\{([^}]+)\}/.exec(text.slice(index)) : null;
    if (variable) {
      out.push({ kind: 'var', slashes: PATH_VARIABLE.test(variable[1] ?? '') });
      index += variable[0].length - 1;
    } else if (!format && char === '*') out.push({ kind: 'star' });
    else if (!format && char === '?') out.push({ kind: 'one' });
    else out.push({ kind: 'char', char });
  }
  return out;
}

/** The characters a token takes: one given character, any, or any but a slash. */
type CharClass = { char: string } | 'any' | 'not-slash';

const classOf = (token: Token): CharClass => (token.kind === 'char' ? { char: token.char } : token.kind === 'var' && !token.slashes ? 'not-slash' : 'any');

function overlaps(x: CharClass, y: CharClass): boolean {
  if (x === 'any' || y === 'any') return true;
  if (x === 'not-slash' && y === 'not-slash') return true;
  if (x === 'not-slash') return (y as { char: string }).char !== '/';
  if (y === 'not-slash') return x.char !== '/';
  return x.char === y.char;
}

/**
 * Whether some string matches both a policy's pattern (with `*` and `?`) and an ARN format of the
 * IAM catalog (with `${Variable}`s, each one or more characters, no slash unless it is a path). A
 * breadth-first walk over both patterns at once; both are short.
 */
function componentsOverlap(pattern: string, format: string): boolean {
  const a = tokens(pattern, false);
  const b = tokens(format, true);
  // A state: position in a, position in b, and whether b's current variable has taken a character.
  const seen = new Set<string>();
  const queue: Array<[number, number, boolean]> = [[0, 0, false]];
  while (queue.length) {
    const [i, j, varStarted] = queue.shift() as [number, number, boolean];
    const key = `${i},${j},${varStarted}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const ta = a[i];
    const tb = b[j];
    if (!ta && !tb) return true;
    // a's star may match nothing; b's variable may end once it has a character.
    if (ta?.kind === 'star') queue.push([i + 1, j, varStarted]);
    if (tb?.kind === 'var' && varStarted) queue.push([i, j + 1, false]);
    if (!ta || !tb) continue;
    // Both take one character: go on if some character satisfies both.
    if (!overlaps(classOf(ta), classOf(tb))) continue;
    const nextI = ta.kind === 'star' ? i : i + 1;
    const nextJ = tb.kind === 'var' ? j : j + 1;
    queue.push([nextI, nextJ, tb.kind === 'var']);
  }
  return false;
}

/** Whether a policy's resource pattern can name a resource of this ARN format (arn:${Partition}:s3:::${BucketName}). */
export function patternFitsFormat(pattern: string, format: string): boolean {
  if (pattern === '*') return true;
  const want = arnComponents(pattern);
  const have = arnComponents(format);
  if (!want || !have) return false;
  return want.every((part, index) => componentsOverlap(part, have[index] ?? ''));
}
