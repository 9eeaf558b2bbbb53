//! The index's public API over temp-dir indexes with hand-written documents.

#![allow(clippy::unwrap_used)] // helpers outside #[test] fns build fixed inputs

use std::path::Path;

use factwire_index::{Error, Index, IndexDoc, OpenState, SCHEMA_VERSION, SearchQuery, Sort};

fn doc(id: i64, title: &str, text: &str, source: &str, published: &str) -> IndexDoc {
    IndexDoc {
        id,
        version: 1,
        url: format!("https://{source}/{id}"),
        title: Some(title.to_string()),
        text: text.to_string(),
        summary: vec![format!("Summary of {id}.")],
        source: Some(source.to_string()),
        published: Some(published.to_string()),
        entities: Vec::new(),
        metrics: Vec::new(),
        duplicate_of: None,
    }
}

fn corpus() -> Vec<IndexDoc> {
    let mut aws = doc(
        1,
        "AWS posts fastest growth in 13 quarters",
        "Amazon Web Services revenue climbed 24% to $35.6 billion in the fourth quarter.\n\n\
         Chief executive Andy Jassy said capacity would double by 2027.",
        "news.example",
        "2026-02-05T21:04:00Z",
    );
    aws.entities = vec![
        "Amazon Web Services".into(),
        "AWS".into(),
        "Andy Jassy".into(),
        "Jassy".into(),
    ];
    aws.metrics = vec!["revenue".into(), "growth".into()];
    let mut azure = doc(
        2,
        "Microsoft Azure growth slows",
        "Azure and other cloud services grew 39% as Microsoft added data center capacity. \
         Amazon remains the largest cloud provider.",
        "www.Wire.example",
        "2026-01-28T22:00:00Z",
    );
    azure.entities = vec!["Microsoft".into(), "Azure".into()];
    azure.metrics = vec!["growth".into()];
    let mut google = doc(
        3,
        "Google Cloud backlog jumps",
        "Google Cloud said its backlog rose to $155 billion. Web services demand from AI \
         customers outpaced supply, and the company is growing data center spending to \
         support growth.",
        "news.example",
        "2026-02-04T20:00:00Z",
    );
    google.entities = vec!["Google Cloud".into()];
    google.metrics = vec!["backlog".into()];
    let undated = IndexDoc {
        published: None,
        ..doc(
            4,
            "Oracle cloud contract",
            "Oracle signed a cloud contract worth billions with a large AI lab in Zürich.",
            "other.example",
            "",
        )
    };
    vec![aws, azure, google, undated]
}

fn build(dir: &Path) -> Index {
    let (index, state) = Index::open(dir).unwrap();
    assert_eq!(state, OpenState::Created);
    let mut w = index.writer().unwrap();
    for d in corpus() {
        w.upsert(&d).unwrap();
    }
    w.commit().unwrap();
    index
}

fn ids(index: &Index, q: SearchQuery) -> Vec<i64> {
    index
        .search(&q)
        .unwrap()
        .into_iter()
        .map(|h| h.id)
        .collect()
}

fn q(text: &str) -> SearchQuery {
    SearchQuery {
        text: text.into(),
        limit: 10,
        ..Default::default()
    }
}

fn aws_synonyms() -> Vec<Vec<String>> {
    vec![vec!["Amazon Web Services".into(), "AWS".into()]]
}

#[test]
fn open_creates_then_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    assert_eq!(index.doc_count().unwrap(), 4);
    drop(index);
    let (index, state) = Index::open(dir.path()).unwrap();
    assert_eq!(state, OpenState::Opened);
    assert_eq!(index.doc_count().unwrap(), 4);
}

#[test]
fn schema_version_mismatch_needs_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    drop(build(dir.path()));
    let version_file = dir.path().join("factwire-schema-version");
    assert_eq!(
        std::fs::read_to_string(&version_file).unwrap().trim(),
        SCHEMA_VERSION.to_string()
    );
    std::fs::write(&version_file, "0\n").unwrap();
    let (index, state) = Index::open(dir.path()).unwrap();
    assert_eq!(state, OpenState::NeedsRebuild);
    assert_eq!(index.doc_count().unwrap(), 0, "wiped and recreated empty");
    drop(index);
    assert_eq!(Index::open(dir.path()).unwrap().1, OpenState::Opened);
}

