-- Cluster membership: one row per node that ever started against this database. A node upserts
-- its row at start, refreshes heartbeat_at on every health probe and marks itself 'left' on a
-- clean shutdown. incarnation grows with every start, so a restarted node is told apart from its
-- previous life (shard leases will carry it as their fencing epoch).
CREATE TABLE members (
  id            text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 128),
  http_address  text NOT NULL,
  roles         text[] NOT NULL,
  status        text NOT NULL CHECK (status IN ('up', 'left')),
  incarnation   bigint NOT NULL DEFAULT 1 CHECK (incarnation > 0),
  joined_at     timestamptz NOT NULL DEFAULT now(),
  heartbeat_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX members_status_heartbeat ON members (status, heartbeat_at);
