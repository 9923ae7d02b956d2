import { describe, expect, it } from 'vitest';
import { digest, identifiers, keyTerms, stem, words } from './offline-text.ts';

describe('offline text helpers', () => {
  it('splits words on punctuation, snake_case and camelCase', () => {
    expect(words('kbSearch the_docs, NOW')).toEqual(['kb', 'search', 'the', 'docs', 'now']);
  });

  it('stems plurals and -ing forms crudely', () => {
    expect([stem('invoices'), stem('searching'), stem('policies'), stem('class')]).toEqual([
      'invoice',
      'search',
      'policy',
      'class',
    ]);
  });

  it('keeps key terms in order without stopwords, duplicates, or broken identifiers', () => {
    expect(keyTerms('What is the status of order A-17? The ORDER status!')).toEqual(['status', 'order', 'A-17']);
    expect(keyTerms('a b c d e f g h i j k l', 3)).toEqual([]);
    expect(identifiers('ship A-17 and B_2 today')).toEqual(['A-17', 'B_2']);
  });

  it('digests JSON objects, arrays and plain text deterministically', () => {
    expect(digest('{"status":"shipped","eta":"2024-05-01","lines":[1,2,3],"meta":{"x":1}}')).toBe(
      'status: shipped; eta: 2024-05-01; lines: 3 items',
    );
    expect(digest('[{"title":"Refunds"},{"title":"Returns"}]')).toBe('2 items, first: title: Refunds');
    expect(digest('[]')).toBe('no items');
    expect(digest('\n  first line \n\nsecond line\nthird line')).toBe('first line / second line');
    expect(digest('x'.repeat(300), 20)).toBe(`${'x'.repeat(17)}...`);
  });
});
