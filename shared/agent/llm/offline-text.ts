/**
 * Deterministic text helpers of the offline model: word splitting, key terms of a prompt, and a one-line
 * digest of a tool observation. No randomness, no clock, no locale-dependent sorting.
 */

const STOPWORDS = new Set(
  (
    'a an and are as at be but by can could do does did for from get give has have how i if in into is it its ' +
    'me my of on or our please show should tell that the their them then there these this those to us was ' +
    'we were what when where which who why will with would you your about all any some find list need want ' +
    'let know make help'
  ).split(' '),
);

/**
 * Lower-case words of a text, split on non-letters/digits and on camelCase / snake_case boundaries.
 * @example words('kbSearch the_docs') // ['kb', 'search', 'the', 'docs']
 */
export function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/**
 * A crude stem so "orders" matches "order" and "searching" matches "search".
 * @example stem('invoices') // 'invoice'
 */
export function stem(word: string): string {
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 4 && word.endsWith('ed')) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/**
 * The prompt's content words in first-seen order, without stopwords or duplicates. Identifier-like tokens
 * that contain a digit ("A-17", "INV_2024.3") are kept whole and keep their case.
 * @example keyTerms('What is the status of order A-17?') // ['status', 'order', 'A-17']
 */
export function keyTerms(text: string, max = 8): string[] {
  const seen = new Set<string>();
  const terms: string[] = [];
  for (const token of text.match(/[\p{L}\p{N}]+(?:[-_.:/][\p{L}\p{N}]+)*/gu) ?? []) {
    for (const word of /\p{N}/u.test(token) ? [token] : words(token)) {
      const key = word.toLowerCase();
      if (STOPWORDS.has(key) || (key.length < 2 && !/\p{N}/u.test(key)) || seen.has(key)) continue;
      seen.add(key);
      terms.push(word);
      if (terms.length >= max) return terms;
    }
  }
  return terms;
}

/**
 * Identifier-like tokens of a text (those containing a digit), in order.
 * @example identifiers('ship order A-17 and B-2 today') // ['A-17', 'B-2']
 */
export function identifiers(text: string): string[] {
  return (text.match(/[\p{L}\p{N}]+(?:[-_.:/][\p{L}\p{N}]+)*/gu) ?? []).filter((t) => /\p{N}/u.test(t));
}

/**
 * A short, deterministic digest of a tool's output: JSON is reduced to its first few scalar fields (or the
 * item count and first item of a list); plain text to its first non-empty lines.
 * @example digest('{"status":"shipped","eta":"2024-05-01"}') // 'status: shipped; eta: 2024-05-01'
 */
export function digest(content: string, maxChars = 240): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    parsed = undefined;
  }
  const text = parsed === undefined ? firstLines(content) : describeValue(parsed);
  return text.length > maxChars ? `${text.slice(0, maxChars - 3)}...` : text;
}

function firstLines(content: string): string {
  const lines = content
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.slice(0, 2).join(' / ') || '(empty)';
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return 'no items';
    return `${value.length} item${value.length === 1 ? '' : 's'}, first: ${describeValue(value[0])}`;
  }
  if (typeof value === 'object' && value !== null) {
    const parts: string[] = [];
    for (const [key, field] of Object.entries(value)) {
      if (parts.length >= 4) break;
      if (field === null || typeof field !== 'object') parts.push(`${key}: ${String(field)}`);
      else if (Array.isArray(field)) parts.push(`${key}: ${field.length} item${field.length === 1 ? '' : 's'}`);
    }
    return parts.join('; ') || `object with ${Object.keys(value).length} fields`;
  }
  return String(value);
}
