-- factwire store, schema version 3: a feed's entries as durable work.
-- The links a feed lists are queued here in the same transaction that saves the feed's
-- validators (ETag/Last-Modified), so a run that stops before it has fetched them (kill,
-- Ctrl-C, a full disk) leaves them queued: the next run works the queue first, and a
-- `304 Not Modified` for the feed never hides unfinished work. A link leaves the queue
-- in the transaction that stores its article, or once its outcome is final (already
-- stored and unchanged, refused by policy, or failed too often; see the store's docs).

CREATE TABLE pending_links (
    key        TEXT PRIMARY KEY,    -- normalised URL (the article's identity)
    url        TEXT NOT NULL,       -- the link as the feed gave it
    feed_url   TEXT NOT NULL,       -- the configured feed that listed it (feeds.url)
    title      TEXT,                -- the feed entry's title (fallback for the page's)
    published  TEXT,                -- the feed entry's date, RFC 3339
    trusted    INTEGER NOT NULL,    -- 1 when on the feed's own host
    queued_at  TEXT NOT NULL,       -- RFC 3339, when first queued
    seq        INTEGER NOT NULL     -- queue order: feed order within a listing
);
CREATE INDEX pending_links_feed ON pending_links(feed_url, seq);
