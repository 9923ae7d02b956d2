import { z } from 'zod';
import { defineFunction, kafka } from '../../shared/core/index.ts';
import { SubtaskResult, TaskSubmitted } from '../_lib/events.ts';
import { topics } from '../_lib/topics.ts';
import { acceptResult } from './advance.ts';
import { startTask } from './start.ts';
import { heartbeat } from '../_ops/heartbeat.ts';

/**
 * The orchestrator: turns a submitted task into a DAG of sub-tasks, dispatches each wave whose
 * dependencies are done, and synthesizes the answer when the last sub-task is done. Its progress is
 * SQL state (agents_tasks, agents_subtasks) changed in the event's exactly-once transaction, so any
 * replica continues any task. Failed attempts are the supervisor's business.
 */
export default defineFunction({
  name: 'orchestrator',
  trigger: kafka({
    topics: [topics.tasks, topics.results],
    schema: z.discriminatedUnion('type', [TaskSubmitted, SubtaskResult]),
  }),
  // Declared so the host creates the topic at start (brokers may not auto-create it).
  emits: [topics.answers],
  retries: 5,
  handler: async (event, ctx) => {
    await heartbeat('orchestrator', ctx);
    if (event.type === 'submitted') return startTask(event.taskId, ctx);
    if (event.ok) return acceptResult(event, ctx);
  },
});
