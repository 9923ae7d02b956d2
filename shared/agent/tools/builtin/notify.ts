import { z } from 'zod';
import { defineTool } from '../define.ts';

/** A notification an agent asks to send. */
export interface Notification {
  topic: string;
  recipient: string;
  subject: string;
  body: string;
}

/**
 * Where notifications go. The host binds it to the Kafka outbox; `idempotencyKey` must make a repeated
 * send with the same key a no-op (e.g. the outbox's event id).
 */
export interface Notifier {
  send(notification: Notification, idempotencyKey: string): Promise<{ id: string }>;
}

/**
 * `notify`: writes a notification to an outbox topic through a {@link Notifier}; side-effecting, so it
 * runs once per idempotency key (a resumed run gets the stored result back).
 * @example registry.register(notifyTool(notifier, { topic: 'agent.notifications' }))
 */
export function notifyTool(
  notifier: Notifier,
  options: { topic?: string; rateLimit?: { limit: number; windowMs: number } } = {},
) {
  const topic = options.topic ?? 'agent.notifications';
  return defineTool({
    name: 'notify',
    description: 'Send a notification to a recipient (email address or user id).',
    input: z.object({
      recipient: z.string().min(1).max(200),
      subject: z.string().min(1).max(200),
      body: z.string().min(1).max(4000),
    }),
    sideEffects: true,
    rateLimit: options.rateLimit,
    async run(args, ctx) {
      if (!ctx.idempotencyKey) throw new Error('notify needs an idempotency key');
      const sent = await notifier.send({ topic, ...args }, ctx.idempotencyKey);
      return { sent: true, id: sent.id };
    },
  });
}
