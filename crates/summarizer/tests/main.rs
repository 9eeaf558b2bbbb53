//! The public API over the story fixtures in `fixtures/stories/`.
//!
//! `articles.json` holds seven invented articles: the Nimbus Cloud quarterly results
//! told by three outlets plus a syndicated copy of the first (one outlet gives the
//! revenue as $35.58 billion, consistent after rounding, another as $35.5 billion,
//! which must be flagged), a data-centre outage told by two outlets, and a lone chip
//! launch. Facts were written by hand with their char offsets.

#![allow(
    clippy::expect_used,
    reason = "a broken fixture should fail the test loudly"
)]

use factwire_core::text::char_slice;
use factwire_core::{Fact, FactRow};
use factwire_summarizer::digest::{DigestArticle, DigestOptions, Story, build_digest};
use factwire_summarizer::{consolidate, render_html, render_markdown, summarize};

fn fixture() -> Vec<DigestArticle> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/stories/articles.json"
    );
    let raw = std::fs::read_to_string(path).expect("fixture readable");
    serde_json::from_str(&raw).expect("fixture is a JSON array of DigestArticle")
}

fn ids(s: &Story) -> Vec<i64> {
    let mut v: Vec<i64> = s.outlets.iter().map(|o| o.article_id).collect();
    v.sort_unstable();
    v
}

#[test]
fn fixture_facts_point_into_their_texts() {
    for a in fixture() {
        for f in &a.facts {
            assert_eq!(
                char_slice(&a.text, f.start, f.end),
                f.text,
                "article {} fact {:?}",
                a.id,
                f.text
            );
            assert!(a.text.contains(&f.sentence), "article {} sentence", a.id);
        }
    }
}

#[test]
fn stories_group_outlets_and_fold_the_syndicated_copy() {
    let d = build_digest(&fixture(), &DigestOptions::default());
    assert_eq!(d.articles, 7);
    let groups: Vec<Vec<i64>> = d.stories.iter().map(ids).collect();
    assert_eq!(groups, [vec![1, 2, 3, 4], vec![5, 6], vec![7]]);
    let top = &d.stories[0];
    assert_eq!(top.rank, 1);
    assert_eq!((top.articles, top.independent, top.outlet_count), (4, 3, 4));
    let copy = top
        .outlets
        .iter()
        .find(|o| o.article_id == 4)
        .expect("copy listed");
    assert_eq!(copy.copy_of, Some(1));
    assert!(
        top.outlets
            .iter()
            .filter(|o| o.article_id != 4)
            .all(|o| o.copy_of.is_none())
    );
    assert_eq!(top.first_published.as_deref(), Some("2026-02-05T21:30:00Z"));
    assert_eq!(top.last_published.as_deref(), Some("2026-02-06T08:00:00Z"));
    assert!(top.entities.iter().any(|e| e == "Nimbus Cloud"));
    // The headline and summary come from one of the story's own articles, not the
    // one whose revenue figure the others contradict.
    assert_ne!(top.best_article, 3);
    let best = fixture()
        .into_iter()
        .find(|a| a.id == top.best_article)
        .expect("best");
    assert_eq!(Some(&top.headline), best.title.as_ref());
    assert!(!top.summary.is_empty() && top.summary.len() <= 3);
    assert!(top.summary.iter().all(|s| best.text.contains(s.as_str())));
}

#[test]
fn key_figures_count_reports_and_flag_the_disagreement() {
    let d = build_digest(&fixture(), &DigestOptions::default());
    let top = &d.stories[0];
    let revenue = top
        .key_figures
        .iter()
        .find(|f| f.metric == "revenue")
        .expect("revenue figure");
    assert_eq!(revenue.subject, "Nimbus Cloud");
    assert_eq!(revenue.period.as_deref(), Some("2025-Q4"));
    assert_eq!(revenue.text, "$35.6 billion");
    assert_eq!(revenue.value, 35.6e9);
    // The copy does not count as a fourth confirmation.
    assert_eq!((revenue.articles, revenue.agreeing), (3, 2));
    assert!(revenue.disagreement);
    let flagged: Vec<(&str, &[String])> = revenue
        .variants
        .iter()
        .filter(|v| v.flagged)
        .map(|v| (v.text.as_str(), v.sources.as_slice()))
        .collect();
    assert_eq!(
        flagged,
        [("$35.5 billion", &["techpost.example".to_string()][..])]
    );
    assert!(
        revenue
            .variants
            .iter()
            .any(|v| v.text == "$35.58 billion" && v.consistent)
    );
    let growth = top
        .key_figures
        .iter()
        .find(|f| f.metric == "growth")
        .expect("growth");
    assert_eq!((growth.articles, growth.disagreement), (3, false));
    // Helio's capex for 2025 and 2026 is two points: the table shows them, a chart
    // needs three.
    assert!(
        top.key_figures
            .iter()
            .filter(|f| f.metric == "capex")
            .count()
            >= 2
    );
    assert!(top.series.is_empty(), "{:?}", top.series);
    // Nothing in the outage story disagrees.
    assert!(d.stories[1].key_figures.iter().all(|f| !f.disagreement));
}

