import { nextTick } from '../../core/cron/next.ts';
import type { InvokeDeps } from '../../core/invoke.ts';
import type { Logger, OutgoingMessage } from '../../core/ports.ts';
import { claimWithRetry } from './claim-retry.ts';
import { InFlight } from './in-flight.ts';
import { cronJobs, dueTicks, startupBacklog, type Job } from './job.ts';
import { schedulerSettings, type SchedulerSettings } from './settings.ts';
import type { CronSchedulerOptions, CronTickInfo } from './types.ts';
import { runClaimedTick } from './run-tick.ts';
import { TickStore } from './tick-store.ts';

/** setTimeout's largest delay; longer waits re-arm on wake-up. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Runs cron functions on N replicas with one run per tick, using only SQL. Each replica sets a timer to
 * the next tick; on wake every replica tries to claim the tick (an INSERT ... ON CONFLICT DO UPDATE that
 * only takes over expired, unfinished claims) and only the winner runs it through the core `deliver`.
 * The claim prevents duplicate RUNS (LLM cost); the ledger (event id `cron@<iso>`) prevents duplicate
 * EFFECTS even when a claim is taken over from a replica that was slow rather than dead.
 * @example const cron = new CronScheduler({ functions, sql, deps, deadLetter, log, replicaId }); await cron.start()
 */
export class CronScheduler {
  readonly #jobs: Job[];
  readonly #ticks: TickStore;
  readonly #deps: InvokeDeps;
  readonly #deadLetter: (message: OutgoingMessage) => Promise<void>;
  readonly #log: Logger;
  readonly #replicaId: string;
  readonly #now: () => Date;
  readonly #settings: SchedulerSettings;
  readonly #onTick: ((info: CronTickInfo) => void) | undefined;
  readonly #abort = new AbortController();
  readonly #inFlight: InFlight;
  #sweepTimer: NodeJS.Timeout | undefined;
  #state: 'new' | 'running' | 'stopped' = 'new';

  constructor(options: CronSchedulerOptions) {
    if (!options.replicaId)
      throw new TypeError('CronScheduler: replicaId must be a non-empty string, e.g. `${hostname}-${pid}`');
    this.#ticks = new TickStore(options.sql);
    this.#deps = options.deps;
    this.#deadLetter = options.deadLetter;
    this.#log = options.log.child({ component: 'cron', replica: options.replicaId });
    this.#inFlight = new InFlight(this.#log);
    this.#replicaId = options.replicaId;
    this.#now = options.now ?? (() => new Date());
    this.#settings = schedulerSettings(options);
    this.#onTick = options.onTick;
    this.#jobs = cronJobs(options.functions);
  }

