-- factwire store, schema version 1.
-- Applied once by migrate(); never edit after release: add 0002_*.sql instead.

CREATE TABLE feeds (
    url                  TEXT PRIMARY KEY,
    name                 TEXT,
    etag                 TEXT,
    last_modified        TEXT,
    last_fetched         TEXT,
    last_status          TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    next_attempt_at      INTEGER
);

CREATE TABLE articles (
    id               INTEGER PRIMARY KEY,
    url              TEXT NOT NULL UNIQUE,       -- normalised key
    canonical_url    TEXT,                       -- record.url
    source           TEXT,                       -- host
    feed_url         TEXT,
    title            TEXT,
    byline           TEXT,
    published        TEXT,                       -- RFC 3339 UTC
    site_name        TEXT,
    language         TEXT,
    text             TEXT NOT NULL,
    summary          TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
    content_hash     TEXT NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    indexed_version  INTEGER NOT NULL DEFAULT 0,
    etag             TEXT,
    last_modified    TEXT,
    fetched_at       TEXT NOT NULL,
    first_seen       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    duplicate_of     INTEGER REFERENCES articles(id) ON DELETE SET NULL
);
CREATE INDEX articles_canonical ON articles(canonical_url);
CREATE INDEX articles_published ON articles(published);
CREATE INDEX articles_unindexed ON articles(id) WHERE version <> indexed_version;

CREATE TABLE facts (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    text        TEXT NOT NULL,
    start       INTEGER NOT NULL,
    end         INTEGER NOT NULL,
    value       REAL,
    value_max   REAL,
    unit        TEXT,
    date        TEXT,
    subject     TEXT,
    metric      TEXT,
    period      TEXT,
    sentence    TEXT NOT NULL
);
CREATE INDEX facts_article ON facts(article_id);
CREATE INDEX facts_subject ON facts(lower(subject));
CREATE INDEX facts_metric ON facts(metric);

CREATE TABLE entities (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    aliases     TEXT NOT NULL DEFAULT '[]',      -- JSON array of strings
    mentions    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX entities_article ON entities(article_id);
CREATE INDEX entities_name ON entities(lower(name));

CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    report      TEXT,                            -- JSON RunReport
    status      TEXT NOT NULL DEFAULT 'running'  -- running | ok | failed
);

CREATE TABLE fetch_failures (
    url             TEXT PRIMARY KEY,
    reason          TEXT NOT NULL,
    detail          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 1,
    last_attempt_at INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL
);

CREATE TABLE hosts (
    host              TEXT PRIMARY KEY,
    retry_after_until INTEGER,
    crawl_delay_ms    INTEGER
);
