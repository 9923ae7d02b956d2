import { describe, expect, it } from 'vitest';
import { jsonLogger, prettyLine } from './logger.ts';

describe('terminal log lines', () => {
  it('renders time, level, message and fields on one line, errors by their message', () => {
    const lines: string[] = [];
    const log = jsonLogger({ write: (l) => void lines.push(l), render: (line) => prettyLine(line, false) });
    log.warn('consumer paused', { function: 'orders', error: new Error('broker down'), note: 'two words' });
    expect(lines[0]).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} WARN {2}consumer paused {2}function=orders error=\{"name":"Error","message":"broker down"\} note="two words"\n$/,
    );
  });

  it('colours the level on a terminal and stays JSON by default', () => {
    expect(prettyLine({ time: '2026-12-03T10:00:00.000Z', level: 'error', msg: 'boom' }, true)).toContain(
      '\x1b[31mERROR',
    );
    const lines: string[] = [];
    jsonLogger({ write: (l) => void lines.push(l) }).info('x', { a: 1 });
    expect(JSON.parse(lines[0] as string)).toMatchObject({ level: 'info', msg: 'x', a: 1 });
  });
});
