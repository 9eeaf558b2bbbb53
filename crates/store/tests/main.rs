//! The store's public API over in-memory, temp-file and fixture databases.

#![allow(clippy::unwrap_used)] // helpers outside #[test] fns build fixed inputs

use std::path::PathBuf;

use factwire_core::{ArticleRecord, Entity, EntityKind, Fact, FactKind, RunReport};
use factwire_store::{
    BACKOFF_BASE_SECS, Error, FactQuery, FeedState, NewArticle, PutStatus, SCHEMA_VERSION, Store,
};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/db")
        .join(name)
}

fn record(title: &str, text: &str, published: Option<&str>) -> ArticleRecord {
    ArticleRecord {
        url: None,
        title: Some(title.into()),
        published: published.map(Into::into),
        text: text.into(),
        summary: vec![text.split('.').next().unwrap_or_default().to_string()],
        ..Default::default()
    }
}

fn aws_article(key: &str, published: &str, revenue: &str) -> NewArticle {
    let text = format!("AWS revenue rose 24% to {revenue} in the quarter.");
    let start = text.find(revenue).unwrap();
    let mut r = record("AWS grows", &text, Some(published));
    r.url = Some(format!("{key}?canonical"));
    r.entities = vec![Entity {
        name: "Amazon Web Services".into(),
        kind: EntityKind::Org,
        aliases: vec!["AWS".into()],
        mentions: 1,
    }];
    let mut money = Fact::new(
        FactKind::Money,
        revenue,
        start,
        start + revenue.chars().count(),
        text.clone(),
    );
    money.subject = Some("Amazon Web Services".into());
    money.metric = Some("revenue".into());
    money.unit = Some("USD".into());
    let mut pct = Fact::new(FactKind::Percent, "24%", 17, 20, text.clone());
    pct.subject = Some("Amazon Web Services".into());
    pct.metric = Some("growth".into());
    pct.value = Some(24.0);
    r.facts = vec![pct, money];
    let mut a = NewArticle::new(key, r, "2026-02-06T00:00:00Z");
    a.etag = Some("\"v1\"".into());
    a
}

#[test]
fn temp_file_database_persists_across_opens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("factwire.sqlite");
    let id = {
        let mut s = Store::open(&path).unwrap();
        s.put_article(&aws_article(
            "https://a.example/1",
            "2026-02-05T21:04:00Z",
            "$35.6 billion",
        ))
        .unwrap()
        .id
    };
    let s = Store::open(&path).unwrap();
    assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
    let a = s.article(id).unwrap().unwrap();
    assert_eq!(a.record.facts.len(), 2);
    assert_eq!(a.record.entities[0].aliases, vec!["AWS".to_string()]);
    assert_eq!(a.etag.as_deref(), Some("\"v1\""));
    assert_eq!(a.source.as_deref(), Some("a.example"));
}

#[test]
fn open_reports_the_path_on_failure() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing-dir/x.sqlite");
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, Error::Open { .. }), "{err}");
    assert!(err.to_string().contains("missing-dir"), "{err}");
}