#[test]
fn unreadable_index_needs_rebuild_but_foreign_dirs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    drop(build(dir.path()));
    std::fs::write(dir.path().join("meta.json"), "{ not json").unwrap();
    assert_eq!(Index::open(dir.path()).unwrap().1, OpenState::NeedsRebuild);

    let foreign = tempfile::tempdir().unwrap();
    std::fs::write(foreign.path().join("notes.txt"), "mine").unwrap();
    let err = Index::open(foreign.path()).unwrap_err();
    assert!(matches!(err, Error::NotAnIndex { .. }), "{err}");
    assert!(foreign.path().join("notes.txt").exists());
}

#[test]
fn upsert_twice_keeps_one_doc() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    let mut w = index.writer().unwrap();
    let mut d = corpus().remove(0);
    d.version = 2;
    d.title = Some("AWS revises quarterly growth".into());
    w.upsert(&d).unwrap();
    w.upsert(&d).unwrap();
    w.commit().unwrap();
    assert_eq!(index.doc_count().unwrap(), 4);
    let hits = index.search(&q("revises")).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(
        hits[0].title.as_deref(),
        Some("AWS revises quarterly growth")
    );
    assert!(index.search(&q("fastest")).unwrap().is_empty());

    let mut w = index.writer().unwrap();
    w.delete(1).unwrap();
    w.commit().unwrap();
    assert_eq!(index.doc_count().unwrap(), 3);
    let mut w = index.writer().unwrap();
    w.delete_all().unwrap();
    w.commit().unwrap();
    assert_eq!(index.doc_count().unwrap(), 0);
    assert!(matches!(
        index.writer().unwrap().delete(-1),
        Err(Error::InvalidId(-1))
    ));
}

#[test]
fn title_outranks_body_and_stemming_applies() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    // "growth" is in the titles of 1 and 2, and its stem twice in the body of 3
    // ("growing", "growth"): all three match. Which leads is BM25F's call: a title
    // word is weighted up, but not so far that it always beats a body that keeps
    // returning to the word (see the black-box test of title weight).
    let mut found = ids(&index, q("growth"));
    found.sort_unstable();
    assert_eq!(found, vec![1, 2, 3]);
    // Regular inflections share a stem (Snowball keeps irregular ones like grew apart).
    assert_eq!(ids(&index, q("quarter")), vec![1]);
    assert_eq!(ids(&index, q("grows")), vec![3], "grows ~ growing");
    assert_eq!(ids(&index, q("ZURICH")), vec![4], "case and accents fold");
    assert_eq!(ids(&index, q("zürich")), vec![4]);
    assert_eq!(ids(&index, q("contracts")), vec![4], "plural");
}

#[test]
fn any_word_accepted_all_words_preferred() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    assert_eq!(
        ids(&index, q("the backlog of google")),
        vec![3],
        "stop words alone match nothing"
    );
    assert_eq!(
        ids(&index, q("the")).len(),
        3,
        "unless they are all there is"
    );
    let found = ids(&index, q("backlog zzzunknownword"));
    assert_eq!(
        found,
        vec![3],
        "one missing word does not empty the results"
    );
    let found = ids(&index, q("cloud capacity"));
    // Doc 2 has both words in its body; 3 and 4 only "cloud"; 1 only "capacity".
    assert_eq!(found[0], 2, "{found:?}");
    assert_eq!(found.len(), 4);
}

#[test]
fn phrases_are_exact_and_required() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    assert_eq!(ids(&index, q("\"web services\"")), vec![1, 3]);
    assert_eq!(ids(&index, q("\"amazon web services\"")), vec![1]);
    // Words in the wrong order are not the phrase.
    assert!(ids(&index, q("\"services web\"")).is_empty());
    assert_eq!(ids(&index, q("\"data center\" google")), vec![3, 2]);
}

#[test]
fn exclusion_and_or() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    let found = ids(&index, q("cloud -azure"));
    assert!(!found.contains(&2) && found.contains(&3), "{found:?}");
    let mut found = ids(&index, q("oracle OR backlog"));
    found.sort_unstable();
    assert_eq!(found, vec![3, 4]);
    let found = ids(&index, q("-cloud"));
    assert_eq!(found, vec![1], "only exclusions: everything else");
}

