import { chatModelFromEnv, type ChatModel } from '../../shared/agent/llm/index.ts';
import type { Logger } from '../../shared/core/index.ts';

let model: ChatModel | undefined;

/**
 * The process's chat model from HEARTH_LLM_* (the offline deterministic model when none is
 * configured), built once so its circuit breakers see every call.
 * @example const runner = new AgentRunner({ model: sharedModel(ctx.log), ... })
 */
export function sharedModel(log: Logger): ChatModel {
  model ??= chatModelFromEnv(process.env, { log });
  return model;
}
