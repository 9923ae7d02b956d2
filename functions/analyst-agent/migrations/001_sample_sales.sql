-- The sample data set the analyst agent reads (filled by `hearth seed`). The agent only ever sees the
-- views, through read-only tools.
CREATE TABLE IF NOT EXISTS sample_products (
  id        TEXT PRIMARY KEY,
  name      TEXT NOT NULL,
  category  TEXT NOT NULL,
  price     NUMERIC(10, 2) NOT NULL
);

CREATE TABLE IF NOT EXISTS sample_sales (
  month       DATE NOT NULL,
  region      TEXT NOT NULL,
  product_id  TEXT NOT NULL REFERENCES sample_products (id),
  units       INT NOT NULL,
  revenue     NUMERIC(12, 2) NOT NULL,
  PRIMARY KEY (month, region, product_id)
);

CREATE OR REPLACE VIEW sales_v AS
  SELECT s.month, s.region, p.name AS product, p.category, s.units, s.revenue
  FROM sample_sales s JOIN sample_products p ON p.id = s.product_id;

CREATE OR REPLACE VIEW products_v AS SELECT id, name, category, price FROM sample_products;
