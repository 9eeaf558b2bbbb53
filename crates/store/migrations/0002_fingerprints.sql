-- factwire store, schema version 2: near-duplicate fingerprints and discovered feeds.
-- `simhash` is the 64-bit SimHash of the article text (factwire_core::fingerprint),
-- stored as the signed integer with the same bits; NULL when the text is too short to
-- fingerprint. Rows stored under version 1 are filled in by the migration's Rust step.

ALTER TABLE articles ADD COLUMN simhash INTEGER;
CREATE INDEX articles_duplicate_of ON articles(duplicate_of) WHERE duplicate_of IS NOT NULL;

-- When a configured feed URL is a web page, the feed its <link rel="alternate">
-- announced; later runs fetch it directly.
ALTER TABLE feeds ADD COLUMN discovered_url TEXT;
