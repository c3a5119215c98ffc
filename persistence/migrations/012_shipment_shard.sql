-- The carrier is partitioned by the order's shard: each orders node moves the shipments of the
-- orders it owns, so the news of a move stays on that node and no two carriers touch the same
-- rows. The shard is the order id's (domain::shard_of over the cluster's --order-shards), written
-- with the shipment; rows from before have none and are moved by whichever carrier finds them.
ALTER TABLE shipments ADD COLUMN order_shard integer CHECK (order_shard >= 0);
