import { z } from 'zod';

/** Topics of the buyers' and sellers' inboxes (each message keyed by the receiving agent's id). */
export const MARKET_TOPICS = {
  buyers: process.env['HEARTH_MARKET_BUYER_TOPIC'] ?? 'market.buyers',
  sellers: process.env['HEARTH_MARKET_SELLER_TOPIC'] ?? 'market.sellers',
};

const Cents = z.number().int().nonnegative();
const Base = { runId: z.string().min(1).max(64), buyerId: z.string().min(1).max(64) };
const Deal = { ...Base, sellerId: z.string().min(1).max(64), itemId: z.string().min(1).max(64), price: Cents };

/** What a buyer receives: the kick-off, a seller's counter-offer, acceptance or rejection. */
export const BuyerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), ...Base }),
  z.object({ type: z.literal('counter'), ...Deal, round: z.number().int().min(1) }),
  z.object({ type: z.literal('accepted'), ...Deal }),
  z.object({ type: z.literal('rejected'), ...Deal, why: z.enum(['sold', 'unknown-item']) }),
]);
export type BuyerMessage = z.output<typeof BuyerMessage>;

/** What a seller receives: a buyer's offer, or a buyer taking the seller's counter-offer. */
export const SellerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('offer'), ...Deal, round: z.number().int().min(1) }),
  z.object({ type: z.literal('take'), ...Deal }),
]);
export type SellerMessage = z.output<typeof SellerMessage>;
