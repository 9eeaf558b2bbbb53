//! The pipeline's use cases over real parts: a SQLite file, a tantivy index, the
//! testkit HTTP server.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use factwire_core::{ArticleRecord, source_of};
use factwire_extractor::Gazetteer;
use factwire_fetcher::FetchSettings;
use factwire_index::{Index, SearchQuery};
use factwire_pipeline::{DataDir, Error, FeedSpec, IngestPlan, ingest, open_index};
use factwire_store::{NewArticle, Store};
use factwire_testkit::{TestServer, fixtures_dir, temp_dir};

fn plan(dd: &DataDir, feeds: Vec<FeedSpec>) -> IngestPlan {
    IngestPlan {
        data_dir: dd.clone(),
        feeds,
        articles: Vec::new(),
        fetch: FetchSettings::default(),
        sentences: 3,
        gazetteer: Gazetteer::builtin(),
        stop: None,
    }
}

fn hits(dd: &DataDir, q: &str) -> usize {
    let (index, _) = Index::open(&dd.index_dir()).unwrap();
    index
        .search(&SearchQuery {
            text: q.into(),
            limit: 100,
            ..Default::default()
        })
        .unwrap()
        .len()
}

#[test]
fn a_run_killed_between_store_and_index_is_repaired_by_the_next() {
    let tmp = temp_dir();
    let dd = DataDir::new(tmp.path().join("data"));
    dd.create().unwrap();
    {
        // Simulate the kill: the store has the article, the index never saw it.
        let mut store = Store::open(&dd.store_path()).unwrap();
        let record = ArticleRecord {
            url: Some("https://news.example/zebra".into()),
            title: Some("Zebracloud raises $5 million".into()),
            text: "Zebracloud raised $5 million on Monday.".into(),
            ..Default::default()
        };
        store
            .put_article(&NewArticle {
                key: "https://news.example/zebra".into(),
                record,
                source: source_of("https://news.example/zebra"),
                feed_url: None,
                etag: None,
                last_modified: None,
                fetched_at: "2026-02-01T00:00:00Z".into(),
                fingerprint: None,
                duplicate_of: None,
            })
            .unwrap();
    }
    assert_eq!(hits(&dd, "zebracloud"), 0);
    let mut store = Store::open(&dd.store_path()).unwrap();
    let _index = open_index(&dd, &mut store, &mut |_| {}).unwrap();
    drop(_index);
    assert_eq!(hits(&dd, "zebracloud"), 1);
    // Opening again indexes nothing twice.
    let _index = open_index(&dd, &mut store, &mut |_| {}).unwrap();
    drop(_index);
    assert_eq!(hits(&dd, "zebracloud"), 1);
}

#[test]
fn ingest_over_http_is_incremental_and_locked() {
    let server = TestServer::serve_dir(fixtures_dir().join("sites/demo"));
    let tmp = temp_dir();
    let dd = DataDir::new(tmp.path().join("data"));
    let feeds = vec![FeedSpec {
        url: server.url("/feeds/atom.xml"),
        name: Some("atom".into()),
        accept_invalid_certs: false,
        files_under: None,
    }];
    let first = ingest(plan(&dd, feeds.clone()), &mut |_| {}).unwrap();
    assert!(!first.run_failed);
    assert!(first.report.new >= 5, "{:?}", first.report);
    assert_eq!(first.report.failed, 0, "{:?}", first.report.failures);

    let lock = dd.lock().unwrap();
    match ingest(plan(&dd, feeds.clone()), &mut |_| {}) {
        Err(Error::AlreadyRunning { .. }) => {}
        other => panic!("expected AlreadyRunning, got {other:?}"),
    }
    drop(lock);

    server.clear_requests();
    let second = ingest(plan(&dd, feeds), &mut |_| {}).unwrap();
    assert_eq!(second.report.new, 0);
    assert_eq!(second.report.failed, 0);
    assert_eq!(server.requests().len(), 1);
    let store = Store::open(&dd.store_path()).unwrap();
    let (index, _) = Index::open(&dd.index_dir()).unwrap();
    assert_eq!(index.doc_count().unwrap(), store.article_count().unwrap());
}

#[test]
fn a_large_catch_up_ends_as_one_segment() {
    // Many batches: the catch-up's writer checkpoints (and merges in the background)
    // several times before the index is compacted.
    let tmp = tempfile::tempdir().unwrap();
    let dd = DataDir::new(tmp.path().join("data"));
    std::fs::create_dir_all(dd.root()).unwrap();
    let mut store = Store::open(&dd.store_path()).unwrap();
    for n in 0..2000 {
        let record = ArticleRecord {
            url: Some(format!("https://news.example/{n}")),
            title: Some(format!("Story {n}")),
            text: (0..40)
                .map(|k| format!("Cloud story {n} part {k} about capacity{k}, chips{n} and power."))
                .collect::<Vec<_>>()
                .join(" "),
            ..Default::default()
        };
        store
            .put_article(&NewArticle::new(
                format!("https://news.example/{n}"),
                record,
                "2026-02-01T00:00:00Z",
            ))
            .unwrap();
    }
    let index = open_index(&dd, &mut store, &mut |_| {}).unwrap();
    assert_eq!(index.doc_count().unwrap(), 2000);
    assert_eq!(index.segment_count().unwrap(), 1);
}
