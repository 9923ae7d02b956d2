/**
 * Tells a broker outage (nothing reachable, leaders moving, requests timing out) from a refusal of the
 * records themselves (unknown topic, too large, invalid), in kafkajs' error vocabulary.
 */

const OUTAGE_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSLockTimeout',
  'KafkaJSTimeout',
  'KafkaJSMetadataNotLoaded',
]);

const OUTAGE_TYPES = new Set([
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
  'NOT_LEADER_OR_FOLLOWER',
  'REQUEST_TIMED_OUT',
  'NETWORK_EXCEPTION',
  'NOT_ENOUGH_REPLICAS',
  'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'BROKER_NOT_AVAILABLE',
  'COORDINATOR_NOT_AVAILABLE',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'KAFKA_STORAGE_ERROR',
]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * True when `error` means the broker could not be reached or could not serve the request now.
 * @example isKafkaOutage(Object.assign(new Error('connect'), { name: 'KafkaJSConnectionError' })) // true
 */
export function isKafkaOutage(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 6; depth += 1) {
    const { name, type, code } = current as { name: string; type?: unknown; code?: unknown };
    if (OUTAGE_NAMES.has(name)) return true;
    if (typeof type === 'string' && OUTAGE_TYPES.has(type)) return true;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    current =
      (current as { cause?: unknown; originalError?: unknown }).cause ??
      (current as { originalError?: unknown }).originalError;
  }
  return false;
}
