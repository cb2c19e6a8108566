/**
 * SPDX licence expressions (https://spdx.github.io/spdx-spec/v2.3/SPDX-license-expressions/) as
 * npm packages declare them: "MIT", "(MIT OR EUPL-1.1+)", "Apache-2.0 AND MIT", "GPL-2.0 WITH
 * Classpath-exception-2.0". A choice (OR) is satisfied by either side, a conjunction (AND) needs both.
 */

/** Licences whose terms reach into the work that uses them (strong and weak copyleft). */
const COPYLEFT = /^(A?GPL|LGPL|SSPL|EUPL|OSL|CPAL|RPL|QPL|Sleepycat|MPL|EPL|CDDL|CECILL|CC-BY-SA|CC-BY-NC|CC-BY-ND|Parity|Prosperity|BUSL)(-|$)/i;

/** Permissive licences npm packages use (OSI-approved or public-domain dedications). */
const PERMISSIVE = new Set(
  [
    'MIT',
    'MIT-0',
    'ISC',
    'Apache-2.0',
    'BSD-2-Clause',
    'BSD-3-Clause',
    '0BSD',
    'BlueOak-1.0.0',
    'CC0-1.0',
    'CC-BY-3.0',
    'CC-BY-4.0',
    'Unlicense',
    'WTFPL',
    'Zlib',
    'Python-2.0',
    'PSF-2.0',
    'Artistic-2.0',
    'BSL-1.0',
  ].map((id) => id.toLowerCase()),
);

export type Verdict = 'permissive' | 'copyleft' | 'unknown';

type Node = { id: string } | { op: 'AND' | 'OR'; left: Node; right: Node };

function parse(expression: string): Node {
  const tokens = expression.replace(/[()]/g, ' $& ').trim().split(/\s+/).filter(Boolean);
  let at = 0;
  const atom = (): Node => {
    const token = tokens[at++];
    if (token === undefined) throw new Error(`licence expression ends early: "${expression}"`);
    if (token === '(') {
      const inner = or();
      if (tokens[at++] !== ')') throw new Error(`unbalanced parenthesis in "${expression}"`);
      return inner;
    }
    // "X WITH exception": the exception widens X; the licence itself decides.
    if (tokens[at]?.toUpperCase() === 'WITH') at += 2;
    return { id: token };
  };
  const and = (): Node => {
    let left = atom();
    while (tokens[at]?.toUpperCase() === 'AND') {
      at += 1;
      left = { op: 'AND', left, right: atom() };
    }
    return left;
  };
  const or = (): Node => {
    let left = and();
    while (tokens[at]?.toUpperCase() === 'OR') {
      at += 1;
      left = { op: 'OR', left, right: and() };
    }
    return left;
  };
  const node = or();
  if (at !== tokens.length) throw new Error(`cannot read "${tokens.slice(at).join(' ')}" in "${expression}"`);
  return node;
}

function leaf(id: string): Verdict {
  const bare = id.replace(/\+$/, '').replace(/-(only|or-later)$/i, '');
  if (COPYLEFT.test(bare)) return 'copyleft';
  return PERMISSIVE.has(bare.toLowerCase()) ? 'permissive' : 'unknown';
}

/** Whether a package may be used under permissive terms: an OR needs one such side, an AND both. */
export function verdict(expression: string | undefined): Verdict {
  if (!expression?.trim()) return 'unknown';
  let tree: Node;
  try {
    tree = parse(expression);
  } catch {
    return 'unknown';
  }
  const rank: Record<Verdict, number> = { permissive: 0, unknown: 1, copyleft: 2 };
  const walk = (node: Node): Verdict => {
    if ('id' in node) return leaf(node.id);
    const [a, b] = [walk(node.left), walk(node.right)];
    // OR: the better of the two choices; AND: the worse of the two obligations.
    return node.op === 'OR' ? (rank[a] <= rank[b] ? a : b) : rank[a] >= rank[b] ? a : b;
  };
  return walk(tree);
}
