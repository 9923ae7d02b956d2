import type { AnyFunction } from '../../core/define.ts';
import type { InvokeDeps } from '../../core/invoke.ts';
import type { Logger, OutgoingMessage, SqlStore } from '../../core/ports.ts';

/** Reported once per tick this replica tried to claim; `ran` says whether it won and ran it. */
export interface CronTickInfo {
  function: string;
  scheduledAt: Date;
  /** From the scheduled time to the claim result (the run starts right after). */
  delayMs: number;
  ran: boolean;
  /** A missed tick run after downtime, or an orphan whose runner died. */
  catchUp: boolean;
}

export interface CronSchedulerOptions {
  /** All functions of the host; the ones without a cron trigger are ignored. */
  functions: readonly AnyFunction[];
  sql: SqlStore;
  deps: InvokeDeps;
  /** Publishes a dead letter (the host's producer or outbox). */
  deadLetter: (message: OutgoingMessage) => Promise<void>;
  log: Logger;
  /** Unique per host process, e.g. `${hostname}-${pid}`. */
  replicaId: string;
  /** The clock used for due-tick decisions; inject for tests. */
  now?: () => Date;
  /** Claim lease, renewed every third of it while running. Default 30 s. */
  leaseMs?: number;
  /** A tick this late at wake-up is still run on time; older ones follow the catch-up policy. Default 10 s. */
  lookbackMs?: number;
  /** How often orphaned claims (lease expired, not done) are looked for. Default `leaseMs`. */
  sweepIntervalMs?: number;
  /** At most this many missed ticks per function per catch-up. Default 1000. */
  maxCatchUp?: number;
  /** How long stop() waits for running ticks before aborting them. Default 30 s. */
  stopTimeoutMs?: number;
  onTick?: (info: CronTickInfo) => void;
}
