import { z } from 'zod';
import { defineFunction, kafka } from '../../../../shared/core/index.ts';

/** Bench: forwards every event (ledger row + outbox, no handler work). Topics from BENCH_TOPIC. */
const topic = process.env.BENCH_TOPIC ?? 'bench.unset';

export default defineFunction({
  name: 'bench-noop',
  trigger: kafka({ topic, schema: z.object({ seq: z.number().int(), sentAt: z.number() }) }),
  batchSize: Number(process.env.BENCH_BATCH_SIZE ?? 512),
  emits: [`${topic}.out`],
  handler: (event, { emit, meta }) => emit(`${topic}.out`, event, { key: meta.key }),
});
