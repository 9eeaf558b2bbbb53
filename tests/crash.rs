//! The crash-test harness: SIGKILL an ingest (and a `reindex`) at random moments, then
//! run to completion, and check that every article is stored exactly once, indexed,
//! findable by search, and that SQLite's integrity check is clean.
//!
//! The short version runs with the suite. The full one (2,000 articles, 24 kills) is
//! `#[ignore]`d; run it with `scripts/crash-harness.sh` (release build), or
//! `cargo test --release --test cli crash_harness_full -- --ignored --nocapture`.
//! `FACTWIRE_CRASH_ARTICLES`, `FACTWIRE_CRASH_KILLS` and `FACTWIRE_CRASH_SEED` change
//! its size and its random moments (the seed is printed, so a failure can be replayed).

use std::process::Stdio;
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::durable::Reap;
use crate::site::{Site, marker};
use crate::util::Dir;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A small xorshift generator for the kill moments.
struct Moments(u64);

impl Moments {
    fn next_ms(&mut self, max_ms: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        20 + self.0 % max_ms.max(1)
    }
}

/// Runs `factwire ARGS` and SIGKILLs it after `after` unless it has exited; returns
/// whether it was killed.
fn kill_after(d: &Dir, args: &[&str], after: Duration) -> bool {
    let child = d
        .cmd(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut child = Reap(child);
    let deadline = Instant::now() + after;
    while Instant::now() < deadline {
        if child.0.try_wait().unwrap().is_some() {
            return false;
        }
        thread::sleep(Duration::from_millis(5));
    }
    child.0.kill().unwrap();
    child.0.wait().unwrap();
    true
}

fn harness(n: usize, kills: u64, reindex_kills: u64, max_ms: u64, search_every: bool) {
    let seed = env_or(
        "FACTWIRE_CRASH_SEED",
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64 | 1),
    );
    eprintln!("crash harness: {n} articles, {kills} kills, seed {seed}");
    let mut moments = Moments(seed);
    let site = Site::new(n, Duration::ZERO);
    let d = Dir::new();
    let config = site.config(&d, 4);
    let config = config.to_str().unwrap();
    let ingest = ["ingest", "--config", config, "--format", "json"];
    let mut killed = 0;
    for k in 0..kills {
        if kill_after(&d, &ingest, Duration::from_millis(moments.next_ms(max_ms))) {
            killed += 1;
        }
        // Now and then a reindex, killed too.
        if k % (kills / reindex_kills.max(1)).max(1) == 0
            && d.data().join("factwire.sqlite").exists()
        {
            kill_after(
                &d,
                &["reindex"],
                Duration::from_millis(moments.next_ms(max_ms / 2)),
            );
        }
    }
    eprintln!("crash harness: {killed} of {kills} ingests killed mid-run");
    assert!(
        killed > 0,
        "no kill landed mid-run: raise the article count"
    );

    // To completion. A killed reindex leaves work for this run's catch-up.
    let report = d.json(&ingest);
    assert_eq!(report["failed"], 0, "{report}");
    let again = d.json(&ingest);
    assert_eq!(again["new"], 0, "nothing left to do: {again}");

    check_store(&d, n);
    check_search(&d, n, search_every, &mut moments);
}

/// Every article once, nothing left queued, every article indexed; integrity clean.
fn check_store(d: &Dir, n: usize) {
    let db = rusqlite::Connection::open(d.data().join("factwire.sqlite")).unwrap();
    let one = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).unwrap() };
    let integrity: String = db
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    assert_eq!(one("SELECT count(*) FROM articles"), n as i64);
    assert_eq!(
        one("SELECT count(DISTINCT canonical_url) FROM articles"),
        n as i64
    );
    assert_eq!(
        one("SELECT count(*) FROM pending_links"),
        0,
        "queue drained"
    );
    assert_eq!(
        one("SELECT count(*) FROM articles WHERE version <> indexed_version"),
        0,
        "all indexed"
    );
    let doubled = one(
        "SELECT count(*) FROM (SELECT 1 FROM facts GROUP BY article_id, kind, start, end \
         HAVING count(*) > 1)",
    );
    assert_eq!(doubled, 0, "no fact stored twice");
}

/// One search finds all `n` (each once); the marker of each (or of a sample) finds
/// its article, once.
fn check_search(d: &Dir, n: usize, every: bool, moments: &mut Moments) {
    let limit = (n + 10).to_string();
    let hits = d.json(&["search", "cloud", "--limit", &limit, "--format", "json"]);
    let hits = hits.as_array().unwrap();
    let mut ids: Vec<i64> = hits.iter().map(|h| h["id"].as_i64().unwrap()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!((hits.len(), ids.len()), (n, n), "every article found once");
    let sample: Vec<usize> = if every {
        (0..n).collect()
    } else {
        (0..20)
            .map(|_| moments.next_ms(n as u64) as usize % n)
            .collect()
    };
    for i in sample {
        // Search forgives a typo, so a marker one letter from another finds both; the
        // article must be among the hits, once.
        let hits = d.json(&["search", &marker(i), "--format", "json"]);
        let hits = hits.as_array().unwrap();
        let path = format!("/a/{i}.html");
        let found: Vec<usize> = (0..hits.len())
            .filter(|&k| hits[k]["url"].as_str().unwrap().ends_with(&path))
            .collect();
        assert_eq!(found.len(), 1, "{} finds article {i}: {hits:?}", marker(i));
    }
}

#[test]
fn crash_harness_short() {
    harness(400, 10, 3, 800, false);
}

#[test]
#[ignore = "the full crash harness (2,000 articles, 24 kills): scripts/crash-harness.sh"]
fn crash_harness_full() {
    let n = env_or("FACTWIRE_CRASH_ARTICLES", 2000) as usize;
    let kills = env_or("FACTWIRE_CRASH_KILLS", 24);
    harness(n, kills, 4, 3000, true);
}
