import type { AnyFunction } from '../../core/index.ts';
import { lazyDeps } from './deps.ts';
import { functionsRoute, httpHandler } from './http-trigger.ts';
import { kafkaHandler } from './kafka-trigger.ts';
import { timerSchedule } from './schedule.ts';
import { timerHandler } from './timer-trigger.ts';
import type { AzureFunctionsOptions, Registration } from './types.ts';

/**
 * Registers every function with the Azure Functions v4 app: kafka functions as a generic
 * `kafkaTrigger` (one record per invocation, consumer group `hearth.<name>`, brokers from the app
 * setting KAFKA_BROKERS; a function on several topics gets one trigger per topic, `<name>-2`, ...), cron functions as timers (6-field NCRONTAB), HTTP functions as HTTP triggers
 * at their path. All schedules are checked before anything is registered, so a bad one fails the
 * whole app at start, naming the function. Returns what it registered (the library does not expose
 * its registrations), so tests can call the handlers with a real InvocationContext.
 * @example registerAzureFunctions(functions, { app, deps: () => rt().then((r) => r.deps()), deadLetter })
 */
export function registerAzureFunctions(
  functions: readonly AnyFunction[],
  options: AzureFunctionsOptions,
): Registration[] {
  const depsOf = lazyDeps(options.deps);
  const now = options.now ?? (() => new Date());
  const brokers = `%${options.brokerListSetting ?? 'KAFKA_BROKERS'}%`;
  const timeZone = options.timeZone ?? 'UTC';
  const registrations = functions.flatMap((fn): Registration[] => {
    const trigger = fn.trigger;
    switch (trigger.kind) {
      case 'kafka':
        // A kafkaTrigger takes one topic: one Functions function per topic, all in the same consumer group.
        return trigger.topics.map((topic, i) => ({
          kind: 'kafka',
          name: i === 0 ? fn.name : `${fn.name}-${i + 1}`,
          options: {
            trigger: {
              type: 'kafkaTrigger',
              name: 'event',
              direction: 'in',
              topic,
              brokerList: brokers,
              consumerGroup: `hearth.${fn.name}`,
              cardinality: 'one',
              dataType: 'string',
            },
            // Reached only when the dead letter could not be published: keep the record, do not commit.
            retry: {
              strategy: 'exponentialBackoff',
              maxRetryCount: -1,
              minimumInterval: 1_000,
              maximumInterval: 300_000,
            },
            handler: kafkaHandler(fn, depsOf, options.deadLetter),
          },
        }));
      case 'cron':
        return [
          {
            kind: 'timer',
            name: fn.name,
            options: {
              schedule: timerSchedule(fn, timeZone),
              handler: timerHandler(fn, depsOf, options.deadLetter, now),
            },
          },
        ];
      case 'http':
        return [
          {
            kind: 'http',
            name: fn.name,
            options: {
              methods: [trigger.method],
              route: functionsRoute(trigger.path),
              authLevel: 'anonymous',
              handler: httpHandler(fn, depsOf),
            },
          },
        ];
    }
  });
  for (const r of registrations) {
    if (r.kind === 'kafka') options.app.generic(r.name, r.options);
    else if (r.kind === 'timer') options.app.timer(r.name, r.options);
    else options.app.http(r.name, r.options);
  }
  return registrations;
}