#[test]
fn synonyms_expand_queries() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    // Doc 3 says "Web services" but not "Amazon Web Services" or "AWS".
    let mut query = q("aws");
    query.synonyms = aws_synonyms();
    assert_eq!(ids(&index, query), vec![1]);
    let mut query = q("amazon web services revenue");
    query.synonyms = aws_synonyms();
    assert_eq!(ids(&index, query.clone())[0], 1);
    // Without synonyms "aws" only matches where it is written.
    let mut no_syn = doc(
        9,
        "Cloud note",
        "Amazon Web Services had a good year.",
        "x.example",
        "2026-01-01",
    );
    no_syn.entities.clear();
    let mut w = index.writer().unwrap();
    w.upsert(&no_syn).unwrap();
    w.commit().unwrap();
    assert_eq!(ids(&index, q("aws")), vec![1]);
    let mut query = q("aws");
    query.synonyms = aws_synonyms();
    let mut found = ids(&index, query);
    found.sort_unstable();
    assert_eq!(found, vec![1, 9]);
    // A surname finds the full name through the entity field.
    assert_eq!(ids(&index, q("jassy")), vec![1]);
}

#[test]
fn date_source_and_entity_filters() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    let mut query = q("cloud");
    query.since = Some("2026-02-01".into());
    assert_eq!(
        ids(&index, query.clone()),
        vec![3],
        "1 is in range but does not say cloud"
    );
    query.text = "cloud OR amazon".into();
    let mut found = ids(&index, query.clone());
    found.sort_unstable();
    assert_eq!(found, vec![1, 3]);
    query.text = "cloud".into();
    query.until = Some("2026-02-04".into());
    assert_eq!(
        ids(&index, query.clone()),
        vec![3],
        "bare until includes its whole day"
    );
    query.until = Some("2026-02-04T19:59:59Z".into());
    assert!(ids(&index, query).is_empty());

    let mut query = q("cloud");
    query.source = Some("wire.example".into());
    assert_eq!(ids(&index, query.clone()), vec![2]);
    query.source = Some("WWW.WIRE.EXAMPLE".into());
    assert_eq!(ids(&index, query), vec![2]);

    let mut query = q("");
    query.entity = Some("AWS".into());
    assert_eq!(ids(&index, query.clone()), vec![1]);
    query.entity = Some("amazon web services".into());
    assert_eq!(ids(&index, query.clone()), vec![1]);
    query.entity = Some("Google".into());
    assert_eq!(ids(&index, query), vec![3], "entity names match by words");

    let mut bad = q("cloud");
    bad.since = Some("last tuesday".into());
    assert!(matches!(index.search(&bad), Err(Error::InvalidDate { .. })));
}

#[test]
fn field_prefixes() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    assert_eq!(ids(&index, q("title:backlog")), vec![3]);
    assert!(
        ids(&index, q("title:supply")).is_empty(),
        "supply is only in a body"
    );
    assert_eq!(ids(&index, q("entity:jassy")), vec![1]);
    let mut found = ids(&index, q("source:news.example"));
    found.sort_unstable();
    assert_eq!(found, vec![1, 3]);
    let mut found = ids(&index, q("metric:growth"));
    found.sort_unstable();
    assert_eq!(found, vec![1, 2]);
}

#[test]
fn newest_sort_and_empty_query() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    assert_eq!(
        ids(&index, q("")),
        vec![1, 3, 2, 4],
        "match-all is newest first"
    );
    let mut query = q("cloud OR amazon");
    query.sort = Sort::Newest;
    let hits = index.search(&query).unwrap();
    let found: Vec<i64> = hits.iter().map(|h| h.id).collect();
    assert_eq!(found, vec![1, 3, 2, 4], "undated last");
    assert!(hits.iter().all(|h| h.score > 0.0));
    query.limit = 2;
    assert_eq!(ids(&index, query.clone()), vec![1, 3]);
    query.limit = usize::MAX;
    assert_eq!(
        ids(&index, query).len(),
        4,
        "huge limits are capped, not allocated"
    );
}

