import { describe, expect, it } from 'vitest';
import { planFromRequest, validatePlan } from './plan.ts';

const step = (id: string, agent: string, dependsOn: string[] = []) => ({ id, agent, task: id, dependsOn });

describe('validatePlan', () => {
  it('returns the steps in dependency order', () => {
    const order = validatePlan([step('w', 'writer', ['r', 'a']), step('r', 'research'), step('a', 'analyst')]);
    expect(order.map((s) => s.id)).toEqual(['r', 'a', 'w']);
  });

  it.each([
    [[step('a', 'research', ['b']), step('b', 'writer', ['a'])], 'dependency cycle among sub-tasks a, b'],
    [[step('a', 'research', ['a'])], 'dependency cycle among sub-tasks a'],
    [[step('a', 'hacker')], 'unknown agent "hacker"'],
    [[step('a', 'research', ['x'])], 'depends on unknown sub-task "x"'],
    [[step('a', 'research'), step('a', 'writer')], 'id "a" is used twice'],
  ])('rejects a bad plan (%#)', (plan, reason) => {
    expect(() => validatePlan(plan)).toThrow(reason);
  });
});

describe('planFromRequest', () => {
  it('picks research and analyst by keywords, the writer after both, the notifier last', () => {
    const plan = planFromRequest('Explain the refund policy and total revenue by region, then notify ops');
    expect(plan.map((s) => [s.id, s.dependsOn])).toEqual([
      ['research', []],
      ['analyst', []],
      ['writer', ['research', 'analyst']],
      ['notifier', ['writer']],
    ]);
  });

  it('falls back to research when no keyword matches', () => {
    expect(planFromRequest('Hello there').map((s) => s.id)).toEqual(['research', 'writer']);
  });
});
