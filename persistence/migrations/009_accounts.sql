-- Customer accounts and sessions (issue 13). Accounts are plain rows: an email unique in any
-- letter case, an Argon2id hash (never the password). A session is stored as the digest of its
-- bearer token, so a copy of this table opens no session.
CREATE TABLE customers (
  id             text PRIMARY KEY,
  email          text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
  name           text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
  password_hash  text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX customers_by_email ON customers (lower(email));

CREATE TABLE sessions (
  token_digest   text PRIMARY KEY CHECK (length(token_digest) = 64),
  customer_id    text NOT NULL REFERENCES customers (id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL,
  revoked_at     timestamptz
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- An order placed with a session belongs to its account; a guest's order to whoever holds its
-- access token (a keyed digest of its id, see node_secrets).
ALTER TABLE orders ADD COLUMN customer_id text;
CREATE INDEX orders_by_account ON orders (customer_id, created_at DESC) WHERE customer_id IS NOT NULL;

-- Emails compare case-insensitively: ANN@example.com finds ann@example.com's orders.
DROP INDEX orders_by_customer;
CREATE INDEX orders_by_customer ON orders (lower(customer_email), created_at DESC);

-- Idempotency keys are scoped to their caller ("customer:<id>|<key>", "guest:<email>|<key>",
-- "staff:<digest>|<key>"), so two callers with the same key never meet.
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_key_check;
ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_key_check
  CHECK (length(key) BETWEEN 1 AND 420);

-- Keys the nodes share, made by the first node that needs one (e.g. the key of guests' order
-- access tokens) unless configuration gives it.
CREATE TABLE node_secrets (
  name        text PRIMARY KEY,
  value       text NOT NULL CHECK (length(value) >= 32),
  created_at  timestamptz NOT NULL DEFAULT now()
);