#[test]
fn newest_sort_works_when_no_document_is_dated() {
    let dir = tempfile::tempdir().unwrap();
    let (index, _) = Index::open(dir.path()).unwrap();
    let mut w = index.writer().unwrap();
    for id in [1, 2] {
        let mut d = doc(
            id,
            "Undated note",
            "A cloud note without a date.",
            "a.example",
            "",
        );
        d.published = None;
        w.upsert(&d).unwrap();
    }
    w.commit().unwrap();
    let mut found = ids(&index, q(""));
    found.sort_unstable();
    assert_eq!(found, vec![1, 2]);
    let mut query = q("cloud");
    query.sort = Sort::Newest;
    assert_eq!(ids(&index, query).len(), 2);
    assert!(index.search(&q("note")).unwrap()[0].published.is_none());
}

#[test]
fn hits_carry_fields_and_snippets() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    let hits = index.search(&q("capacity double")).unwrap();
    let hit = &hits[0];
    assert_eq!(hit.id, 1);
    assert_eq!(hit.url, "https://news.example/1");
    assert_eq!(hit.source.as_deref(), Some("news.example"));
    assert_eq!(hit.published.as_deref(), Some("2026-02-05T21:04:00Z"));
    assert!(
        hit.snippet.contains("capacity would double"),
        "{}",
        hit.snippet
    );
    assert!(!hit.snippet.contains('\n'));
    let chars: Vec<char> = hit.snippet.chars().collect();
    let marked: Vec<String> = hit
        .highlights
        .iter()
        .map(|&(a, b)| chars[a..b].iter().collect())
        .collect();
    assert!(marked.contains(&"capacity".to_string()), "{marked:?}");
    assert!(marked.contains(&"double".to_string()), "{marked:?}");
    // Excluded words are not highlighted; stems are.
    let hits = index.search(&q("grow -azure")).unwrap();
    let hit = hits.iter().find(|h| h.id == 3).unwrap();
    let chars: Vec<char> = hit.snippet.chars().collect();
    let marked: Vec<String> = hit
        .highlights
        .iter()
        .map(|&(a, b)| chars[a..b].iter().collect())
        .collect();
    assert_eq!(marked, vec!["growing".to_string()]);
    // A title-only match falls back to the summary.
    let hits = index.search(&q("title:fastest")).unwrap();
    assert_eq!(hits[0].snippet, "Summary of 1.");
    assert!(hits[0].highlights.is_empty());
}

#[test]
fn bad_syntax_is_a_query_error_with_position() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    match index.search(&q("aws \"web services")) {
        Err(Error::Query {
            position, message, ..
        }) => {
            assert_eq!(position, Some(4));
            assert!(message.contains("quote"), "{message}");
        }
        other => panic!("expected a query error, got {other:?}"),
    }
    for bad in ["OR aws", "aws OR", "title:", "a OR -b", "NOT"] {
        assert!(
            matches!(index.search(&q(bad)), Err(Error::Query { .. })),
            "{bad}"
        );
    }
    // Punctuation alone is nothing to search for.
    for nothing in ["-", "+", "- +"] {
        let err = index.search(&q(nothing)).unwrap_err();
        assert!(err.to_string().contains("nothing to search for"), "{err}");
    }
    // Odd but valid input never panics.
    for odd in ["((", "ÄÖÜ", "$35.6", "a:b:c", "\u{0}", "title:\"x\""] {
        index.search(&q(odd)).unwrap();
    }
}

/// An original (id 10), two syndicated copies of it (11, 12; 12 published last and
/// with the query words in its title, so it ranks first), a copy that does not match
/// the query (13), and two unrelated articles (20, 21).
fn syndication() -> Vec<IndexDoc> {
    let body = "Nimbus Grid said its orbital data center will draw 40 megawatts of solar \
                power, a first for the cloud industry.";
    let mut original = doc(
        10,
        "Nimbus Grid plans an orbital data center",
        body,
        "origin.example",
        "2026-03-01T08:00:00Z",
    );
    original.entities = vec!["Nimbus Grid".into()];
    let copy = |id: i64, title: &str, source: &str, published: &str| IndexDoc {
        duplicate_of: Some(10),
        ..doc(id, title, body, source, published)
    };
    let other = |id: i64, title: &str, published: &str| {
        doc(
            id,
            title,
            "A data center in Ohio will draw power from a new gas plant, its owner said.",
            "news.example",
            published,
        )
    };
    vec![
        original,
        copy(
            11,
            "Nimbus Grid plans an orbital data center",
            "wire.example",
            "2026-03-01T09:00:00Z",
        ),
        copy(
            12,
            "Orbital data center: Nimbus Grid's solar power",
            "mirror.example",
            "2026-03-02T10:00:00Z",
        ),
        IndexDoc {
            duplicate_of: Some(10),
            ..doc(
                13,
                "Unrelated page",
                "Nothing in common here.",
                "junk.example",
                "2026-03-03T00:00:00Z",
            )
        },
        other(20, "Ohio data center power deal", "2026-02-01T00:00:00Z"),
        other(
            21,
            "Gas plant to power a data center",
            "2026-01-01T00:00:00Z",
        ),
    ]
}

