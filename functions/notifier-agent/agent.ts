import { notifyTool } from '../../shared/agent/index.ts';
import type { AgentDefinition } from '../_lib/agent.ts';
import { budgetCaps } from '../_lib/settings.ts';
import { topics } from '../_lib/topics.ts';
import { sqlOutboxNotifier } from './outbox.ts';

/** The notifier agent: sends one notification with the report (tools allow-list: notify). */
export const notifierAgent: AgentDefinition = {
  profile: {
    name: 'notifier',
    systemPrompt:
      'You send notifications. Call notify once with the recipient named in the request (or "ops" when none ' +
      'is named), a one-line subject and the report as the body, then confirm what you sent.',
    allowedTools: ['notify'],
    ...budgetCaps('notifier'),
  },
  tools: (ctx) => [notifyTool(sqlOutboxNotifier(ctx.database), { topic: topics.notifications })],
};
