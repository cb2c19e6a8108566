/**
 * EventBridge schedule expressions as AWS reads them, in UTC: `rate(5 minutes)` and
 * `cron(minutes hours day-of-month month day-of-week year)`, with `*`, `?`, lists, ranges, steps,
 * month and day names, day-of-week 1-7 = SUN-SAT, `L` (last day of the month) and `#` (nth weekday).
 */
export interface Schedule {
  expression: string;
  /** The first firing strictly after `after`. */
  next(after: Date): Date;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

type Matcher = (value: number, date: Date) => boolean;

export function parseSchedule(expression: string): Schedule {
  const rate = /^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$/.exec(expression.trim());
  if (rate) {
    const amount = Number(rate[1]);
    const unit = rate[2] ?? 'minutes';
    if (amount < 1) throw new Error(`${expression}: the rate must be at least 1`);
    if ((amount === 1) !== !unit.endsWith('s')) throw new Error(`${expression}: AWS wants "1 ${unit.replace(/s$/, '')}" or "N ${unit.replace(/s?$/, 's')}"`);
    const ms = amount * (unit.startsWith('minute') ? 60_000 : unit.startsWith('hour') ? 3_600_000 : 86_400_000);
    return { expression, next: (after) => new Date(after.getTime() + ms) };
  }
  const cron = /^cron\((.*)\)$/.exec(expression.trim());
  if (!cron) throw new Error(`${expression}: not a schedule expression (rate(...) or cron(...))`);
  const fields = (cron[1] ?? '').trim().split(/\s+/);
  if (fields.length !== 6) throw new Error(`${expression}: cron() takes 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`);
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields as [string, string, string, string, string, string];
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) throw new Error(`${expression}: exactly one of day-of-month and day-of-week must be "?"`);
  const matchers: Array<[Matcher, (date: Date) => number]> = [
    [field(minutes, 0, 59, [], expression), (d) => d.getUTCMinutes()],
    [field(hours, 0, 23, [], expression), (d) => d.getUTCHours()],
    [dayOfMonthField(dayOfMonth, expression), (d) => d.getUTCDate()],
    [field(month, 1, 12, MONTHS, expression), (d) => d.getUTCMonth() + 1],
    [dayOfWeekField(dayOfWeek, expression), (d) => d.getUTCDay() + 1],
    [field(year, 1970, 2199, [], expression), (d) => d.getUTCFullYear()],
  ];
  return {
    expression,
    next(after) {
      const candidate = new Date(after.getTime());
      candidate.setUTCSeconds(0, 0);
      // Minute by minute is simple and fast enough (a year is 525,600 checks).
      for (let step = 0; step < 60 * 24 * 366 * 5; step += 1) {
        candidate.setUTCMinutes(candidate.getUTCMinutes() + 1);
        if (matchers.every(([matches, value]) => matches(value(candidate), candidate))) return new Date(candidate);
      }
      throw new Error(`${expression} never fires in the next five years`);
    },
  };
}

function field(text: string, min: number, max: number, names: string[], expression: string): Matcher {
  if (text === '*' || text === '?') return () => true;
  const allowed = new Set<number>();
  for (const part of text.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    let [low, high] = range === '*' ? [min, max] : range.split('-').map((value) => toNumber(value, names, min, expression));
    if (low === undefined || Number.isNaN(low)) throw new Error(`${expression}: cannot read "${part}"`);
    if (high === undefined) high = stepText === undefined ? low : max;
    if (low < min || high > max || !(step >= 1)) throw new Error(`${expression}: "${part}" is outside ${min}-${max}`);
    for (let value = low; value <= high; value += step) allowed.add(value);
  }
  return (value) => allowed.has(value);
}

function toNumber(value: string, names: string[], offset: number, expression: string): number {
  const index = names.indexOf(value.toUpperCase());
  if (index >= 0) return index + offset;
  if (!/^\d+$/.test(value)) throw new Error(`${expression}: cannot read "${value}"`);
  return Number(value);
}

function dayOfMonthField(text: string, expression: string): Matcher {
  if (text === 'L') return (value, date) => value === daysInMonth(date);
  if (/W/.test(text)) throw new Error(`${expression}: "W" (nearest weekday) is not supported by the local cloud`);
  return field(text, 1, 31, [], expression);
}

function dayOfWeekField(text: string, expression: string): Matcher {
  const nth = /^(\w+)#([1-5])$/.exec(text);
  if (nth) {
    const day = toNumber(nth[1] ?? '', DAYS, 1, expression);
    return (value, date) => value === day && Math.ceil(date.getUTCDate() / 7) === Number(nth[2]);
  }
  if (/L/.test(text)) throw new Error(`${expression}: "L" in day-of-week is not supported by the local cloud`);
  return field(text, 1, 7, DAYS, expression);
}

function daysInMonth(date: Date): number {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
}
