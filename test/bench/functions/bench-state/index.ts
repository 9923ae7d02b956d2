import { z } from 'zod';
import { defineFunction, kafka } from '../../../../shared/core/index.ts';

/** Bench: one SQL upsert per event (a counter per key) plus one emit. Topics from BENCH_TOPIC. */
const topic = process.env.BENCH_TOPIC ?? 'bench.unset';

export default defineFunction({
  name: 'bench-state',
  trigger: kafka({ topic, schema: z.object({ seq: z.number().int(), sentAt: z.number() }) }),
  batchSize: Number(process.env.BENCH_BATCH_SIZE ?? 512),
  emits: [`${topic}.out`],
  handler: async (event, { sql, emit, meta }) => {
    await sql.query(
      'INSERT INTO bench_state (k, n, last_seq) VALUES ($1, 1, $2) ON CONFLICT (k) DO UPDATE SET n = bench_state.n + 1, last_seq = excluded.last_seq',
      [meta.key ?? '', event.seq],
    );
    emit(`${topic}.out`, event, { key: meta.key });
  },
});