#[test]
fn migrates_the_v1_fixture() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.sqlite");
    std::fs::copy(fixture("v1.sqlite"), &path).unwrap();
    let mut s = Store::open(&path).unwrap();
    assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
    let a = s
        .article_by_url("https://news.example/a/cloud-growth")
        .unwrap()
        .unwrap();
    assert_eq!(a.record.title.as_deref(), Some("Example Cloud grows 24%"));
    assert_eq!(a.record.facts.len(), 2);
    assert_eq!(a.record.facts[1].value, Some(35_600_000_000.0));
    assert_eq!(a.record.summary.len(), 1);
    let feed = s
        .feed_state("https://news.example/feed.xml")
        .unwrap()
        .unwrap();
    assert_eq!(feed.etag.as_deref(), Some("\"abc\""));
    let stats = s.stats().unwrap();
    assert_eq!((stats.articles, stats.facts, stats.entities), (2, 2, 2));
    assert_eq!(stats.last_run.unwrap().report.new, 2);
    // The alias stored by version 1 still resolves.
    let rows = s
        .facts(&FactQuery {
            subject: Some("ec".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(rows.len(), 2);
    // The content hash is stable across versions: re-putting the same text is a no-op.
    let mut again = NewArticle::new(a.key.clone(), a.record.clone(), "2026-03-01T00:00:00Z");
    again.record.facts.clear();
    assert_eq!(s.put_article(&again).unwrap().status, PutStatus::Unchanged);
    assert!(
        !s.should_retry("https://news.example/a/gone", 1_770_330_000)
            .unwrap()
    );
    // Opening again is a no-op.
    drop(s);
    assert_eq!(Store::open(&path).unwrap().article_count().unwrap(), 2);
}

#[test]
fn put_same_article_twice_is_unchanged() {
    let mut s = Store::open_in_memory().unwrap();
    let a = aws_article(
        "https://a.example/1",
        "2026-02-05T21:04:00Z",
        "$35.6 billion",
    );
    let first = s.put_article(&a).unwrap();
    assert_eq!((first.status, first.version), (PutStatus::New, 1));
    let mut later = a.clone();
    later.fetched_at = "2026-02-07T00:00:00Z".into();
    later.etag = Some("\"v2\"".into());
    let second = s.put_article(&later).unwrap();
    assert_eq!(second.status, PutStatus::Unchanged);
    assert_eq!((second.id, second.version), (first.id, 1));
    let stored = s.article(first.id).unwrap().unwrap();
    assert_eq!(stored.fetched_at, "2026-02-07T00:00:00Z");
    assert_eq!(stored.etag.as_deref(), Some("\"v2\""));
    assert_eq!(s.stats().unwrap().facts, 2);
}

#[test]
fn changed_article_is_updated_with_facts_replaced() {
    let mut s = Store::open_in_memory().unwrap();
    let id = s
        .put_article(&aws_article(
            "https://a.example/1",
            "2026-02-05T21:04:00Z",
            "$35.6 billion",
        ))
        .unwrap()
        .id;
    let mut changed = aws_article(
        "https://a.example/1",
        "2026-02-05T21:04:00Z",
        "$36.0 billion",
    );
    changed.record.facts.truncate(1);
    changed.record.facts[0].metric = Some("growth_revised".into());
    let out = s.put_article(&changed).unwrap();
    assert_eq!(
        (out.id, out.status, out.version),
        (id, PutStatus::Updated, 2)
    );
    let stored = s.article(id).unwrap().unwrap();
    assert!(stored.record.text.contains("$36.0 billion"));
    assert_eq!(stored.record.facts.len(), 1);
    assert_eq!(
        stored.record.facts[0].metric.as_deref(),
        Some("growth_revised")
    );
    let stats = s.stats().unwrap();
    assert_eq!((stats.facts, stats.entities), (1, 1));
}

#[test]
fn article_by_url_finds_key_or_canonical() {
    let mut s = Store::open_in_memory().unwrap();
    let a = aws_article("https://a.example/1", "2026-02-05T21:04:00Z", "$1");
    let id = s.put_article(&a).unwrap().id;
    assert_eq!(
        s.article_by_url("https://a.example/1").unwrap().unwrap().id,
        id
    );
    assert_eq!(
        s.article_by_url("https://a.example/1?canonical")
            .unwrap()
            .unwrap()
            .id,
        id
    );
    assert!(s.article_by_url("https://a.example/2").unwrap().is_none());
    assert!(s.article(id + 100).unwrap().is_none());
}

#[test]
fn facts_query_by_alias_metric_kind_and_dates() {
    let mut s = Store::open_in_memory().unwrap();
    let old = s
        .put_article(&aws_article(
            "https://a.example/old",
            "2026-01-10T09:00:00Z",
            "$30 billion",
        ))
        .unwrap()
        .id;
    let new = s
        .put_article(&aws_article(
            "https://a.example/new",
            "2026-02-05T21:04:00Z",
            "$35 billion",
        ))
        .unwrap()
        .id;
    s.put_article(&NewArticle::new(
        "https://b.example/x",
        record(
            "Other",
            "Nothing about clouds, 5% only.",
            Some("2026-02-06T00:00:00Z"),
        ),
        "2026-02-06T00:00:00Z",
    ))
    .unwrap();

    for subject in ["AWS", "aws", "Amazon Web Services", "amazon web services"] {
        let rows = s
            .facts(&FactQuery {
                subject: Some(subject.into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(rows.len(), 4, "{subject}");
        // Newest article first, then by offset.
        assert_eq!(rows[0].article_id, new);
        assert_eq!(rows[0].fact.start, 17);
        assert_eq!(rows[3].article_id, old);
    }
    let none = s.facts(&FactQuery {
        subject: Some("Azure".into()),
        ..Default::default()
    });
    assert!(none.unwrap().is_empty());

    let revenue = s
        .facts(&FactQuery {
            metric: Some("revenue".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(revenue.len(), 2);
    assert!(revenue.iter().all(|r| r.fact.kind == FactKind::Money));
    assert_eq!(revenue[0].url, "https://a.example/new?canonical");
    assert_eq!(revenue[0].source.as_deref(), Some("a.example"));

    let pct = s
        .facts(&FactQuery {
            kind: Some(FactKind::Percent),
            limit: Some(1),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(pct.len(), 1);
    assert_eq!(pct[0].article_id, new);

    let feb = s
        .facts(&FactQuery {
            since: Some("2026-02-01".into()),
            until: Some("2026-02-05".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(feb.len(), 2, "a bare until date includes its whole day");
    assert!(feb.iter().all(|r| r.article_id == new));
    let jan = s
        .facts(&FactQuery {
            until: Some("2026-01-31T23:00:00+01:00".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(jan.iter().all(|r| r.article_id == old) && jan.len() == 2);
    let only = s
        .facts(&FactQuery {
            article_id: Some(old),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(only.len(), 2);

    let bad = s.facts(&FactQuery {
        since: Some("last week".into()),
        ..Default::default()
    });
    assert!(matches!(bad, Err(Error::InvalidDate { .. })));
}

#[test]
fn unindexed_and_mark_indexed() {
    let mut s = Store::open_in_memory().unwrap();
    let a = s
        .put_article(&aws_article(
            "https://a.example/1",
            "2026-02-01T00:00:00Z",
            "$1",
        ))
        .unwrap();
    let b = s
        .put_article(&aws_article(
            "https://a.example/2",
            "2026-02-02T00:00:00Z",
            "$2",
        ))
        .unwrap();
    let todo: Vec<_> = s
        .unindexed(10)
        .unwrap()
        .iter()
        .map(|x| (x.id, x.version))
        .collect();
    assert_eq!(todo, vec![(a.id, 1), (b.id, 1)]);
    assert_eq!(s.unindexed(1).unwrap().len(), 1);
    s.mark_indexed(&[(a.id, 1)]).unwrap();
    assert_eq!(s.unindexed(10).unwrap()[0].id, b.id);
    // b changes while version 1 is being indexed: marking v1 must not hide v2.
    let b2 = s
        .put_article(&aws_article(
            "https://a.example/2",
            "2026-02-02T00:00:00Z",
            "$3",
        ))
        .unwrap();
    assert_eq!(b2.version, 2);
    s.mark_indexed(&[(b.id, 1)]).unwrap();
    let left = s.unindexed(10).unwrap();
    assert_eq!(
        (left.len(), left[0].version, left[0].indexed_version),
        (1, 2, 1)
    );
    s.mark_indexed(&[(b.id, 2)]).unwrap();
    assert!(s.unindexed(10).unwrap().is_empty());
    assert_eq!(s.stats().unwrap().unindexed, 0);
    s.reset_indexed().unwrap();
    assert_eq!(s.unindexed(10).unwrap().len(), 2);
    assert_eq!(s.all_article_ids().unwrap(), vec![a.id, b.id]);
    assert_eq!(s.article_count().unwrap(), 2);
}

#[test]
fn failure_backoff_grows_and_clears() {
    let mut s = Store::open_in_memory().unwrap();
    let url = "https://a.example/flaky";
    let t0 = 1_800_000_000;
    assert!(s.should_retry(url, t0).unwrap());
    s.record_failure_at(url, "timeout", "no answer in 30 s", t0)
        .unwrap();
    assert!(!s.should_retry(url, t0 + BACKOFF_BASE_SECS - 1).unwrap());
    assert!(s.should_retry(url, t0 + BACKOFF_BASE_SECS).unwrap());
    let t1 = t0 + BACKOFF_BASE_SECS;
    s.record_failure_at(url, "timeout", "again", t1).unwrap();
    assert!(!s.should_retry(url, t1 + BACKOFF_BASE_SECS).unwrap());
    assert!(s.should_retry(url, t1 + 2 * BACKOFF_BASE_SECS).unwrap());
    let f = s.failure(url).unwrap().unwrap();
    assert_eq!((f.attempts, f.detail.as_str()), (2, "again"));
    s.clear_failure(url).unwrap();
    assert!(s.should_retry(url, t1).unwrap());
    // The wall-clock variant records too.
    s.record_failure(url, "not_found", "HTTP 404").unwrap();
    assert_eq!(s.failure(url).unwrap().unwrap().attempts, 1);
}

#[test]
fn feed_state_round_trips_and_updates() {
    let mut s = Store::open_in_memory().unwrap();
    assert!(s.feed_state("https://f.example/rss").unwrap().is_none());
    let mut st = FeedState {
        url: "https://f.example/rss".into(),
        name: Some("F".into()),
        etag: Some("\"1\"".into()),
        last_modified: None,
        last_fetched: Some("2026-02-01T00:00:00Z".into()),
        last_status: Some("200".into()),
        consecutive_failures: 0,
        discovered_url: Some("https://f.example/feed.atom".into()),
    };
    s.save_feed_state(&st).unwrap();
    assert_eq!(s.feed_state(&st.url).unwrap().unwrap(), st);
    st.etag = None;
    st.consecutive_failures = 3;
    s.save_feed_state(&st).unwrap();
    assert_eq!(s.feed_state(&st.url).unwrap().unwrap(), st);
    assert_eq!(s.stats().unwrap().feeds, 1);
}

#[test]
fn feed_health_keeps_the_last_success_and_the_last_error() {
    let mut s = Store::open_in_memory().unwrap();
    let at = |t: &str, status: &str, failures: u32| FeedState {
        url: "https://f.example/rss".into(),
        name: None,
        etag: None,
        last_modified: None,
        last_fetched: Some(t.into()),
        last_status: Some(status.into()),
        consecutive_failures: failures,
        discovered_url: None,
    };
    let health = |s: &Store| s.feed_health().unwrap().remove(0);
    s.save_feed_state(&at("2026-02-01T00:00:00Z", "ok", 0))
        .unwrap();
    s.save_feed_state(&at("2026-02-02T00:00:00Z", "connect: refused", 1))
        .unwrap();
    s.save_feed_state(&at("2026-02-03T00:00:00Z", "timeout: 30 s", 2))
        .unwrap();
    let h = health(&s);
    assert_eq!(h.last_success.as_deref(), Some("2026-02-01T00:00:00Z"));
    assert_eq!(h.consecutive_failures, 2);
    assert_eq!(h.last_error.as_deref(), Some("timeout: 30 s"));
    // Recovered: a new last success; the last error is still there to read.
    s.save_feed_state(&at("2026-02-04T00:00:00Z", "not_modified", 0))
        .unwrap();
    let h = health(&s);
    assert_eq!(h.last_success.as_deref(), Some("2026-02-04T00:00:00Z"));
    assert_eq!(h.consecutive_failures, 0);
    assert_eq!(h.last_error.as_deref(), Some("timeout: 30 s"));
}

#[test]
fn runs_are_recorded_in_stats() {
    let mut s = Store::open_in_memory().unwrap();
    assert!(s.stats().unwrap().last_run.is_none());
    let id = s.start_run().unwrap();
    assert!(
        s.stats().unwrap().last_run.is_none(),
        "an unfinished run is not reported"
    );
    let report = RunReport {
        feeds: 2,
        new: 5,
        seconds: 1.25,
        ..Default::default()
    };
    s.finish_run(id, &report, true).unwrap();
    let run = s.stats().unwrap().last_run.unwrap();
    assert_eq!((run.id, run.ok), (id, true));
    assert_eq!(run.report, report);
    assert!(run.finished_at.is_some());
}

#[test]
fn articles_between_filters_and_orders() {
    let mut s = Store::open_in_memory().unwrap();
    for (k, p) in [
        ("1", Some("2026-01-01T00:00:00Z")),
        ("2", Some("2026-02-01T12:00:00Z")),
        ("3", None),
    ] {
        s.put_article(&NewArticle::new(
            format!("https://a.example/{k}"),
            record(k, &format!("text {k}"), p),
            "2026-02-02T00:00:00Z",
        ))
        .unwrap();
    }
    let all: Vec<_> = s
        .articles_between(None, None)
        .unwrap()
        .into_iter()
        .map(|a| a.key)
        .collect();
    assert_eq!(
        all,
        [
            "https://a.example/2",
            "https://a.example/1",
            "https://a.example/3"
        ]
    );
    let feb = s
        .articles_between(Some("2026-02-01"), Some("2026-02-01"))
        .unwrap();
    assert_eq!(feb.len(), 1);
    assert_eq!(feb[0].record.title.as_deref(), Some("2"));
    assert!(s.articles_between(Some("soon"), None).is_err());
}

#[test]
fn delete_cascades_to_facts_and_entities() {
    let mut s = Store::open_in_memory().unwrap();
    let id = s
        .put_article(&aws_article(
            "https://a.example/1",
            "2026-02-01T00:00:00Z",
            "$1",
        ))
        .unwrap()
        .id;
    assert!(s.delete_article(id).unwrap());
    let st = s.stats().unwrap();
    assert_eq!((st.articles, st.facts, st.entities), (0, 0, 0));
    assert!(!s.delete_article(id).unwrap());
}

fn long_text(extra: &str) -> String {
    let mut t = String::from(extra);
    for i in 0..12 {
        t.push_str(&format!(
            " Sentence {i} says the cloud provider added capacity in region {i} for \
             customers training large models this quarter."
        ));
    }
    t
}

#[test]
fn fingerprints_links_and_regrouping() {
    let mut s = Store::open_in_memory().unwrap();
    let text = long_text("Original.");
    let a = NewArticle::new(
        "https://a.example/1",
        record("A", &text, None),
        "2026-01-01T00:00:00Z",
    );
    assert!(
        a.fingerprint.is_some(),
        "NewArticle::new fingerprints the text"
    );
    let a_id = s.put_article(&a).unwrap().id;
    let mut copy = NewArticle::new(
        "https://b.example/1",
        record("A (reprint)", &long_text("Reprinted."), None),
        "2026-01-01T00:00:00Z",
    );
    copy.duplicate_of = Some(a_id);
    let copy_id = s.put_article(&copy).unwrap().id;
    let short = NewArticle::new("https://c.example/1", record("C", "Too short.", None), "x");
    assert_eq!(short.fingerprint, None);
    let c_id = s.put_article(&short).unwrap().id;

    let fps = s.fingerprints().unwrap();
    assert_eq!(
        fps.iter().map(|f| f.id).collect::<Vec<_>>(),
        [a_id, copy_id]
    );
    assert_eq!(fps[1].duplicate_of, Some(a_id));
    assert_eq!(
        fps[0].fingerprint,
        a.fingerprint.unwrap(),
        "all 64 bits survive SQLite"
    );

    // Regrouping under a new original re-points every member and marks them for the
    // index (their versions move past what the index holds).
    let marks: Vec<(i64, i64)> = s
        .unindexed(10)
        .unwrap()
        .iter()
        .map(|x| (x.id, x.version))
        .collect();
    s.mark_indexed(&marks).unwrap();
    assert_eq!(s.reroot_duplicates(a_id, c_id).unwrap(), 2);
    let dup_of = |s: &Store, id| s.article(id).unwrap().unwrap().duplicate_of;
    assert_eq!(
        (dup_of(&s, a_id), dup_of(&s, copy_id), dup_of(&s, c_id)),
        (Some(c_id), Some(c_id), None)
    );
    let mut again: Vec<i64> = s.unindexed(10).unwrap().iter().map(|x| x.id).collect();
    again.sort_unstable();
    assert_eq!(again, [a_id, copy_id]);
    // Clearing a link is a change too; setting the same link again is not.
    s.set_duplicate_of(copy_id, None).unwrap();
    assert_eq!(dup_of(&s, copy_id), None);
    let v = s.article(a_id).unwrap().unwrap().version;
    s.set_duplicate_of(a_id, Some(c_id)).unwrap();
    assert_eq!(s.article(a_id).unwrap().unwrap().version, v);
}

#[test]
fn migrating_v1_fills_in_fingerprints() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.sqlite");
    std::fs::copy(fixture("v1.sqlite"), &path).unwrap();
    // The fixture's texts are one-line briefs, too short to fingerprint; give one a
    // real body, as a version-1 database in the field would have.
    let body = long_text("A body written under version 1.");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute("UPDATE articles SET text = ?1 WHERE id = 1", [&body])
            .unwrap();
    }
    let s = Store::open(&path).unwrap();
    let fps = s.fingerprints().unwrap();
    assert_eq!(
        fps.len(),
        1,
        "the brief stays without a fingerprint: {fps:?}"
    );
    assert_eq!(fps[0].id, 1);
    assert_eq!(
        Some(fps[0].fingerprint),
        factwire_core::fingerprint::simhash(&body)
    );
}

#[test]
fn a_batch_is_durable_at_its_commit_and_lost_whole_if_the_process_dies_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.sqlite");
    let article = |n: u32| {
        NewArticle::new(
            format!("https://b.example/{n}"),
            record(&format!("B{n}"), &format!("Story {n} text."), None),
            "2026-01-01T00:00:00Z",
        )
    };
    {
        let mut s = Store::open(&path).unwrap();
        s.begin_batch().unwrap();
        s.put_article(&article(1)).unwrap();
        s.record_failure("https://b.example/gone", "not_found", "404")
            .unwrap();
        s.mark_indexed(&[(1, 1)]).unwrap();
        s.commit_batch().unwrap();
        s.begin_batch().unwrap();
        s.put_article(&article(2)).unwrap();
        // Dropped inside the batch, as a killed process would leave it.
    }
    let mut s = Store::open(&path).unwrap();
    assert_eq!(s.article_count().unwrap(), 1);
    assert!(s.article_by_url("https://b.example/1").unwrap().is_some());
    assert!(s.failure("https://b.example/gone").unwrap().is_some());
    // Outside a batch every write commits on its own, as before.
    s.commit_batch().unwrap();
    s.put_article(&article(3)).unwrap();
    drop(s);
    assert_eq!(Store::open(&path).unwrap().article_count().unwrap(), 2);
}
