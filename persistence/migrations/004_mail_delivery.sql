-- Mail delivery over SMTP (issue 4). Each outbox row carries the HTML part rendered from the same
-- template as body_text. A claim by a notification node pushes next_attempt_at forward by a lease
-- and counts the attempt, so a node that dies mid-send gives the row back when the lease ends, and
-- a late answer from a claimer whose lease ran out is fenced off by the attempt number.
ALTER TABLE notifications ADD COLUMN body_html text;
ALTER TABLE notifications ADD COLUMN last_attempt_at timestamptz;
