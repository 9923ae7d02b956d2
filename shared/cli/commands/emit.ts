import { randomUUID } from 'node:crypto';
import { decodeEvent, jsonLogger, type OutgoingMessage } from '../../core/index.ts';
import { kafkaTransportFromEnv } from '../../adapters/kafka/index.ts';
import { loadFunctions } from '../../host/registry.ts';
import { parseArgs, UsageError, type Command } from '../command.ts';

/**
 * `hearth emit <topic> <json> [--key K]`: publishes an event after validating it against the schema of
 * every function that consumes the topic, so a typo fails here rather than in the dead-letter topic.
 */
export const emitCommand: Command = {
  summary: 'emit <topic> <json> [--key K]: validate against consumers, then publish',
  async run(args, env) {
    const { positional, options } = parseArgs(args, { values: ['key', 'id'] });
    const [topic, json] = positional;
    if (!topic || json === undefined) throw new UsageError('usage: hearth emit <topic> <json> [--key K]');
    const body = Buffer.from(json, 'utf8');
    const consumers = (await loadFunctions()).filter(
      (fn) => fn.trigger.kind === 'kafka' && fn.trigger.topics.includes(topic),
    );
    for (const fn of consumers) {
      try {
        decodeEvent(fn.trigger, {
          body,
          key: options.key ?? null,
          headers: {},
          source: { kind: 'kafka', topic, partition: 0, offset: '0' },
          attempt: 1,
        });
      } catch (error) {
        throw new UsageError(`event rejected by ${fn.name}'s schema: ${(error as Error).message}`);
      }
    }
    if (consumers.length === 0) process.stderr.write(`warning: no function in functions/ consumes "${topic}"\n`);
    const id = options.id ?? randomUUID();
    const message: OutgoingMessage = {
      topic,
      key: options.key ?? null,
      value: json,
      headers: {
        ce_specversion: '1.0',
        ce_id: id,
        ce_source: 'hearth/cli',
        ce_type: `hearth.${topic}`,
        ce_time: new Date().toISOString(),
        'content-type': 'application/json',
      },
    };
    const producer = await kafkaTransportFromEnv(env, { log: jsonLogger({ level: 'warn' }) }).producer();
    try {
      await producer.send([message]);
    } finally {
      await producer.disconnect();
    }
    process.stdout.write(
      `${JSON.stringify({ published: true, topic, id, consumers: consumers.map((f) => f.name) })}\n`,
    );
    return 0;
  },
};