fn build_syndication(dir: &Path) -> Index {
    let (index, _) = Index::open(dir).unwrap();
    let mut w = index.writer().unwrap();
    for d in syndication() {
        w.upsert(&d).unwrap();
    }
    w.commit().unwrap();
    index
}

#[test]
fn near_duplicates_fold_into_the_best_ranked_member() {
    let dir = tempfile::tempdir().unwrap();
    let index = build_syndication(dir.path());
    let hits = index.search(&q("orbital data center power")).unwrap();
    let found: Vec<i64> = hits.iter().map(|h| h.id).collect();
    assert_eq!(
        found.iter().filter(|id| [10, 11, 12].contains(id)).count(),
        1,
        "{found:?}"
    );
    assert_eq!(
        found.len(),
        3,
        "one folded hit plus the two others: {found:?}"
    );
    let folded = &hits[0];
    assert!(
        [10, 11, 12].contains(&folded.id),
        "the group ranks first: {found:?}"
    );
    let mut copies = folded.duplicates.clone();
    copies.sort();
    let mut want: Vec<String> = [10, 11, 12]
        .iter()
        .filter(|id| **id != folded.id)
        .map(|id| syndication().into_iter().find(|d| d.id == *id).unwrap().url)
        .collect();
    want.sort();
    assert_eq!(
        copies, want,
        "the other matching members, not the non-matching copy 13"
    );
    assert!(hits[1..].iter().all(|h| h.duplicates.is_empty()));
}

#[test]
fn folding_under_newest_keeps_the_newest_member_and_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let index = build_syndication(dir.path());
    let mut query = q("data center");
    query.sort = Sort::Newest;
    let hits = index.search(&query).unwrap();
    let found: Vec<i64> = hits.iter().map(|h| h.id).collect();
    assert_eq!(
        found,
        vec![12, 20, 21],
        "newest member stands for the group"
    );
    assert_eq!(hits[0].duplicates.len(), 2);
    // The limit counts folded hits: three raw matches share the first place, yet two
    // hits come back.
    query.limit = 2;
    let hits = index.search(&query).unwrap();
    assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![12, 20]);
    query.sort = Sort::Relevance;
    query.limit = 1;
    let hits = index.search(&query).unwrap();
    assert_eq!(hits.len(), 1);
    // Copies the query does not reach are not counted.
    assert!(
        index
            .search(&q("ohio gas"))
            .unwrap()
            .iter()
            .all(|h| h.duplicates.is_empty())
    );
}

#[test]
fn limit_is_filled_past_many_copies() {
    // 30 copies of one original outrank everything; limit 3 still yields 3 hits.
    let dir = tempfile::tempdir().unwrap();
    let (index, _) = Index::open(dir.path()).unwrap();
    let mut w = index.writer().unwrap();
    let text = "Zephyr Compute raises capacity in Oslo for zephyr workloads.";
    for id in 1..=31 {
        let mut d = doc(
            id,
            "Zephyr Compute zephyr zephyr",
            text,
            "a.example",
            "2026-01-01",
        );
        d.duplicate_of = (id > 1).then_some(1);
        w.upsert(&d).unwrap();
    }
    for id in 40..45 {
        w.upsert(&doc(
            id,
            "Capacity news",
            "Zephyr is mentioned once.",
            "b.example",
            "2026-01-02",
        ))
        .unwrap();
    }
    w.commit().unwrap();
    let hits = index
        .search(&SearchQuery {
            limit: 3,
            ..q("zephyr")
        })
        .unwrap();
    assert_eq!(hits.len(), 3);
    assert_eq!(hits[0].duplicates.len(), 30);
    assert!(hits[1].id >= 40 && hits[2].id >= 40);
}

