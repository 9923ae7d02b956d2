import { cron, defineFunction } from '../../shared/core/index.ts';

/**
 * Every minute, publishes a digest of today's token use per agent (a stand-in for a cost report).
 * One run per tick across all replicas; a tick missed during downtime is caught up once ('latest').
 */
export default defineFunction({
  name: 'usage-digest',
  trigger: cron({ schedule: '* * * * *', timezone: 'UTC', catchUp: 'latest' }),
  handler: async ({ scheduledAt }, { sql, emit, log }) => {
    const day = scheduledAt.toISOString().slice(0, 10);
    const { rows } = await sql.query<{ agent: string; calls: string; total_tokens: string }>(
      'SELECT agent, calls, total_tokens FROM example_usage_daily WHERE day = $1 ORDER BY total_tokens DESC LIMIT 20',
      [day],
    );
    const agents = rows.map((r) => ({ agent: r.agent, calls: Number(r.calls), totalTokens: Number(r.total_tokens) }));
    emit('agent.usage.digest', { day, scheduledAt: scheduledAt.toISOString(), agents }, { key: day });
    log.info('usage digest published', { day, agents: agents.length });
  },
});
