import type { HandlerContext } from '../../../shared/core/index.ts';
import { MARKET_TOPICS, type BuyerMessage, type SellerMessage } from './messages.ts';
import { marketParams } from './params.ts';

type Ctx = Pick<HandlerContext, 'sql' | 'emit'>;

/**
 * One seller event, applied exactly once. An item is sold by a conditional update (still unsold) in the
 * same transaction as the `accepted` message, so per-key order plus exactly-once make a double sale
 * impossible; a late offer or take for a sold item is rejected.
 * @example await handleSeller(message, ctx)
 */
export async function handleSeller(msg: SellerMessage, ctx: Ctx): Promise<string> {
  const params = await marketParams(ctx.sql, msg.runId);
  await ctx.sql.query(
    'UPDATE market_sellers SET events = events + 1, last_event_at = now() WHERE run_id = $1 AND seller_id = $2',
    [msg.runId, msg.sellerId],
  );
  const { rows } = await ctx.sql.query<{ reserve: string; ask: string; sold_to: string | null }>(
    'SELECT reserve, ask, sold_to FROM market_items WHERE run_id = $1 AND item_id = $2 AND seller_id = $3',
    [msg.runId, msg.itemId, msg.sellerId],
  );
  const item = rows[0];
  const reply = { runId: msg.runId, buyerId: msg.buyerId, sellerId: msg.sellerId, itemId: msg.itemId };
  if (!item) return answer(ctx, { type: 'rejected', ...reply, price: msg.price, why: 'unknown-item' });
  if (item.sold_to !== null) return answer(ctx, { type: 'rejected', ...reply, price: msg.price, why: 'sold' });
  const reserve = Number(item.reserve);
  const ask = Number(item.ask);
  // A take is the buyer accepting this seller's own counter (never below reserve); an offer sells when it
  // meets the ask, or meets the reserve in the last round.
  const sells =
    msg.type === 'take'
      ? msg.price >= reserve
      : msg.price >= ask || (msg.round >= params.maxRounds && msg.price >= reserve);
  if (sells) {
    const sold = await ctx.sql.query(
      `UPDATE market_items SET sold_to = $3, sold_price = $4 WHERE run_id = $1 AND item_id = $2 AND sold_to IS NULL`,
      [msg.runId, msg.itemId, msg.buyerId, msg.price],
    );
    if (sold.rowCount !== 1) return answer(ctx, { type: 'rejected', ...reply, price: msg.price, why: 'sold' });
    await ctx.sql.query(
      'UPDATE market_sellers SET sold = sold + 1, revenue = revenue + $3 WHERE run_id = $1 AND seller_id = $2',
      [msg.runId, msg.sellerId, msg.price],
    );
    return answer(ctx, { type: 'accepted', ...reply, price: msg.price });
  }
  if (msg.type === 'take') return answer(ctx, { type: 'rejected', ...reply, price: msg.price, why: 'sold' });
  // Counter halfway between the ask and the offer, never below the reserve.
  const counter = Math.max(reserve, Math.ceil((ask + msg.price) / 2));
  return answer(ctx, { type: 'counter', ...reply, price: counter, round: msg.round });
}

function answer(ctx: Ctx, message: BuyerMessage): string {
  ctx.emit(MARKET_TOPICS.buyers, message, { key: message.buyerId });
  return message.type;
}
