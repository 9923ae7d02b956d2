-- Dead letters keep any byte sequence: the body as bytes, the headers as JSON text (jsonb refuses
-- \u0000 and lone surrogates). `body` and `headers` stay for rows filed before, and are filled when
-- the value is representable there (UTF-8 text without NUL; headers jsonb can hold).
ALTER TABLE hearth_dead_letters ADD COLUMN IF NOT EXISTS body_bytes BYTEA;
ALTER TABLE hearth_dead_letters ADD COLUMN IF NOT EXISTS headers_json TEXT;
ALTER TABLE hearth_dead_letters ALTER COLUMN body DROP NOT NULL;
ALTER TABLE hearth_dead_letters ALTER COLUMN headers DROP NOT NULL;
