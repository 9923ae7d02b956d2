import { NonRetriableError } from '../errors.ts';

type Scalar = string | number | boolean;

/**
 * The canonical key of a wait's match: the field paths sorted, each with its value, as JSON. An incoming
 * event has the same key when its fields at those paths hold the same values.
 * @example matchKeyOf('approval', { taskId: 't1' }) // { key: '[["taskId","t1"]]', fields: 'taskId' }
 */
export function matchKeyOf(stepId: string, match: Record<string, Scalar>): { key: string; fields: string } {
  if (typeof match !== 'object' || match === null || Object.keys(match).length === 0) {
    throw new NonRetriableError(
      `ctx.waitForEvent("${stepId}"): match must name at least one field, e.g. match: { taskId }`,
    );
  }
  const entries = Object.entries(match).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [path, value] of entries) {
    if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(path) || path.includes(',')) {
      throw new NonRetriableError(
        `ctx.waitForEvent("${stepId}"): match field "${path}" must be a field path like "taskId" or "data.taskId"`,
      );
    }
    if (!['string', 'number', 'boolean'].includes(typeof value)) {
      throw new NonRetriableError(
        `ctx.waitForEvent("${stepId}"): match.${path} must be a string, number or boolean, got ${typeof value}`,
      );
    }
  }
  return { key: JSON.stringify(entries), fields: entries.map(([path]) => path).join(',') };
}

/**
 * The key an event has for the given sorted field paths, or undefined when one is missing or not a scalar.
 * @example keyForFields('taskId', { taskId: 't1', approve: true }) // '[["taskId","t1"]]'
 */
export function keyForFields(fields: string, payload: unknown): string | undefined {
  const entries: [string, Scalar][] = [];
  for (const path of fields.split(',')) {
    let value: unknown = payload;
    for (const part of path.split('.')) {
      if (typeof value !== 'object' || value === null) return undefined;
      value = (value as Record<string, unknown>)[part];
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return undefined;
    entries.push([path, value]);
  }
  return JSON.stringify(entries);
}
