/** What `hearth new` writes: one function module per trigger kind, importing Hearth by `core`. */
export interface Scaffold {
  name: string;
  /** How the module imports Hearth's core: 'hearth' when installed, a relative path in this repo. */
  core: string;
  trigger: 'kafka' | 'cron' | 'http';
  topic: string;
  schedule: string;
  path: string;
  durable: boolean;
}

/** The identifier-safe form of a function name (`order-ledger` -> `OrderLedger`). */
function pascal(name: string): string {
  return name.replace(/(^|-)([a-z0-9])/g, (_, _dash: string, c: string) => c.toUpperCase());
}

/**
 * The source of `functions/<name>/index.ts`.
 * @example functionSource({ name: 'greeter', core: 'hearth', trigger: 'kafka', topic: 'greeter.in', ... })
 */
export function functionSource(s: Scaffold): string {
  const type = pascal(s.name);
  if (s.trigger === 'cron') {
    return `import { cron, defineFunction } from '${s.core}';

// Runs on the schedule "${s.schedule}" (UTC), once per tick across all replicas.
export default defineFunction({
  name: '${s.name}',
  trigger: cron({ schedule: '${s.schedule}' }),${s.durable ? '\n  durable: true,' : ''}
  handler: async (tick, { log }) => {
    log.info('tick', { scheduledAt: tick.scheduledAt });
  },
});
`;
  }
  if (s.trigger === 'http') {
    return `import { z } from 'zod';
import { defineFunction, http, httpReply } from '${s.core}';

/** The request body; a bad one is answered 400 naming the field. */
export const ${type}Request = z.object({
  name: z.string().min(1).max(200),
});

export default defineFunction({
  name: '${s.name}',
  trigger: http({ method: 'POST', path: '${s.path}', schema: ${type}Request }),
  handler: async (request) => httpReply({ status: 200, body: { greeting: \`hello \${request.name}\` } }),
});
`;
  }
  const out = `${s.topic}.done`;
  const body = s.durable
    ? `  durable: true,
  handler: async (event, ctx) => {
    // Journaled: a re-execution (crash, redelivery) returns the stored result instead of running again.
    const greeting = await ctx.step('greet', () => Promise.resolve(\`hello \${event.name}\`));
    await ctx.transaction('announce', async ({ emit }) => {
      emit('${out}', { greeting });
    });
  },`
    : `  handler: async (event, { emit }) => {
    // SQL writes (ctx.sql) and emits commit together, exactly once per event.
    emit('${out}', { greeting: \`hello \${event.name}\` });
  },`;
  return `import { z } from 'zod';
import { defineFunction, kafka } from '${s.core}';

/** The event on "${s.topic}"; one that does not parse is dead-lettered with the reason. */
export const ${type}Event = z.object({
  name: z.string().min(1).max(200),
});

export default defineFunction({
  name: '${s.name}',
  trigger: kafka({ topic: '${s.topic}', schema: ${type}Event }),
  emits: ['${out}'],
${body}
});
`;
}
