export { durableExecutionCounts, PgDurableStore } from './durable-store.ts';
export type { PgDurableStoreOptions } from './durable-store.ts';
export { PgEffectStore } from './effects.ts';
export type { PgEffectStoreOptions } from './effects.ts';
export {
  isConnectionError,
  isRetryableTxError,
  SqlCommitUnknownError,
  SqlRetriesExhaustedError,
  sqlStateOf,
  SqlTxAbortedError,
  SqlTxFinishedError,
  SqlUnavailableError,
} from './errors.ts';
export { pgSqlStoreFromEnv, poolConfigOf, readSqlEnv, transactionShareOf } from './from-env.ts';
export type { SqlEnvConfig } from './from-env.ts';
export { pruneLedger } from './ledger.ts';
export { pruneExpired } from './retention.ts';
export type { PruneCounts, RetentionCutoffs } from './retention.ts';
export { migrate } from './migrate.ts';
export type { MigrateOptions } from './migrate.ts';
export {
  applicationMigrationsDir,
  functionMigrationSources,
  loadMigrations,
  runtimeMigrations,
} from './migration-sources.ts';
export type { Migration, MigrationSource } from './migration-sources.ts';
export { deadOutboxCount, insertOutbox, pendingOutboxCount } from './outbox.ts';
export { pendingOutboxBatches } from './outbox-batches.ts';
export type { OutboxBatch } from './outbox-batches.ts';
export type { OutboxRow } from './outbox.ts';
export { OutboxRelay } from './relay.ts';
export type { OutboxRelayOptions, Publisher } from './relay.ts';
export { PgSqlStore } from './store.ts';
export type { PgSqlStoreOptions, SqlRetryInfo, SqlRetryReason } from './store.ts';
