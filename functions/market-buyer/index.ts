import { defineFunction, kafka } from '../../shared/core/index.ts';
import { heartbeat } from '../_ops/heartbeat.ts';
import { handleBuyer } from '../_ops/market/buyer.ts';
import { BuyerMessage, MARKET_TOPICS } from '../_ops/market/messages.ts';

/**
 * Market simulation buyer (no LLM): a keyed, stateful agent (key = buyer id) that negotiates items from
 * sellers through offer/counter/take messages, within its budget. See functions/_ops/market.
 */
export default defineFunction({
  name: 'market-buyer',
  trigger: kafka({ topic: MARKET_TOPICS.buyers, schema: BuyerMessage }),
  keyConcurrency: 32,
  handler: async (message, ctx) => {
    await heartbeat('market-buyer', ctx);
    return handleBuyer(message, ctx);
  },
});
