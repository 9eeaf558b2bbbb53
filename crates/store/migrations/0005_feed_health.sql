-- factwire store: feed health for `factwire stats`.
-- Numbered 0005 (0003 and 0004 are taken by other changes landing alongside); the
-- step's position in MIGRATIONS, not its number, is the schema version.
--
-- `last_success`: when the feed last answered with a feed or 304 (RFC 3339), kept
-- while it fails. `last_error`: the status of its most recent failure
-- (`connect: …`, `parse: …`), kept after it recovers so `stats` can say what went
-- wrong last. Both are maintained by Store::save_feed_state from `consecutive_failures`.

ALTER TABLE feeds ADD COLUMN last_success TEXT;
ALTER TABLE feeds ADD COLUMN last_error TEXT;
UPDATE feeds SET last_success = last_fetched WHERE consecutive_failures = 0;
UPDATE feeds SET last_error = last_status WHERE consecutive_failures > 0;
