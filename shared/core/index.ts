export { backoffDelay, defaultRetryPolicy, sleep } from './backoff.ts';
export type { RetryPolicy } from './backoff.ts';
export { deadLetterBody, deadLetterMessage, DLQ_HEADERS, readDeadLetter, replayMessage } from './dead-letter.ts';
export type { DeadLetterInfo } from './dead-letter.ts';
export { decodeEvent } from './decode.ts';
export { defineFunction, minScaleOf } from './define.ts';
export type {
  AnyFunction,
  DeployHints,
  EmitOptions,
  EventOf,
  FunctionConfig,
  HandlerContext,
  HearthFunction,
  Infer,
} from './define.ts';
export { deliver } from './deliver.ts';
export type { Delivery, Wait } from './deliver.ts';
export { eventIdOf } from './envelope.ts';
export type { Envelope, EventMeta, EventSource } from './envelope.ts';
export {
  BadInputError,
  ConfigError,
  DependencyUnavailableError,
  dependencyOf,
  ensureError,
  HearthError,
  NonRetriableError,
  RateLimitedError,
  RetryAfterError,
  StepFailedError,
} from './errors.ts';
export type { BadInputKind, Dependency } from './errors.ts';
export { DependencyGate } from './health.ts';
export type { DependencyGateOptions, Probe } from './health.ts';
export { collectingEmit, outgoingMessage } from './emit.ts';
export type { Emit } from './emit.ts';
export type { DurableRuntime } from './durable/execute.ts';
export type {
  ClaimResult,
  DurableContext,
  DurableOptions,
  DurableSettings,
  DurableStore,
  ExecutionRef,
  JournalEntry,
  RecordResult,
  ResumableExecution,
  StepOptions,
  StoredEnvelope,
  TransactionContext,
  WaitForEventOptions,
  WaitRegistration,
} from './durable/types.ts';
export { HandlerTimeoutError, invoke } from './invoke.ts';
export { invokeBatch } from './invoke-batch.ts';
export { invokeMany } from './invoke-many.ts';
export type { BatchOutcome } from './invoke-batch.ts';
export type { InvocationInfo, InvokeDeps, InvokeHook } from './invoke.ts';
export { jsonLogger, prettyLine } from './logger.ts';
export type { LogLevel } from './logger.ts';
export { classify, failureOf } from './outcome.ts';
export type { DeadLetterReason, FailureInfo, Outcome, ParkInfo } from './outcome.ts';
export type {
  EffectStore,
  KvSetOptions,
  KvStore,
  Logger,
  OutgoingMessage,
  Publisher,
  RunOnceResult,
  SqlStore,
  SqlTx,
} from './ports.ts';
export { formatIssues, parseWith } from './schema.ts';
export { cron, DEFAULT_MAX_BYTES, http, kafka } from './triggers.ts';
export { httpReply, isHttpReply, matchPath } from './http-reply.ts';
export type { HttpAuthorizer, HttpPrincipal, HttpReply, HttpRequestInfo, HttpStreamWrite } from './http-reply.ts';
export { authorizeHttp, hasRole, principalOf, PRINCIPAL_HEADER, ROLES_HEADER } from './http-auth.ts';
export type {
  CatchUpPolicy,
  CronEvent,
  CronTrigger,
  HttpMethod,
  HttpTrigger,
  KafkaFormat,
  KafkaTrigger,
  Trigger,
} from './triggers.ts';
export { CronParseError, lastTickBetween, nextTick, parseCron, ticksBetween, toNcrontab } from './cron/index.ts';
export { takeWindowToken } from './rate-window.ts';
export type { RateDecision, RateWindow } from './rate-window.ts';
