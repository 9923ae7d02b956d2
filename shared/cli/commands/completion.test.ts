import { execFileSync } from 'node:child_process';
import { describe, expect, it, vi } from 'vitest';
import { UsageError } from '../command.ts';
import { completionCommand } from './completion.ts';

describe('hearth completion', () => {
  it('prints a bash script that bash accepts and that completes the command names', async () => {
    const out: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
    try {
      expect(await completionCommand.run(['bash'], {})).toBe(0);
    } finally {
      write.mockRestore();
    }
    const script = out.join('');
    const words = execFileSync(
      'bash',
      ['-c', `${script}\nCOMP_WORDS=(hearth ru); COMP_CWORD=1; _hearth; echo "\${COMPREPLY[@]}"`],
      { encoding: 'utf8' },
    );
    expect(words.trim()).toBe('runs');
  });

  it('names the shells it knows', () => {
    expect(() => completionCommand.run(['fish'], {})).toThrow(UsageError);
  });
});
