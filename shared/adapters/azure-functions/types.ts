import type { GenericFunctionOptions, HttpFunctionOptions, TimerFunctionOptions } from '@azure/functions';
import type { InvokeDeps, OutgoingMessage } from '../../core/index.ts';

/**
 * The part of the `@azure/functions` `app` object the adapter registers with; the real `app` fits, and
 * tests may pass it (the library then only warns that it runs outside the Functions host).
 */
export interface FunctionsApp {
  generic(name: string, options: GenericFunctionOptions): void;
  timer(name: string, options: TimerFunctionOptions): void;
  http(name: string, options: HttpFunctionOptions): void;
}

/** One function as registered: which `app` method, under which name, with exactly these options. */
export type Registration =
  | { kind: 'kafka'; name: string; options: GenericFunctionOptions }
  | { kind: 'timer'; name: string; options: TimerFunctionOptions }
  | { kind: 'http'; name: string; options: HttpFunctionOptions };

/** What registration needs beside the functions. */
export interface AzureFunctionsOptions {
  app: FunctionsApp;
  /** The core's dependencies, or a lazy factory (connect on the first invocation, not at indexing). */
  deps: InvokeDeps | (() => Promise<InvokeDeps>);
  /** Publishes a dead letter (a Kafka producer); a rejection makes the invocation fail and retry. */
  deadLetter: (message: OutgoingMessage) => Promise<void>;
  /** The app setting naming the brokers, used as `%...%` in the trigger. Default KAFKA_BROKERS. */
  brokerListSetting?: string;
  /**
   * The time zone the Functions host evaluates timers in (its WEBSITE_TIME_ZONE). Default UTC. A cron
   * function in another zone fails registration, naming the function.
   */
  timeZone?: string;
  /** Clock, for tests. */
  now?: () => Date;
}
