import { HearthError } from '../errors.ts';
import {
  DAY_OF_MONTH,
  DAY_OF_WEEK,
  FieldError,
  HOUR,
  MINUTE,
  MONTH,
  SECOND,
  parseField,
  type FieldSpec,
} from './fields.ts';

/** A parsed cron expression: the allowed values of every field, sorted ascending. */
export interface CronSchedule {
  /** The expression as written (trimmed). */
  readonly source: string;
  /** 6 when the expression had a leading seconds field; macros count as 5. */
  readonly fieldCount: 5 | 6;
  readonly seconds: readonly number[];
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly daysOfMonth: readonly number[];
  readonly months: readonly number[];
  /** 0 = Sunday ... 6 = Saturday (7 is folded into 0). */
  readonly daysOfWeek: readonly number[];
  /**
   * Vixie cron's rule: when either day field starts with `*` (or `?`) a day must match both fields;
   * when both are restricted a day matching either one is enough.
   */
  readonly dayOr: boolean;
  /**
   * True when the second (6 fields), minute or hour field starts with `*`: such a schedule is an
   * interval and follows the wall clock across DST changes; a fixed time runs once (see next.ts).
   */
  readonly interval: boolean;
}

/** A cron expression that cannot be parsed; the message names the field and the bad value. */
export class CronParseError extends HearthError {
  readonly expression: string;
  constructor(expression: string, message: string) {
    super(`cron "${expression}": ${message}`, { code: 'cron_parse' });
    this.name = 'CronParseError';
    this.expression = expression;
  }
}

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Parses a 5-field (`minute hour day-of-month month day-of-week`) or 6-field (leading seconds) cron
 * expression, or a macro (@yearly, @monthly, @weekly, @daily, @hourly).
 * @example parseCron('*\/15 9-17 * * MON-FRI').minutes // [0, 15, 30, 45]
 */
export function parseCron(expression: string): CronSchedule {
  const source = expression.trim();
  if (source === '') throw new CronParseError(source, 'is empty; expected 5 fields, e.g. "0 3 * * *"');
  let text = source;
  if (source.startsWith('@')) {
    const macro = MACROS[source.toLowerCase()];
    if (macro === undefined) {
      throw new CronParseError(
        source,
        `"${source.split(/\s+/)[0]}" is not supported (use @yearly, @monthly, @weekly, @daily or @hourly)`,
      );
    }
    text = macro;
  }
  const parts = text.split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) {
    throw new CronParseError(
      source,
      `expected 5 fields (minute hour day-of-month month day-of-week) or 6 (with leading seconds), got ${parts.length}`,
    );
  }
  const fields = parts.length === 6 ? parts : ['0', ...parts];
  const [secondText = '', minuteText = '', hourText = '', domText = '', monthText = '', dowText = ''] = fields;
  const field = (value: string, spec: FieldSpec): number[] => {
    try {
      return parseField(value, spec);
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      const where =
        error.part === value ? `${spec.name} field "${value}"` : `${spec.name} field "${value}": "${error.part}"`;
      throw new CronParseError(source, `${where} ${error.message}`);
    }
  };
  const starts = (value: string): boolean => value.startsWith('*') || value.startsWith('?');
  const schedule: CronSchedule = {
    source,
    fieldCount: parts.length === 6 ? 6 : 5,
    seconds: field(secondText, SECOND),
    minutes: field(minuteText, MINUTE),
    hours: field(hourText, HOUR),
    daysOfMonth: field(domText, DAY_OF_MONTH),
    months: field(monthText, MONTH),
    daysOfWeek: [...new Set(field(dowText, DAY_OF_WEEK).map((d) => d % 7))].sort((a, b) => a - b),
    dayOr: !starts(domText) && !starts(dowText),
    interval: (parts.length === 6 && starts(secondText)) || starts(minuteText) || starts(hourText),
  };
  checkReachable(schedule, domText, monthText);
  return schedule;
}

/** Rejects day/month combinations that never occur ("30 2", "31 APR,JUN") instead of never firing. */
function checkReachable(schedule: CronSchedule, domText: string, monthText: string): void {
  if (schedule.dayOr) return;
  const possible = schedule.months.some((m) => schedule.daysOfMonth.some((d) => d <= (DAYS_IN_MONTH[m - 1] ?? 31)));
  if (!possible) {
    throw new CronParseError(
      schedule.source,
      `day-of-month "${domText}" never occurs in month "${monthText}", so it would never run`,
    );
  }
}
