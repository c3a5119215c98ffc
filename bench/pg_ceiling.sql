-- One pgbench transaction script = the rows of as many whole sagas as there are template orders
-- (bench/pg_ceiling.sh makes them from real, delivered orders), written with the cheapest SQL
-- there is (set-based INSERT ... SELECT and UPDATE ... FROM, nothing to parse but this script)
-- in the seven commits a saga's steps take in agora: accepted; stock reserved; paid; shipment
-- created; picked up; out for delivery; delivered with the stock committed. The same tables,
-- rows, indexes, constraints, ON CONFLICT clauses, mails and carrier moves as agora's, with no
-- agora process at all. Each client has its own products (ids offset by 1,000 x client id), as an
-- inventory shard's single writer would, so the two clients never wait on each other's locks.
-- ceiling_journal and ceiling_mail (bench/pg_ceiling.sh) copy the templates' events of the given
-- types and mails of the given type.
SELECT nextval('ceiling_runs') AS r \gset
\set off 1000 * :client_id

BEGIN;
INSERT INTO orders (id, status, reason, customer_email, items, total_cents, currency,
                    shipping_address, payment_id, shipment_id, version, settled, created_at,
                    updated_at)
  SELECT id || '-' || :r, 'PENDING', NULL, customer_email, items, total_cents, currency,
         shipping_address, NULL, NULL, 1, false, now(), now() FROM ceiling_orders
  ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status WHERE orders.version < EXCLUDED.version;
SELECT ceiling_journal(:r, '{ORDER_CREATED}');
SELECT ceiling_mail(:r, 'ORDER_CREATED');
COMMIT;

BEGIN;
INSERT INTO holds (order_id, shard, status)
  SELECT order_id || '-' || :r, shard, 'HELD' FROM ceiling_holds;
INSERT INTO reservations (order_id, product_id, shard, quantity)
  SELECT order_id || '-' || :r, product_id + :off, shard, quantity FROM ceiling_reservations;
UPDATE stock s SET reserved = s.reserved + v.q, updated_at = now()
  FROM (SELECT product_id + :off AS p, sum(quantity) AS q FROM ceiling_reservations GROUP BY 1) v
  WHERE s.product_id = v.p;
SELECT ceiling_journal(:r, '{STOCK_RESERVED}');
UPDATE orders o SET status = 'RESERVED', version = 2, updated_at = now()
  FROM ceiling_orders c WHERE o.id = c.id || '-' || :r AND o.version < 2;
COMMIT;

BEGIN;
INSERT INTO payments (id, order_id, status, amount_cents, currency, card_last4, decline_reason)
  SELECT id || '-' || :r, order_id || '-' || :r, 'CAPTURED', amount_cents, currency, card_last4,
         NULL FROM ceiling_payments;
SELECT ceiling_journal(:r, '{PAYMENT_CAPTURED}');
UPDATE orders o SET status = 'PAID', payment_id = c.payment_id || '-' || :r, version = 3,
                    updated_at = now()
  FROM ceiling_orders c WHERE o.id = c.id || '-' || :r AND o.version < 3;
SELECT ceiling_mail(:r, 'PAYMENT_STATUS_CHANGED');
COMMIT;

BEGIN;
INSERT INTO shipments (id, order_id, status, tracking_number, carrier)
  SELECT id || '-' || :r, order_id || '-' || :r, 'LABEL_CREATED', tracking_number || '-' || :r,
         carrier FROM ceiling_shipments;
SELECT ceiling_journal(:r, '{SHIPMENT_CREATED}');
UPDATE orders o SET shipment_id = c.shipment_id || '-' || :r, version = 4, updated_at = now()
  FROM ceiling_orders c WHERE o.id = c.id || '-' || :r AND o.version < 4;
COMMIT;

BEGIN;
UPDATE shipments SET status = 'IN_TRANSIT', in_transit_at = now(), updated_at = now()
  WHERE id = ANY (ARRAY(SELECT id || '-' || :r FROM ceiling_shipments));
SELECT ceiling_journal(:r, '{ORDER_SHIPPED}');
UPDATE orders o SET status = 'SHIPPED', version = 5, updated_at = now()
  FROM ceiling_orders c WHERE o.id = c.id || '-' || :r AND o.version < 5;
COMMIT;

BEGIN;
UPDATE shipments SET status = 'OUT_FOR_DELIVERY', out_for_delivery_at = now(), updated_at = now()
  WHERE id = ANY (ARRAY(SELECT id || '-' || :r FROM ceiling_shipments));
COMMIT;

BEGIN;
UPDATE shipments SET status = 'DELIVERED', ended_at = now(), updated_at = now()
  WHERE id = ANY (ARRAY(SELECT id || '-' || :r FROM ceiling_shipments));
WITH h AS (UPDATE holds SET status = 'COMMITTED', updated_at = now()
           WHERE (order_id, shard) IN (SELECT order_id || '-' || :r, shard FROM ceiling_holds)
             AND status = 'HELD' RETURNING order_id, shard)
UPDATE stock s SET on_hand = s.on_hand - v.q, reserved = s.reserved - v.q, updated_at = now()
  FROM (SELECT r.product_id AS p, sum(r.quantity) AS q FROM reservations r
        JOIN h ON r.order_id = h.order_id AND r.shard = h.shard GROUP BY r.product_id) v
  WHERE s.product_id = v.p;
SELECT ceiling_journal(:r, '{STOCK_COMMITTED,ORDER_DELIVERED}');
UPDATE orders o SET status = 'DELIVERED', settled = true, version = 7, updated_at = now()
  FROM ceiling_orders c WHERE o.id = c.id || '-' || :r AND o.version < 7;
SELECT ceiling_mail(:r, 'SHIPMENT_DELIVERED');
COMMIT;
