-- factwire store: which index generation the `indexed_version` marks refer to.
-- (Numbered 0004: 0003 is the pending-links queue, added on another branch.)
--
-- `meta` holds single named values. `index_generation` is the id of the index
-- generation (crates/index: a file in the index directory) that the store indexed
-- into. When the index found on disk has another generation (lost, rebuilt by someone
-- else, copied in), the marks mean nothing for it and the next ingest rebuilds it.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
