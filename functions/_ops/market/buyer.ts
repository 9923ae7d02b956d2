import type { HandlerContext } from '../../../shared/core/index.ts';
import { MARKET_TOPICS, type BuyerMessage, type SellerMessage } from './messages.ts';
import { ids, marketParams, unitRandom, type MarketParams } from './params.ts';

type BuyerRow = {
  budget: string;
  spent: string;
  wanted: number;
  bought: number;
  max_price: string;
  state: string;
  negotiations: number;
  open_seller: string | null;
  open_item: string | null;
  open_price: string | null;
  round: number;
};

type Ctx = Pick<HandlerContext, 'sql' | 'emit'>;

/**
 * One buyer event, applied to the buyer's row exactly once (the row, the purchase and the next message
 * commit together). A buyer has at most one open negotiation and only offers what it can still pay, so
 * a deal can never overdraw its budget.
 * @example await handleBuyer(message, ctx)
 */
export async function handleBuyer(msg: BuyerMessage, ctx: Ctx): Promise<string> {
  const params = await marketParams(ctx.sql, msg.runId);
  const { rows } = await ctx.sql.query<BuyerRow>(
    `UPDATE market_buyers SET events = events + 1, last_event_at = now() WHERE run_id = $1 AND buyer_id = $2
     RETURNING budget, spent, wanted, bought, max_price, state, negotiations, open_seller, open_item, open_price, round`,
    [msg.runId, msg.buyerId],
  );
  const b = rows[0];
  if (!b) throw new Error(`buyer "${msg.buyerId}" of run "${msg.runId}" does not exist`);
  if (msg.type === 'start') return b.state === 'idle' ? openNegotiation(msg, b, params, ctx) : 'ignored';
  // Messages about anything but the open negotiation are stale (cannot happen with one open at a time).
  if (b.state !== 'negotiating' || b.open_item !== msg.itemId || b.open_seller !== msg.sellerId) return 'stale';
  const available = Number(b.budget) - Number(b.spent);
  switch (msg.type) {
    case 'accepted': {
      await ctx.sql.query(
        'INSERT INTO market_purchases (run_id, item_id, buyer_id, seller_id, price) VALUES ($1, $2, $3, $4, $5)',
        [msg.runId, msg.itemId, msg.buyerId, msg.sellerId, msg.price],
      );
      await ctx.sql.query(
        'UPDATE market_buyers SET spent = spent + $3, bought = bought + 1 WHERE run_id = $1 AND buyer_id = $2',
        [msg.runId, msg.buyerId, msg.price],
      );
      const after = { ...b, spent: String(Number(b.spent) + msg.price), bought: b.bought + 1 };
      return openNegotiation(msg, after, params, ctx);
    }
    case 'rejected':
      return openNegotiation(msg, b, params, ctx);
    case 'counter': {
      const cap = Math.min(Number(b.max_price), available);
      if (msg.price <= cap) {
        await setOpen(ctx, msg, { seller: msg.sellerId, item: msg.itemId, price: msg.price, round: b.round });
        send(ctx, {
          type: 'take',
          runId: msg.runId,
          buyerId: msg.buyerId,
          sellerId: msg.sellerId,
          itemId: msg.itemId,
          price: msg.price,
        });
        return 'take';
      }
      if (b.round >= params.maxRounds) return openNegotiation(msg, b, params, ctx);
      const current = Number(b.open_price);
      const price = Math.min(cap, current + Math.ceil((msg.price - current) / 2));
      const round = b.round + 1;
      await setOpen(ctx, msg, { seller: msg.sellerId, item: msg.itemId, price, round });
      send(ctx, {
        type: 'offer',
        runId: msg.runId,
        buyerId: msg.buyerId,
        sellerId: msg.sellerId,
        itemId: msg.itemId,
        price,
        round,
      });
      return 'raise';
    }
  }
}

/** Starts the next negotiation with a (deterministically) random seller, or ends the buyer. */
async function openNegotiation(msg: BuyerMessage, b: BuyerRow, params: MarketParams, ctx: Ctx): Promise<string> {
  const available = Number(b.budget) - Number(b.spent);
  const cap = Math.min(Number(b.max_price), available);
  let end: string | undefined;
  if (b.bought >= b.wanted) end = 'done';
  else if (b.negotiations >= params.maxNegotiations || cap <= 0) end = 'gave-up';
  if (end) {
    await ctx.sql.query(
      `UPDATE market_buyers SET state = $3, open_seller = NULL, open_item = NULL, open_price = NULL, round = 0
       WHERE run_id = $1 AND buyer_id = $2`,
      [msg.runId, msg.buyerId, end],
    );
    return end;
  }
  const n = b.negotiations + 1;
  const seller = Math.floor(unitRandom(msg.runId, msg.buyerId, n, 'seller') * params.sellers);
  const item = Math.floor(unitRandom(msg.runId, msg.buyerId, n, 'item') * params.itemsPerSeller);
  const price = Math.max(1, Math.floor(cap * params.openFactor));
  const open = { seller: ids.seller(seller), item: ids.item(seller, item), price, round: 1 };
  await ctx.sql.query(
    `UPDATE market_buyers SET state = 'negotiating', negotiations = $3, open_seller = $4, open_item = $5, open_price = $6, round = 1
     WHERE run_id = $1 AND buyer_id = $2`,
    [msg.runId, msg.buyerId, n, open.seller, open.item, open.price],
  );
  send(ctx, {
    type: 'offer',
    runId: msg.runId,
    buyerId: msg.buyerId,
    sellerId: open.seller,
    itemId: open.item,
    price,
    round: 1,
  });
  return 'offer';
}

async function setOpen(
  ctx: Ctx,
  msg: BuyerMessage,
  open: { seller: string; item: string; price: number; round: number },
): Promise<void> {
  await ctx.sql.query(
    'UPDATE market_buyers SET open_seller = $3, open_item = $4, open_price = $5, round = $6 WHERE run_id = $1 AND buyer_id = $2',
    [msg.runId, msg.buyerId, open.seller, open.item, open.price, open.round],
  );
}

function send(ctx: Ctx, message: SellerMessage): void {
  ctx.emit(MARKET_TOPICS.sellers, message, { key: message.sellerId });
}
