-- The cluster: membership and shard ownership live here, in the one place every node trusts and
-- that outlives any node. A node's row carries its cluster endpoint and an incarnation that grows
-- with every start; live = heartbeat within the membership TTL (judged by this server's clock).
ALTER TABLE members
  ADD COLUMN cluster_host text NOT NULL DEFAULT '',
  ADD COLUMN cluster_port integer NOT NULL DEFAULT 0 CHECK (cluster_port BETWEEN 0 AND 65535);

-- One row per shard of each keyed kind: who owns it (NULL: nobody), which incarnation of that
-- node, and the epoch, which grows by one with every change of hands. A lease is acquired and
-- renewed by single conditional UPDATEs; expires_at is this server's clock.
--
-- Fencing: every journal append and stock write locks its shard's row FOR KEY SHARE and compares
-- the epoch it was granted (agora_fence below), in the same transaction as the write. The
-- redundant UNIQUE (kind, shard, epoch) makes epoch a key column: a renewal (expires_at only)
-- neither waits for writers nor blocks them, while a change of hands (epoch + 1) waits for the
-- writes in flight under the old epoch and every later write sees the new one.
CREATE TABLE shard_leases (
  kind         text NOT NULL CHECK (kind IN ('orders', 'inventory')),
  shard        integer NOT NULL CHECK (shard >= 0),
  owner        text,
  incarnation  bigint NOT NULL DEFAULT 0,
  epoch        bigint NOT NULL DEFAULT 0 CHECK (epoch >= 0),
  expires_at   timestamptz NOT NULL DEFAULT 'epoch',
  changed_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, shard),
  UNIQUE (kind, shard, epoch)
) WITH (fillfactor = 50);

-- Raises SQLSTATE AGF01 unless shard s of kind k is at epoch e. Called once per (k, s, e) of a
-- group commit, before its rows; the exception rolls the batch back and the writer retries each
-- job alone, so only the stale writer's job fails.
CREATE FUNCTION agora_fence(k text, s integer, e bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  current_epoch bigint;
BEGIN
  SELECT epoch INTO current_epoch FROM shard_leases WHERE kind = k AND shard = s FOR KEY SHARE;
  IF current_epoch IS DISTINCT FROM e THEN
    RAISE EXCEPTION 'fenced: % shard % is at epoch %, the write carries %', k, s, current_epoch, e
      USING ERRCODE = 'AGF01';
  END IF;
END
$$;