#[test]
fn a_checkpoint_makes_a_batch_durable_and_the_writer_carries_on() {
    let dir = tempfile::tempdir().unwrap();
    let (index, _) = Index::open(dir.path()).unwrap();
    let mut w = index.writer().unwrap();
    w.upsert(&doc(
        1,
        "Zebracloud raises money",
        "Zebracloud raised $5 million.",
        "a.example",
        "2026-01-01",
    ))
    .unwrap();
    w.checkpoint().unwrap();
    let q = |text: &str| SearchQuery {
        text: text.into(),
        limit: 5,
        ..Default::default()
    };
    assert_eq!(index.search(&q("zebracloud")).unwrap().len(), 1);
    // Visible (and on disk) while the writer is still held for the next batch.
    assert_eq!(index.doc_count().unwrap(), 1);
    w.upsert(&doc(
        2,
        "Quaggacloud too",
        "Quaggacloud raised $7 million.",
        "b.example",
        "2026-01-02",
    ))
    .unwrap();
    w.commit().unwrap();
    assert_eq!(index.search(&q("quaggacloud")).unwrap().len(), 1);
    assert_eq!(index.doc_count().unwrap(), 2);
}

/// 600 documents, more than a search's candidate pool: ranking, tiers, exclusions and
/// filters still hold when only the pool is scored in full.
#[test]
fn large_corpus_ranks_through_the_candidate_pool() {
    let dir = tempfile::tempdir().unwrap();
    let (index, _) = Index::open(dir.path()).unwrap();
    let mut w = index.writer().unwrap();
    let words = [
        "storage", "network", "pricing", "region", "capacity", "demand", "chips", "power",
    ];
    for id in 1..=600i64 {
        let i = id as usize;
        let mut text = String::new();
        for k in 0..40 {
            text.push_str(words[(i * 7 + k * 3) % words.len()]);
            text.push(' ');
        }
        // Every third says "cloud", every fifth "revenue", every seventh "azure".
        if i.is_multiple_of(3) {
            text.push_str("cloud ");
        }
        if i.is_multiple_of(5) {
            text.push_str("revenue ");
        }
        if i.is_multiple_of(7) {
            text.push_str("azure ");
        }
        let title = match id {
            101 | 202 | 303 => "Cloud revenue doubles".to_string(),
            _ => format!("Story {id}"),
        };
        let day = 1 + i % 28;
        w.upsert(&doc(
            id,
            &title,
            &text,
            "news.example",
            &format!("2026-01-{day:02}"),
        ))
        .unwrap();
    }
    w.commit().unwrap();

    // The three with the words in their title lead.
    let top = ids(&index, q("cloud revenue"));
    assert_eq!(top.len(), 10);
    let mut lead = top[..3].to_vec();
    lead.sort_unstable();
    assert_eq!(lead, vec![101, 202, 303], "{top:?}");
    // Every hit has both words (40 documents do: multiples of 15, plus the titles).
    assert!(
        top.iter()
            .all(|id| id % 15 == 0 || [101, 202, 303].contains(id)),
        "{top:?}"
    );
    // More hits than the pool holds: the strict tier, then the loose one.
    let many = ids(
        &index,
        SearchQuery {
            limit: 150,
            ..q("cloud revenue")
        },
    );
    assert_eq!(many.len(), 150);
    let strict = many
        .iter()
        .take_while(|id| *id % 15 == 0 || [101, 202, 303].contains(*id));
    assert_eq!(
        strict.count(),
        43,
        "all 43 documents with both words come first"
    );
    // Exclusions and filters hold, and the limit is still filled.
    let not_azure = ids(
        &index,
        SearchQuery {
            limit: 50,
            ..q("cloud -azure")
        },
    );
    assert_eq!(not_azure.len(), 50);
    let has_cloud = |id: &i64| id % 3 == 0 || [101, 202, 303].contains(id);
    assert!(
        not_azure.iter().all(|id| id % 7 != 0 && has_cloud(id)),
        "{not_azure:?}"
    );
    let mut dated = q("cloud");
    dated.limit = 30;
    dated.since = Some("2026-01-20".into());
    let found = ids(&index, dated);
    assert_eq!(found.len(), 30);
    assert!(
        found
            .iter()
            .all(|id| (1 + *id as usize % 28) >= 20 && id % 3 == 0),
        "{found:?}"
    );
}
