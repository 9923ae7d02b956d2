-- The market simulation (functions/market-buyer, functions/market-seller, `hearth market`): keyed,
-- stateful buyer and seller agents negotiating prices. All prices are integer cents. Every table is
-- keyed by run_id so runs never mix.

CREATE TABLE IF NOT EXISTS market_runs (
  run_id      TEXT PRIMARY KEY,
  params      JSONB NOT NULL,
  started_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- A buyer: budget, how many items it wants, its price cap per item, and its one open negotiation.
CREATE TABLE IF NOT EXISTS market_buyers (
  run_id        TEXT NOT NULL,
  buyer_id      TEXT NOT NULL,
  budget        BIGINT NOT NULL,
  spent         BIGINT NOT NULL DEFAULT 0,
  wanted        INT NOT NULL,
  bought        INT NOT NULL DEFAULT 0,
  max_price     BIGINT NOT NULL,
  -- idle (not started) | negotiating | done (bought what it wanted) | gave-up
  state         TEXT NOT NULL DEFAULT 'idle',
  negotiations  INT NOT NULL DEFAULT 0,
  open_seller   TEXT,
  open_item     TEXT,
  open_price    BIGINT,
  round         INT NOT NULL DEFAULT 0,
  events        INT NOT NULL DEFAULT 0,
  last_event_at TIMESTAMPTZ,
  PRIMARY KEY (run_id, buyer_id)
);

CREATE TABLE IF NOT EXISTS market_sellers (
  run_id        TEXT NOT NULL,
  seller_id     TEXT NOT NULL,
  sold          INT NOT NULL DEFAULT 0,
  revenue       BIGINT NOT NULL DEFAULT 0,
  events        INT NOT NULL DEFAULT 0,
  last_event_at TIMESTAMPTZ,
  PRIMARY KEY (run_id, seller_id)
);

-- A seller's item; sold_to/sold_price are the seller's side of a deal.
CREATE TABLE IF NOT EXISTS market_items (
  run_id      TEXT NOT NULL,
  item_id     TEXT NOT NULL,
  seller_id   TEXT NOT NULL,
  reserve     BIGINT NOT NULL,
  ask         BIGINT NOT NULL,
  sold_to     TEXT,
  sold_price  BIGINT,
  PRIMARY KEY (run_id, item_id)
);

-- The buyer's side of a deal, written by the buyer when it learns the seller accepted.
CREATE TABLE IF NOT EXISTS market_purchases (
  run_id     TEXT NOT NULL,
  item_id    TEXT NOT NULL,
  buyer_id   TEXT NOT NULL,
  seller_id  TEXT NOT NULL,
  price      BIGINT NOT NULL,
  PRIMARY KEY (run_id, item_id, buyer_id)
);
