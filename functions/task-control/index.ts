import { z } from 'zod';
import { defineFunction, kafka } from '../../shared/core/index.ts';
import { cancelTask } from '../_lib/cancel.ts';
import { topics } from '../_lib/topics.ts';

const Control = z.object({
  type: z.literal('cancel'),
  taskId: z.string().min(1).max(100),
  reason: z.string().max(500).optional(),
});

/**
 * Task control events on `<prefix>.control`: `{"type": "cancel", "taskId": "...", "reason"?: "..."}`
 * cancels the task exactly like POST /tasks/:id/cancel (a finished or unknown task is left as it is).
 */
export default defineFunction({
  name: 'task-control',
  trigger: kafka({ topic: topics.control, schema: Control }),
  emits: [topics.answers],
  handler: async (event, ctx) => {
    const outcome = await cancelTask(ctx, event.taskId, event.reason ?? 'cancelled by a control event');
    ctx.log.info('task control event handled', { taskId: event.taskId, ...outcome });
  },
});
