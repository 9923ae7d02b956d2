import { z } from 'zod';
import { pruneExpired } from '../../shared/adapters/sql/index.ts';
import { readEnv } from '../../shared/core/config.ts';
import { cron, defineFunction } from '../../shared/core/index.ts';

const DAY_MS = 86_400_000;

const Retention = z.object({
  /**
   * Days a processed event's ledger row, a finished durable execution (with its journal) and a finished
   * cron tick are kept. This is the redelivery window: an event delivered again after it runs again.
   * Kafka's default log retention is 7 days, so a consumer reset to the earliest offset cannot replay
   * anything older.
   */
  HEARTH_RETENTION_DAYS: z.coerce.number().min(1).max(3_650).default(7),
  /** Days dead outbox rows and filed dead letters are kept for review. */
  HEARTH_DEAD_RETENTION_DAYS: z.coerce.number().min(1).max(3_650).default(30),
  HEARTH_RETENTION_SCHEDULE: z.string().min(1).default('23 * * * *'),
});

const config = readEnv(Retention, process.env);

/**
 * Retention: every hour (HEARTH_RETENTION_SCHEDULE), deletes Hearth's rows past their retention in
 * small batches. Durable, so no transaction is held while it works; deleting twice is harmless.
 */
export default defineFunction({
  name: 'retention',
  trigger: cron({ schedule: config.HEARTH_RETENTION_SCHEDULE, timezone: 'UTC', catchUp: 'latest' }),
  durable: true,
  timeoutMs: 10 * 60_000,
  handler: async ({ scheduledAt }, ctx) => {
    const at = scheduledAt.getTime();
    const counts = await ctx.step('prune', () =>
      pruneExpired(ctx.database, {
        processedBefore: new Date(at - config.HEARTH_RETENTION_DAYS * DAY_MS),
        deadBefore: new Date(at - config.HEARTH_DEAD_RETENTION_DAYS * DAY_MS),
      }),
    );
    ctx.log.info('retention pruned', counts);
    return counts;
  },
});
