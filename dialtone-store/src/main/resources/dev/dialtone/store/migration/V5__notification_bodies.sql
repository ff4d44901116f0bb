-- A notification's body moves to a table of its own. Delivery updates a notification's row twice
-- (the claim's lease, then the attempt's outcome), and a body of a few kilobytes in that row was
-- rewritten each time, into the write-ahead log and back: most of what delivering cost the
-- database. The body is written once, with the notification, and only read after that.

CREATE TABLE notification_bodies (
    notification_id TEXT NOT NULL PRIMARY KEY REFERENCES notifications (id),
    body            TEXT NOT NULL
);

INSERT INTO notification_bodies (notification_id, body) SELECT id, body FROM notifications;

ALTER TABLE notifications DROP COLUMN body;
