/**
 * Builds tool-call arguments from a JSON Schema and the user's prompt, deterministically: required fields
 * are always present, text-like fields get the prompt (or its key terms), numbers their default or
 * minimum, enums their first value. Good enough for the offline model to exercise real tools end to end.
 */
import { createHash } from 'node:crypto';
import { identifiers, keyTerms } from './offline-text.ts';

type Schema = Record<string, unknown>;

/** Property names that mean "search terms" (get the key terms) vs "free text" (get the whole prompt). */
const QUERY_NAMES = /^(q|query|search|keywords?|terms?|topic|subject|name|title|tags?)$/i;
const TEXT_NAMES = /^(text|prompt|question|input|message|content|body|request|description|instructions?)$/i;
/** Names of identifier fields ("orderId", "ticket_number", "sku"): they get the prompt's first id-like token. */
const ID_NAMES =
  /^(id|sku|ref|reference|code|number)$|[a-z0-9](Id|ID|Number|No|Code|Ref|Key)$|_(id|number|no|code|ref|key)$/;

/**
 * Arguments for a tool whose parameters are `schema`, derived from `prompt`.
 * @example argumentsFromSchema({ type: 'object', properties: { query: { type: 'string' } }, required: ['query'] }, 'find refund policy') // { query: 'refund policy' }
 */
export function argumentsFromSchema(schema: Schema, prompt: string): Record<string, unknown> {
  const value = valueFor(schema, 'arguments', prompt, schema, 0);
  return isSchema(value) ? value : {};
}

function valueFor(raw: unknown, name: string, prompt: string, root: Schema, depth: number): unknown {
  const schema = resolve(raw, root);
  if (depth > 8) return null;
  if ('const' in schema) return schema['const'];
  if (Array.isArray(schema['enum']) && schema['enum'].length > 0) return schema['enum'][0];
  if ('default' in schema) return schema['default'];
  const branches = schema['anyOf'] ?? schema['oneOf'];
  if (Array.isArray(branches)) {
    const branch: unknown = branches.find((b) => resolve(b, root)['type'] !== 'null') ?? branches[0];
    return valueFor(branch, name, prompt, root, depth + 1);
  }
  switch (typeOf(schema)) {
    case 'object':
      return objectFor(schema, prompt, root, depth);
    case 'array':
      return arrayFor(schema, name, prompt, root, depth);
    case 'integer':
    case 'number':
      return numberFor(schema);
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return stringFor(schema, name, prompt);
  }
}

function objectFor(schema: Schema, prompt: string, root: Schema, depth: number): Record<string, unknown> {
  const properties = isSchema(schema['properties']) ? schema['properties'] : {};
  const required = new Set(
    Array.isArray(schema['required']) ? schema['required'].filter((r) => typeof r === 'string') : [],
  );
  const out: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(properties)) {
    // Optional fields are filled only when they obviously take the user's words; others keep tool defaults.
    const wanted = required.has(key) || QUERY_NAMES.test(key) || TEXT_NAMES.test(key);
    if (wanted) out[key] = valueFor(property, key, prompt, root, depth + 1);
  }
  for (const key of required) if (!(key in out)) out[key] = stringFor({}, key, prompt);
  return out;
}

function arrayFor(schema: Schema, name: string, prompt: string, root: Schema, depth: number): unknown[] {
  const min = typeof schema['minItems'] === 'number' ? schema['minItems'] : 0;
  const max = typeof schema['maxItems'] === 'number' ? schema['maxItems'] : 5;
  const items = resolve(schema['items'], root);
  if (typeOf(items) === 'string' && !('enum' in items) && !('format' in items)) {
    const terms = keyTerms(prompt, Math.max(1, max));
    while (terms.length < min) terms.push(`item${terms.length + 1}`);
    return terms.slice(0, Math.max(min, Math.min(max, terms.length)));
  }
  return Array.from({ length: min }, () => valueFor(items, name, prompt, root, depth + 1));
}

function numberFor(schema: Schema): number {
  const integer = typeOf(schema) === 'integer';
  let value: number;
  if (typeof schema['minimum'] === 'number') value = schema['minimum'];
  else if (typeof schema['exclusiveMinimum'] === 'number') value = schema['exclusiveMinimum'] + (integer ? 1 : 0.5);
  else value = 1;
  if (typeof schema['maximum'] === 'number') value = Math.min(value, schema['maximum']);
  return integer ? Math.ceil(value) : value;
}

function stringFor(schema: Schema, name: string, prompt: string): string {
  const format = schema['format'];
  let value: string;
  if (format === 'email') value = prompt.match(/[\w.+-]+@[\w-]+(\.[\w-]+)+/)?.[0] ?? 'user@example.com';
  else if (format === 'uri' || format === 'url') value = prompt.match(/https?:\/\/\S+/)?.[0] ?? 'https://example.com';
  else if (format === 'date') value = prompt.match(/\d{4}-\d{2}-\d{2}/)?.[0] ?? '1970-01-01';
  else if (format === 'date-time') value = `${prompt.match(/\d{4}-\d{2}-\d{2}/)?.[0] ?? '1970-01-01'}T00:00:00Z`;
  else if (format === 'uuid') value = uuidFrom(prompt);
  else if (TEXT_NAMES.test(name)) value = prompt.trim();
  else if (ID_NAMES.test(name) && identifiers(prompt).length > 0) value = identifiers(prompt)[0] ?? '';
  else value = keyTerms(prompt).join(' ') || prompt.trim();
  const min = typeof schema['minLength'] === 'number' ? schema['minLength'] : 0;
  const max = typeof schema['maxLength'] === 'number' ? schema['maxLength'] : Infinity;
  if (value.length > max) value = value.slice(0, max);
  return value.padEnd(min, 'x');
}

/** A version-4-shaped UUID derived from the prompt, so the same prompt gives the same id. */
function uuidFrom(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function typeOf(schema: Schema): string | undefined {
  const type = schema['type'];
  if (Array.isArray(type)) return type.find((t): t is string => typeof t === 'string' && t !== 'null');
  if (typeof type === 'string') return type;
  return isSchema(schema['properties']) ? 'object' : undefined;
}

/** Follows a local `$ref` ("#/$defs/x" or "#/definitions/x"); unknown refs read as an empty schema. */
function resolve(raw: unknown, root: Schema): Schema {
  if (!isSchema(raw)) return {};
  const ref = raw['$ref'];
  if (typeof ref !== 'string') return raw;
  let node: unknown = root;
  for (const part of ref.replace(/^#\/?/, '').split('/').filter(Boolean))
    node = isSchema(node) ? node[part] : undefined;
  return isSchema(node) ? node : {};
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
