import type { AnyFunction } from '../../shared/core/index.ts';
import { pingSchedule } from './cron.ts';
import { isoDuration } from './duration.ts';
import { labelsFor } from './labels.ts';
import type { KnativeSettings } from './settings.ts';
import type { K8sObject } from './types.ts';

/**
 * KafkaSource owns its consumer group; `knative.hearth.<name>` keeps it apart from the local host's group
 * (`<name>`), so both can run side by side during a migration. Event ids stay topic/partition/offset on
 * both, so a record processed by one is a ledger duplicate for the other.
 * @example consumerGroupOf('order-ledger') // "knative.hearth.order-ledger"
 */
export function consumerGroupOf(fnName: string): string {
  return `knative.hearth.${fnName}`;
}

/**
 * The KafkaSink name for a dead-letter topic: a DNS label derived from the topic.
 * @example sinkNameOf('order-ledger.dlq') // "order-ledger-dlq"
 */
export function sinkNameOf(topic: string): string {
  const label = topic.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  if (!label) throw new TypeError(`dead-letter topic "${topic}" yields no valid KafkaSink name`);
  return label;
}

const serviceRef = (name: string): Record<string, string> => ({ apiVersion: 'serving.knative.dev/v1', kind: 'Service', name });

/**
 * The KafkaSource of a kafka function. Knative retries `fn.retry.attempts - 1` times with exponential
 * backoff from `fn.retry.initialDelayMs` (Knative has no max delay, so fn.retry.maxDelayMs does not
 * apply), then sends the event to the KafkaSink of the function's dead-letter topic.
 * @example buildKafkaSource(fn, settings).spec.topics // ["orders"]
 */
export function buildKafkaSource(fn: AnyFunction, settings: KnativeSettings): K8sObject {
  if (fn.trigger.kind !== 'kafka') throw new TypeError(`buildKafkaSource(): function "${fn.name}" has a ${fn.trigger.kind} trigger, not kafka`);
  return {
    apiVersion: 'sources.knative.dev/v1beta1',
    kind: 'KafkaSource',
    metadata: { name: fn.name, namespace: settings.namespace, labels: labelsFor(fn.name) },
    spec: {
      bootstrapServers: [...settings.kafkaBootstrapServers],
      topics: [...fn.trigger.topics],
      consumerGroup: consumerGroupOf(fn.name),
      initialOffset: 'earliest',
      delivery: {
        retry: fn.retry.attempts - 1,
        backoffPolicy: 'exponential',
        backoffDelay: isoDuration(fn.retry.initialDelayMs),
        deadLetterSink: { ref: { apiVersion: 'eventing.knative.dev/v1alpha1', kind: 'KafkaSink', name: sinkNameOf(fn.deadLetterTopic) } },
      },
      sink: { ref: serviceRef(fn.name) },
    },
  };
}

/**
 * The KafkaSink writing dead letters to `topic`. Binary content mode keeps the original payload as the
 * record value and the CloudEvent attributes (with Knative's knativeerrorcode/knativeerrordata) as
 * ce_ headers.
 * @example buildKafkaSink('orders.dlq', settings).spec.topic // "orders.dlq"
 */
export function buildKafkaSink(topic: string, settings: KnativeSettings): K8sObject {
  return {
    apiVersion: 'eventing.knative.dev/v1alpha1',
    kind: 'KafkaSink',
    metadata: { name: sinkNameOf(topic), namespace: settings.namespace, labels: labelsFor() },
    spec: { topic, bootstrapServers: [...settings.kafkaBootstrapServers], contentMode: 'binary' },
  };
}

/**
 * The PingSource of a cron function: its schedule and time zone, JSON data naming the function (the
 * receiver checks it). PingSource has no delivery spec: a tick is retried briefly by the ping adapter
 * and never caught up after downtime (catchUp is not expressible here).
 * @example buildPingSource(fn, settings).spec.schedule // "0 3 * * *"
 */
export function buildPingSource(fn: AnyFunction, settings: KnativeSettings): K8sObject {
  if (fn.trigger.kind !== 'cron') throw new TypeError(`buildPingSource(): function "${fn.name}" has a ${fn.trigger.kind} trigger, not cron`);
  return {
    apiVersion: 'sources.knative.dev/v1',
    kind: 'PingSource',
    metadata: { name: fn.name, namespace: settings.namespace, labels: labelsFor(fn.name) },
    spec: {
      schedule: pingSchedule(fn),
      timezone: fn.trigger.timezone,
      contentType: 'application/json',
      data: JSON.stringify({ function: fn.name }),
      sink: { ref: serviceRef(fn.name) },
    },
  };
}
