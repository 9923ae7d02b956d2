/** One cron field: its name in error messages, its range and the names it accepts. */
export interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** Names start at this value (JAN = 1, SUN = 0). */
  readonly namesFrom?: number;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

export const SECOND: FieldSpec = { name: 'second', min: 0, max: 59 };
export const MINUTE: FieldSpec = { name: 'minute', min: 0, max: 59 };
export const HOUR: FieldSpec = { name: 'hour', min: 0, max: 23 };
export const DAY_OF_MONTH: FieldSpec = { name: 'day-of-month', min: 1, max: 31 };
export const MONTH: FieldSpec = { name: 'month', min: 1, max: 12, names: MONTHS, namesFrom: 1 };
/** 0 and 7 are both Sunday; 7 is folded into 0 after parsing. */
export const DAY_OF_WEEK: FieldSpec = { name: 'day-of-week', min: 0, max: 7, names: DAYS, namesFrom: 0 };

/** A field problem; the parser adds the expression and field to the message. */
export class FieldError extends Error {
  readonly part: string;
  constructor(part: string, problem: string) {
    super(problem);
    this.part = part;
  }
}

/**
 * Parses one field (`*`, `?`, `5`, `MON`, `1-5`, `*\/15`, `1-10/2`, `5/15`, lists of those) into the
 * sorted distinct values it allows. Throws a {@link FieldError} naming the bad part.
 * @example parseField('1-10/3', MINUTE) // [1, 4, 7, 10]
 */
export function parseField(text: string, spec: FieldSpec): number[] {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    if (part === '') throw new FieldError(part, 'has an empty list element');
    for (const value of parsePart(part, spec)) values.add(value);
  }
  return [...values].sort((a, b) => a - b);
}

function parsePart(part: string, spec: FieldSpec): number[] {
  const slash = part.split('/');
  if (slash.length > 2) throw new FieldError(part, 'has more than one "/"');
  const [rangeText = '', stepText] = slash;
  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d+$/.test(stepText)) throw new FieldError(part, `has step "${stepText}", which is not a positive integer`);
    step = Number(stepText);
    if (step === 0) throw new FieldError(part, 'has a step of 0');
  }
  let from: number;
  let to: number;
  if (rangeText === '*' || rangeText === '?') {
    if (rangeText === '?' && spec !== DAY_OF_MONTH && spec !== DAY_OF_WEEK) {
      throw new FieldError(part, 'uses "?", which only day-of-month and day-of-week accept');
    }
    from = spec.min;
    to = spec.max;
  } else {
    const dash = rangeText.split('-');
    if (dash.length > 2) throw new FieldError(part, 'has more than one "-"');
    from = value(dash[0] ?? '', part, spec);
    // `5/15` means 5 to the end of the range in steps of 15 (Quartz and NCRONTAB accept it).
    to = dash[1] !== undefined ? value(dash[1], part, spec) : stepText !== undefined ? spec.max : from;
    if (from > to) throw new FieldError(part, `is a backwards range (${from} > ${to})`);
  }
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

function value(text: string, part: string, spec: FieldSpec): number {
  let n: number;
  if (/^\d+$/.test(text)) {
    n = Number(text);
  } else {
    const index = spec.names?.indexOf(text.toUpperCase()) ?? -1;
    if (index < 0) {
      const names = spec.names ? ` or name (${spec.names[0]}-${spec.names[spec.names.length - 1]})` : '';
      throw new FieldError(text === part ? part : text, `is not a number${names}`);
    }
    n = index + (spec.namesFrom ?? 0);
  }
  if (n < spec.min || n > spec.max) throw new FieldError(text, `is out of range ${spec.min}-${spec.max}`);
  return n;
}
