import { defineFunction, kafka } from '../../shared/core/index.ts';
import { heartbeat } from '../_ops/heartbeat.ts';
import { MARKET_TOPICS, SellerMessage } from '../_ops/market/messages.ts';
import { handleSeller } from '../_ops/market/seller.ts';

/**
 * Market simulation seller (no LLM): a keyed, stateful agent (key = seller id) that answers offers for
 * its items with counters, accepts or rejections, never selling an item twice. See functions/_ops/market.
 */
export default defineFunction({
  name: 'market-seller',
  trigger: kafka({ topic: MARKET_TOPICS.sellers, schema: SellerMessage }),
  keyConcurrency: 32,
  handler: async (message, ctx) => {
    await heartbeat('market-seller', ctx);
    return handleSeller(message, ctx);
  },
});