  /** Runs still in progress on this replica. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /**
   * Arms the timers and queues the catch-up of ticks missed while no replica ran (per the function's
   * policy) and of orphaned claims. Rejects when the tick table cannot be read.
   * @example await scheduler.start()
   */
  async start(): Promise<void> {
    if (this.#state !== 'new') throw new Error('CronScheduler.start(): already started');
    this.#state = 'running';
    const now = this.#now();
    const plans = await Promise.all(
      this.#jobs.map(async (job) => {
        job.cursor = now;
        this.#arm(job);
        const latest = await this.#ticks.latest(job.fn.name);
        return { job, ticks: startupBacklog(job, latest, now, this.#settings.maxCatchUp, this.#log) };
      }),
    );
    for (const { job, ticks } of plans) this.#queueBacklog(job, ticks);
    this.#sweep();
    this.#sweepTimer = setInterval(() => this.#sweep(), this.#settings.sweepIntervalMs);
    this.#sweepTimer.unref();
    this.#log.info('cron scheduler started', { functions: this.#jobs.map((j) => j.fn.name) });
  }

  /**
   * Stops the timers and waits for running ticks up to `stopTimeoutMs`, then aborts them (their claims
   * are released, so another replica re-runs them).
   * @example await scheduler.stop()
   */
  async stop(): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    clearInterval(this.#sweepTimer);
    for (const job of this.#jobs) clearTimeout(job.timer);
    if (!(await this.#inFlight.drain(this.#settings.stopTimeoutMs))) {
      this.#log.warn('cron runs still in progress at stop; aborting them', { inFlight: this.#inFlight.size });
      this.#abort.abort(new Error('cron scheduler stopping'));
      await this.#inFlight.drain(5_000);
    }
  }

  #arm(job: Job): void {
    if (this.#state !== 'running') return;
    const next = nextTick(job.schedule, job.cursor, job.trigger.timezone);
    if (next === null) {
      this.#log.warn('cron schedule has no future tick', { function: job.fn.name, schedule: job.trigger.schedule });
      return;
    }
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, next.getTime() - this.#now().getTime()));
    job.timer = setTimeout(() => this.#wake(job), delay);
  }

  /** Hands out every tick due since the cursor: recent ones run now, older ones follow the policy. */
  #wake(job: Job): void {
    if (this.#state !== 'running') return;
    const now = this.#now();
    if (now > job.cursor) {
      const { onTime, late, kept } = dueTicks(job, now, this.#settings.lookbackMs, this.#settings.maxCatchUp);
      job.cursor = now;
      for (const tick of onTime) this.#inFlight.track(this.#process(job, tick, false));
      if (late.length > 0) {
        this.#log.warn('woke up late; missed ticks follow the catch-up policy', {
          function: job.fn.name,
          missed: late.length,
          running: kept.length,
          policy: job.trigger.catchUp,
        });
        this.#queueBacklog(job, kept);
      }
    }
    this.#arm(job);
  }

  #queueBacklog(job: Job, ticks: readonly Date[]): void {
    if (ticks.length === 0) return;
    const run = job.backlog.then(async () => {
      for (const tick of ticks) {
        if (this.#state !== 'running') return;
        await this.#process(job, tick, true);
      }
    });
    job.backlog = run;
    this.#inFlight.track(run);
  }

  /** Re-runs ticks whose runner died (lease expired, not done) and prunes old finished rows. */
  #sweep(): void {
    for (const job of this.#jobs) {
      const windowStart = new Date(this.#now().getTime() - job.trigger.catchUpWindowMs);
      const sweep = this.#ticks
        .orphans(job.fn.name, windowStart, this.#settings.maxCatchUp)
        .then((orphans) => {
          if (orphans.length > 0)
            this.#log.info('re-running orphaned cron ticks', { function: job.fn.name, count: orphans.length });
          this.#queueBacklog(job, orphans);
          const retention = Math.max(job.trigger.catchUpWindowMs, 86_400_000);
          return this.#ticks.prune(job.fn.name, new Date(this.#now().getTime() - retention));
        })
        .then(
          () => undefined,
          (error: unknown) => this.#log.warn('cron sweep failed', { function: job.fn.name, error }),
        );
      this.#inFlight.track(sweep);
    }
  }

  async #process(job: Job, scheduledAt: Date, catchUp: boolean): Promise<void> {
    const claimed = await claimWithRetry({
      ticks: this.#ticks,
      functionName: job.fn.name,
      scheduledAt,
      replicaId: this.#replicaId,
      leaseMs: this.#settings.leaseMs,
      windowMs: job.trigger.catchUpWindowMs,
      now: () => this.#now(),
      running: () => this.#state === 'running',
      signal: this.#abort.signal,
      log: this.#log,
    });
    if (claimed === undefined) return;
    this.#report({
      function: job.fn.name,
      scheduledAt,
      delayMs: this.#now().getTime() - scheduledAt.getTime(),
      ran: claimed,
      catchUp,
    });
    if (!claimed) return;
    const signal = this.#deps.signal ? AbortSignal.any([this.#deps.signal, this.#abort.signal]) : this.#abort.signal;
    await runClaimedTick({
      fn: job.fn,
      scheduledAt,
      ticks: this.#ticks,
      replicaId: this.#replicaId,
      leaseMs: this.#settings.leaseMs,
      deps: { ...this.#deps, signal },
      deadLetter: this.#deadLetter,
      log: this.#log,
    });
  }

  #report(info: CronTickInfo): void {
    try {
      this.#onTick?.(info);
    } catch (error) {
      this.#log.warn('onTick hook threw', { function: info.function, error });
    }
  }
}