#[test]
fn window_and_limits_apply() {
    let opts = DigestOptions {
        since: Some("2026-02-05T00:00:00Z".into()),
        max_stories: 1,
        ..DigestOptions::default()
    };
    let d = build_digest(&fixture(), &opts);
    assert_eq!(d.articles, 5);
    assert_eq!(d.stories.len(), 1);
    assert_eq!(ids(&d.stories[0]), [1, 2, 3, 4]);
}

#[test]
fn renderers_show_outlets_flags_and_chart() {
    let d = build_digest(&fixture(), &DigestOptions::default());
    let md = render_markdown(&d);
    assert!(md.starts_with("# News digest\n"));
    let top = &d.stories[0].headline;
    assert!(md.contains(&format!("## 1. [{top}]")), "{md}");
    assert!(md.contains("*(syndicated copy)*"));
    assert!(md.contains("⚠ also reported: $35.5 billion (techpost.example)"));
    let html = render_html(&d);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<style>") && !html.contains("<link") && !html.contains("<script"));
    assert_eq!(html.matches("<article>").count(), 3);
    // Two capex points make no chart (see digest::charts).
    assert_eq!(html.matches("<svg").count(), 0);
    assert!(html.contains("Helio&#39;s Nimbus posts"));
    assert!(html.contains("<tr class=\"flag\">"));
    let json = serde_json::to_value(&d).expect("serialises");
    assert_eq!(
        json["stories"][0]["key_figures"][0]["variants"][0]["consistent"],
        true
    );
    assert!(json["stories"][0]["outlets"][0]["copy_of"].is_null());
}

#[test]
fn consolidate_groups_stored_fact_rows() {
    let rows: Vec<FactRow> = fixture()
        .into_iter()
        .flat_map(|a| {
            a.facts.clone().into_iter().map(move |fact: Fact| FactRow {
                fact,
                article_id: a.id,
                url: a.url.clone(),
                title: a.title.clone(),
                source: a.source.clone(),
                published: a.published.clone(),
            })
        })
        .collect();
    let table = consolidate(&rows);
    let revenue = table
        .iter()
        .find(|c| c.figure.subject == "Nimbus Cloud" && c.figure.metric == "revenue")
        .expect("revenue row");
    // Rows carry no text to spot copies, so the copy counts here.
    assert_eq!(revenue.figure.articles, 4);
    assert_eq!((revenue.range_min, revenue.range_max), (35.5e9, 35.6e9));
    assert_eq!(revenue.first_seen.as_deref(), Some("2026-02-05T21:30:00Z"));
    assert_eq!(
        revenue.sources,
        [
            "ledger.example",
            "cloudwire.example",
            "courier.example",
            "techpost.example"
        ]
    );
    assert!(revenue.figure.disagreement);
    // Sorted by subject, metric, period; the unattributed Vela period is left out.
    let keys: Vec<(&str, &str)> = table
        .iter()
        .map(|c| (c.figure.subject.as_str(), c.figure.metric.as_str()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert!(keys.iter().all(|(s, _)| *s != "Vela"));
}

#[test]
fn summaries_quote_the_article_in_order() {
    for a in fixture() {
        let s = summarize(&a.text, a.title.as_deref(), &a.facts, 2);
        assert_eq!(s.len(), 2, "article {}", a.id);
        let first = a.text.find(s[0].as_str()).expect("first sentence quoted");
        let second = a.text.find(s[1].as_str()).expect("second sentence quoted");
        assert!(first < second, "article {} out of order", a.id);
        let all = summarize(&a.text, None, &[], 50);
        assert_eq!(all.len(), factwire_core::text::sentences(&a.text).len());
    }
    // The results story's summary leads with the sentence carrying the revenue fact.
    let a = &fixture()[0];
    let s = summarize(&a.text, a.title.as_deref(), &a.facts, 1);
    assert!(s[0].contains("$35.6 billion"), "{s:?}");
}
