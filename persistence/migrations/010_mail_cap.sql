-- A per-recipient mail cap (issue 13): what is over it is SUPPRESSED, never sent. The claim counts
-- a recipient's mails attempted in the last hour through this index.
ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_status_check
  CHECK (status IN ('QUEUED', 'SENT', 'FAILED', 'SUPPRESSED'));
CREATE INDEX notifications_by_recipient ON notifications (lower(recipient), last_attempt_at)
  WHERE last_attempt_at IS NOT NULL;
