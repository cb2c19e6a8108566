/**
 * What a subscriber chooses: the regions, and any of a minimum weekly drop and a target price. The
 * topic's filter policy for the subscription is made from it, so SNS, not this code, picks who gets
 * which alert.
 */
export interface Choice {
  regions: string[];
  /** Dollars per gallon, week over week. */
  minDrop?: number;
  /** Alert only when the new price is below this (dollars per gallon). */
  below?: number;
}

/** Bounds beyond which a threshold is a mistake: New York's largest weekly move was under $0.40. */
export const CHOICE_LIMITS = { minDrop: { min: 0.01, max: 2 }, below: { min: 0.5, max: 10 } } as const;
const EMAIL_MAX = 254;
// The address SNS will mail: one @, no spaces or control characters, a dotted domain.
const EMAIL = /^[^\s@<>()[\]\\,;:"\p{Cc}]+@[a-z0-9-]+(\.[a-z0-9-]+)+$/u;
const AMOUNT = /^\d{1,2}(\.\d{1,2})?$/;

/** A request the service refuses, naming the field: answered 400. */
export class InvalidField extends Error {
  override name = 'InvalidField';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export function readEmail(value: unknown): string {
  if (typeof value !== 'string' || !value.trim()) throw new InvalidField('email', 'email is required');
  const email = value.trim().toLowerCase();
  if (email.length > EMAIL_MAX || !EMAIL.test(email)) throw new InvalidField('email', `email is not an address: ${JSON.stringify(value.slice(0, 80))}`);
  return email;
}

/** A dollar amount from JSON (a number) or a form (a string); empty means not chosen. */
function readAmount(field: keyof typeof CHOICE_LIMITS, value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim().replace(/^\$/, '') : '';
  const { min, max } = CHOICE_LIMITS[field];
  if (!AMOUNT.test(text)) throw new InvalidField(field, `${field} must be an amount in dollars with at most two decimals, got ${JSON.stringify(value)}`);
  const amount = Number(text);
  if (amount < min || amount > max) throw new InvalidField(field, `${field} must be between $${min.toFixed(2)} and $${max.toFixed(2)}, got $${text}`);
  return amount;
}

/** The choice of a request, checked against the regions the dataset has. */
export function readChoice(input: { regions?: unknown; minDrop?: unknown; below?: unknown }, known: ReadonlySet<string>): Choice {
  const listed = Array.isArray(input.regions) ? input.regions : input.regions === undefined || input.regions === '' ? [] : [input.regions];
  if (!known.size) throw new InvalidField('regions', 'regions: there are none yet, as no week of prices is stored; try again after the weekly fetch');
  if (!listed.length) throw new InvalidField('regions', 'regions: choose at least one region');
  if (listed.length > known.size) throw new InvalidField('regions', `regions: at most ${known.size}`);
  const unknown = listed.filter((region) => typeof region !== 'string' || !known.has(region));
  if (unknown.length) throw new InvalidField('regions', `regions: unknown region ${JSON.stringify(unknown[0]).slice(0, 80)}; GET /regions lists them`);
  return {
    regions: [...new Set(listed as string[])].sort(),
    minDrop: readAmount('minDrop', input.minDrop),
    below: readAmount('below', input.below),
  };
}

/**
 * The subscription's filter policy (on message attributes): an alert for one of its regions, with a
 * drop of at least minDrop and a new price below the target when those are chosen; or a message
 * addressed to this subscriber alone (its link, a change notice), by the `subscriber` attribute.
 */
export function filterPolicyFor(choice: Choice, subscriberId: string): Record<string, unknown> {
  const alert: Record<string, unknown> = { region: choice.regions };
  if (choice.minDrop !== undefined) alert.drop = [{ numeric: ['>=', choice.minDrop] }];
  if (choice.below !== undefined) alert.price = [{ numeric: ['<', choice.below] }];
  return { $or: [alert, { subscriber: [subscriberId] }] };
}

export function sameChoice(a: Choice, b: Choice): boolean {
  return a.regions.join() === b.regions.join() && a.minDrop === b.minDrop && a.below === b.below;
}

const dollars = (value: number) => `$${value.toFixed(2)}`;

/** "New York City and Albany, drops of $0.05 or more, below $3.10". */
export function describeChoice(choice: Choice, names: ReadonlyMap<string, string>): string {
  const regions = choice.regions.map((id) => names.get(id) ?? id);
  const list = regions.length > 1 ? `${regions.slice(0, -1).join(', ')} and ${regions.at(-1)}` : (regions[0] ?? '');
  const parts = [list, choice.minDrop === undefined ? 'any drop' : `drops of ${dollars(choice.minDrop)} or more`];
  if (choice.below !== undefined) parts.push(`when the price is below ${dollars(choice.below)}`);
  return parts.join(', ');
}
