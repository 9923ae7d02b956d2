/**
 * The plan of a task: a DAG of sub-tasks (which agent, what to do, which sub-tasks it needs first).
 * Plans come from the request (explicit) or from `planFromRequest` (deterministic keyword rules, so the
 * offline path is reproducible); both go through `validatePlan`.
 */
import { z } from 'zod';
import { BadInputError } from '../../shared/core/index.ts';

/** The worker agents the orchestrator can dispatch to (each is a function `<name>-agent`). */
export const AGENT_NAMES = ['research', 'analyst', 'writer', 'notifier'] as const;
export type AgentName = (typeof AGENT_NAMES)[number];

export const PlanStep = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a short lowercase id like "research"'),
  agent: z.string().min(1),
  task: z.string().min(1).max(4_000),
  dependsOn: z.array(z.string()).max(10).default([]),
});
export type PlanStep = z.output<typeof PlanStep>;
export const Plan = z.array(PlanStep).min(1).max(10);

/**
 * Checks a plan: unique ids, known agents, known dependencies, no cycles. Returns the steps in a
 * topological order; throws a BadInputError naming the problem.
 * @example validatePlan([{ id: 'a', agent: 'research', task: 'x', dependsOn: [] }])
 */
export function validatePlan(steps: readonly PlanStep[]): PlanStep[] {
  const byId = new Map<string, PlanStep>();
  for (const step of steps) {
    if (byId.has(step.id)) throw bad(`sub-task id "${step.id}" is used twice`);
    if (!(AGENT_NAMES as readonly string[]).includes(step.agent)) {
      throw bad(`sub-task "${step.id}" names unknown agent "${step.agent}" (known: ${AGENT_NAMES.join(', ')})`);
    }
    byId.set(step.id, step);
  }
  for (const step of steps) {
    for (const dep of step.dependsOn) {
      if (!byId.has(dep)) throw bad(`sub-task "${step.id}" depends on unknown sub-task "${dep}"`);
    }
  }
  // Kahn's algorithm: whatever is left once nothing more can start lies on a cycle.
  const order: PlanStep[] = [];
  const done = new Set<string>();
  while (order.length < steps.length) {
    const ready = steps.filter((s) => !done.has(s.id) && s.dependsOn.every((d) => done.has(d)));
    if (ready.length === 0) {
      const stuck = steps.filter((s) => !done.has(s.id)).map((s) => s.id);
      throw bad(`the plan has a dependency cycle among sub-tasks ${stuck.join(', ')}`);
    }
    for (const s of ready) done.add(s.id);
    order.push(...ready);
  }
  return order;
}

const RESEARCH =
  /\b(polic(y|ies)|explain|why|how|docs?|guide|faq|refunds?|returns?|shipping|warranty|support|research)\b/i;
const ANALYSIS =
  /\b(sales|revenue|units|orders?|regions?|products?|months?|categor(y|ies)|trends?|totals?|top|analy[sz]e|numbers|metrics?)\b/i;
const NOTIFY = /\b(notify|notification|e-?mail|alert|send)\b/i;

/**
 * The deterministic planner: keywords choose research and/or analyst (research when neither matches),
 * the writer always synthesizes their findings, and the notifier runs last when the request asks to notify.
 * @example planFromRequest('Explain the refund policy and total revenue by region')
 */
export function planFromRequest(request: string): PlanStep[] {
  const steps: PlanStep[] = [];
  const wantsAnalysis = ANALYSIS.test(request);
  if (RESEARCH.test(request) || !wantsAnalysis) {
    steps.push({
      id: 'research',
      agent: 'research',
      task: `${request}\n\nSearch the knowledge base for the facts this needs and cite document titles.`,
      dependsOn: [],
    });
  }
  if (wantsAnalysis) {
    steps.push({
      id: 'analyst',
      agent: 'analyst',
      task: `${request}\n\nAnswer from the sample data with a sales summary (totals by region, product, category or month).`,
      dependsOn: [],
    });
  }
  steps.push({
    id: 'writer',
    agent: 'writer',
    task: `Write a short report that answers: ${request}`,
    dependsOn: steps.map((s) => s.id),
  });
  if (NOTIFY.test(request)) {
    steps.push({
      id: 'notifier',
      agent: 'notifier',
      task: `Send a notification with this report. Request: ${request}`,
      dependsOn: ['writer'],
    });
  }
  return steps;
}

function bad(message: string): BadInputError {
  return new BadInputError('schema-invalid', `plan: ${message}`);
}
