-- Carrier moves without index writes (issue 3, throughput). A shipment's moves were a row in
-- shipment_events each plus an update of the shipment that touched all four of its indexes
-- (status and updated_at were indexed for the carrier's scan). The timeline now lives in the
-- shipment row itself, and the carrier finds open shipments through an index on the immutable
-- created_at whose predicate only changes when the shipment ends (delivered or cancelled). So
-- the first two moves are heap-only (HOT) updates and no move inserts a row.
ALTER TABLE shipments
  ADD COLUMN in_transit_at        timestamptz,
  ADD COLUMN out_for_delivery_at  timestamptz,
  ADD COLUMN ended_at             timestamptz;

UPDATE shipments s SET
  in_transit_at = (SELECT e.at FROM shipment_events e
                   WHERE e.shipment_id = s.id AND e.status = 'IN_TRANSIT'),
  out_for_delivery_at = (SELECT e.at FROM shipment_events e
                         WHERE e.shipment_id = s.id AND e.status = 'OUT_FOR_DELIVERY'),
  ended_at = CASE WHEN s.status IN ('DELIVERED', 'CANCELLED') THEN
               coalesce((SELECT e.at FROM shipment_events e
                         WHERE e.shipment_id = s.id AND e.status = s.status), s.updated_at)
             END;

ALTER TABLE shipments ADD CONSTRAINT shipments_ended_when_terminal
  CHECK ((ended_at IS NOT NULL) = (status IN ('DELIVERED', 'CANCELLED')));

DROP INDEX shipments_moving;
CREATE INDEX shipments_open ON shipments (created_at) WHERE ended_at IS NULL;
DROP TABLE shipment_events;
