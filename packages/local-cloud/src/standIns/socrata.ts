/**
 * The part of Socrata's SoQL query language (https://dev.socrata.com/docs/queries/) a local stand-in
 * answers: $where with comparisons joined by AND, $order (field [ASC|DESC], several), $limit, $offset.
 */
export type Row = Record<string, unknown>;

export function querySocrata(rows: readonly Row[], params: URLSearchParams): Row[] {
  let result = [...rows];
  const where = params.get('$where');
  if (where) {
    const conditions = where.split(/\s+AND\s+/i).map(parseCondition);
    result = result.filter((row) => conditions.every((condition) => condition(row)));
  }
  const order = params.get('$order');
  if (order) {
    const keys = order.split(',').map((part) => {
      const [field = '', direction = 'ASC'] = part.trim().split(/\s+/);
      if (!/^(ASC|DESC)$/i.test(direction)) throw new SoqlError(`$order: unknown direction ${direction}`);
      return { field, sign: direction.toUpperCase() === 'DESC' ? -1 : 1 };
    });
    result.sort((a, b) => {
      for (const { field, sign } of keys) {
        const compared = compare(a[field], b[field]);
        if (compared) return compared * sign;
      }
      return 0;
    });
  }
  const offset = Number(params.get('$offset') ?? 0);
  const limit = Number(params.get('$limit') ?? 1000);
  if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 0) throw new SoqlError('$limit and $offset must be whole numbers');
  return result.slice(offset, offset + limit);
}

export class SoqlError extends Error {}

function parseCondition(text: string): (row: Row) => boolean {
  const match = /^\s*(\w+)\s*(=|!=|<>|<=|>=|<|>)\s*(?:'([^']*)'|(-?\d+(?:\.\d+)?))\s*$/.exec(text);
  if (!match) throw new SoqlError(`$where: the local stand-in cannot read "${text}"`);
  const [, field = '', operator, quoted, numeric] = match;
  const value = quoted ?? Number(numeric);
  return (row) => {
    // As in SQL, a comparison with null is never true.
    if (row[field] === null || row[field] === undefined) return false;
    const compared = compare(row[field], value);
    switch (operator) {
      case '=':
        return compared === 0;
      case '!=':
      case '<>':
        return compared !== 0;
      case '<':
        return compared < 0;
      case '<=':
        return compared <= 0;
      case '>':
        return compared > 0;
      default:
        return compared >= 0;
    }
  };
}

/** Numbers (and numeric strings) by value, everything else as text; nulls sort first, as in SoQL. */
function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  const [x, y] = [Number(a), Number(b)];
  if (!Number.isNaN(x) && !Number.isNaN(y) && String(a).trim() !== '' && String(b).trim() !== '') return x - y;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}
