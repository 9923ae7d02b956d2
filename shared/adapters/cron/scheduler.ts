import { sleep } from '../../core/backoff.ts';
import { nextTick, ticksBetween } from '../../core/cron/next.ts';
import { parseCron, type CronSchedule } from '../../core/cron/parse.ts';
import type { AnyFunction } from '../../core/define.ts';
import type { InvokeDeps } from '../../core/invoke.ts';
import type { Logger, OutgoingMessage } from '../../core/ports.ts';
import type { CronTrigger, Trigger } from '../../core/triggers.ts';
import { planCatchUp } from './catch-up.ts';
import type { CronSchedulerOptions, CronTickInfo } from './types.ts';
import { runClaimedTick } from './run-tick.ts';
import { TickStore } from './tick-store.ts';

interface Job {
  fn: AnyFunction;
  trigger: CronTrigger<unknown>;
  schedule: CronSchedule;
  /** Ticks up to here have been handed out (on time or to catch-up). */
  cursor: Date;
  timer: NodeJS.Timeout | undefined;
  /** Serializes catch-up and orphan runs of one function so a backlog does not run all at once. */
  backlog: Promise<void>;
}

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
  readonly #leaseMs: number;
  readonly #lookbackMs: number;
  readonly #sweepIntervalMs: number;
  readonly #maxCatchUp: number;
  readonly #stopTimeoutMs: number;
  readonly #onTick: ((info: CronTickInfo) => void) | undefined;
  readonly #abort = new AbortController();
  readonly #inFlight = new Set<Promise<void>>();
  #sweepTimer: NodeJS.Timeout | undefined;
  #state: 'new' | 'running' | 'stopped' = 'new';

  constructor(options: CronSchedulerOptions) {
    if (!options.replicaId)
      throw new TypeError('CronScheduler: replicaId must be a non-empty string, e.g. `${hostname}-${pid}`');
    this.#ticks = new TickStore(options.sql);
    this.#deps = options.deps;
    this.#deadLetter = options.deadLetter;
    this.#log = options.log.child({ component: 'cron', replica: options.replicaId });
    this.#replicaId = options.replicaId;
    this.#now = options.now ?? (() => new Date());
    this.#leaseMs = positive(options.leaseMs ?? 30_000, 'leaseMs');
    this.#lookbackMs = positive(options.lookbackMs ?? 10_000, 'lookbackMs');
    this.#sweepIntervalMs = positive(options.sweepIntervalMs ?? this.#leaseMs, 'sweepIntervalMs');
    this.#maxCatchUp = positive(options.maxCatchUp ?? 1_000, 'maxCatchUp');
    this.#stopTimeoutMs = positive(options.stopTimeoutMs ?? 30_000, 'stopTimeoutMs');
    this.#onTick = options.onTick;
    this.#jobs = options.functions.flatMap((fn) => {
      const trigger: Trigger<unknown> = fn.trigger;
      if (trigger.kind !== 'cron') return [];
      const job: Job = {
        fn,
        trigger,
        schedule: parseCron(trigger.schedule),
        cursor: new Date(0),
        timer: undefined,
        backlog: Promise.resolve(),
      };
      return [job];
    });
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
        const plan = planCatchUp(job.schedule, job.trigger.timezone, {
          policy: job.trigger.catchUp,
          windowMs: job.trigger.catchUpWindowMs,
          latest,
          now,
          limit: this.#maxCatchUp,
        });
        if (plan.dropped) {
          this.#log.warn('more missed ticks than maxCatchUp; running the oldest', {
            function: job.fn.name,
            maxCatchUp: this.#maxCatchUp,
          });
        }
        return { job, ticks: plan.ticks };
      }),
    );
    for (const { job, ticks } of plans) this.#queueBacklog(job, ticks);
    this.#sweep();
    this.#sweepTimer = setInterval(() => this.#sweep(), this.#sweepIntervalMs);
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
    if (!(await this.#drain(this.#stopTimeoutMs))) {
      this.#log.warn('cron runs still in progress at stop; aborting them', { inFlight: this.#inFlight.size });
      this.#abort.abort(new Error('cron scheduler stopping'));
      await this.#drain(5_000);
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
      const due = ticksBetween(job.schedule, job.cursor, now, job.trigger.timezone, this.#maxCatchUp + 1);
      job.cursor = now;
      const onTimeFrom = now.getTime() - this.#lookbackMs;
      const late = due.filter((t) => t.getTime() < onTimeFrom);
      for (const tick of due) if (tick.getTime() >= onTimeFrom) this.#track(this.#process(job, tick, false));
      if (late.length > 0) {
        const kept = job.trigger.catchUp === 'all' ? late : job.trigger.catchUp === 'latest' ? late.slice(-1) : [];
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
    this.#track(run);
  }

  /** Re-runs ticks whose runner died (lease expired, not done) and prunes old finished rows. */
  #sweep(): void {
    for (const job of this.#jobs) {
      const windowStart = new Date(this.#now().getTime() - job.trigger.catchUpWindowMs);
      const sweep = this.#ticks
        .orphans(job.fn.name, windowStart, this.#maxCatchUp)
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
      this.#track(sweep);
    }
  }

  async #process(job: Job, scheduledAt: Date, catchUp: boolean): Promise<void> {
    const name = job.fn.name;
    let claimed: boolean | undefined;
    // A database outage must not lose the tick: no row means no sweep would find it later.
    for (let attempt = 1; claimed === undefined; attempt += 1) {
      try {
        claimed = await this.#ticks.claim(name, scheduledAt, this.#replicaId, this.#leaseMs);
      } catch (error) {
        const at = scheduledAt.toISOString();
        const expired = this.#now().getTime() - scheduledAt.getTime() > job.trigger.catchUpWindowMs;
        if (this.#state !== 'running' || expired) {
          this.#log.error('could not claim cron tick; giving up', { function: name, scheduledAt: at, error });
          return;
        }
        this.#log.warn('could not claim cron tick; retrying', { function: name, scheduledAt: at, attempt, error });
        await sleep(Math.min(30_000, 500 * 2 ** attempt), this.#abort.signal);
      }
    }
    this.#report({
      function: name,
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
      leaseMs: this.#leaseMs,
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

  #track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => this.#log.error('cron task failed', { error }));
    this.#inFlight.add(tracked);
    void tracked.finally(() => this.#inFlight.delete(tracked));
  }

  async #drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.#inFlight.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, left)));
      await Promise.race([Promise.allSettled([...this.#inFlight]), timeout]);
      clearTimeout(timer);
    }
    return true;
  }
}

function positive(value: number, what: string): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new TypeError(`CronScheduler: ${what} must be a positive number, got ${value}`);
  return value;
}
