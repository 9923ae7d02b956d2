/** Kafka's rule for topic names: letters, digits, ".", "_" and "-", at most 249 characters. */
export const TOPIC_PATTERN = /^[A-Za-z0-9._-]{1,249}$/;

/**
 * True when `topic` is a valid Kafka topic name.
 * @example isTopicName('agents.tasks') // true; isTopicName('bad topic!') // false
 */
export function isTopicName(topic: string): boolean {
  return typeof topic === 'string' && TOPIC_PATTERN.test(topic);
}
