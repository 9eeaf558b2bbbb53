//! `factwire digest`: a window's stored articles grouped into ranked stories.
//!
//! The store already holds each article's text, summary, entities and facts, so a
//! digest is pure arithmetic over the store: load the window
//! ([`Store::articles_between`]), turn each [`StoredArticle`] into a
//! [`DigestArticle`], let [`build_digest`] group, rank and tell the stories, and
//! render them as Markdown, HTML or JSON.
//!
//! The window defaults to the last seven days: a digest answers "what happened
//! lately". `--subject` keeps the stories in which at least one article names the
//! entity (under any alias the gazetteer knows). The filter runs after grouping, so a
//! story is grouped and ranked the same way whether or not it is filtered, and
//! `--limit` counts the stories that remain.

use anyhow::{Context, anyhow};
use chrono::{SecondsFormat, Utc};
use factwire_store::{Store, StoredArticle};
use factwire_summarizer::digest::{
    Digest, DigestArticle, DigestOptions, build_digest, render_html, render_markdown,
};

use super::{DayEnd, canonical_name, existing_data, parse_when};
use crate::args::{DigestArgs, DigestFormat, Format, GlobalArgs};
use crate::output::json_one;
use crate::{CmdResult, Fail, write_stdout};

pub fn run(global: &GlobalArgs, a: DigestArgs) -> CmdResult {
    if a.limit == 0 {
        return Err(Fail::Input(anyhow!("--limit 0: expected at least 1 story")));
    }
    let since = parse_when("--since", &a.since, DayEnd::Start)?;
    // An open end is now, so the digest can say which window it covers.
    let until = match a.until.as_deref() {
        Some(s) => parse_when("--until", s, DayEnd::End)?,
        None => Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
    };
    let (settings, dd) = existing_data(global)?;
    let subject = canonical_name(&settings, a.subject.as_deref())?;
    let store = Store::open_for_reading(&dd.store_path()).map_err(|e| {
        Fail::Work(anyhow::Error::new(e).context(dd.store_path().display().to_string()))
    })?;
    let stored = store
        .articles_between(Some(&since), Some(&until))
        .map_err(|e| Fail::Work(anyhow::Error::new(e).context("reading articles")))?;
    let articles: Vec<DigestArticle> = stored.into_iter().map(to_digest_article).collect();
    let opts = DigestOptions {
        title: match &subject {
            Some(s) => format!("News digest: {s}"),
            None => "News digest".to_string(),
        },
        since: Some(since),
        until: Some(until),
        // Group everything; --subject and --limit cut the ranked list afterwards.
        max_stories: usize::MAX,
        summary_sentences: settings.file.summary.sentences,
        ..DigestOptions::default()
    };
    let mut digest = build_digest(&articles, &opts);
    if let Some(name) = &subject {
        keep_subject(&mut digest, &articles, name);
    }
    digest.stories.truncate(a.limit);
    for (i, s) in digest.stories.iter_mut().enumerate() {
        s.rank = i + 1;
    }
    let out = match a.format {
        DigestFormat::Markdown => render_markdown(&digest),
        DigestFormat::Html => render_html(&digest),
        DigestFormat::Json => json_one(&digest, Format::Json)?,
    };
    match &a.out {
        Some(path) => std::fs::write(path, out)
            .with_context(|| path.display().to_string())
            .map_err(Fail::Input),
        None => write_stdout(&out),
    }
}

/// What the digest needs from a stored article.
fn to_digest_article(s: StoredArticle) -> DigestArticle {
    let r = s.record;
    DigestArticle {
        id: s.id,
        url: r.url.unwrap_or(s.key),
        title: r.title,
        source: s.source,
        published: r.published,
        summary: r.summary,
        text: r.text,
        entities: r.entities,
        facts: r.facts,
    }
}

/// Keeps the stories in which some article names `name` (a canonical name, or an
/// alias the article itself recorded), case-insensitively.
fn keep_subject(digest: &mut Digest, articles: &[DigestArticle], name: &str) {
    let want = name.to_lowercase();
    let mentions: std::collections::HashSet<i64> = articles
        .iter()
        .filter(|a| {
            a.entities.iter().any(|e| {
                e.name.to_lowercase() == want || e.aliases.iter().any(|x| x.to_lowercase() == want)
            })
        })
        .map(|a| a.id)
        .collect();
    digest
        .stories
        .retain(|s| s.outlets.iter().any(|o| mentions.contains(&o.article_id)));
}

#[cfg(test)]
mod tests {
    use factwire_core::{Entity, EntityKind};

    use super::*;

    fn article(id: i64, title: &str, text: &str, entity: Option<&str>) -> DigestArticle {
        DigestArticle {
            id,
            url: format!("https://a{id}.example/x"),
            title: Some(title.to_string()),
            source: Some(format!("a{id}.example")),
            published: Some(format!("2026-02-0{id}T10:00:00Z")),
            summary: vec![],
            text: text.to_string(),
            entities: entity
                .map(|n| Entity {
                    name: n.to_string(),
                    kind: EntityKind::Org,
                    aliases: vec![],
                    mentions: 1,
                })
                .into_iter()
                .collect(),
            facts: vec![],
        }
    }

    #[test]
    fn subject_filter_keeps_only_stories_naming_the_entity() {
        let arts = vec![
            article(
                1,
                "Acme opens a plant",
                "Acme opened a battery plant in Ohio.",
                Some("Acme"),
            ),
            article(
                2,
                "Rain in Spain",
                "It rained all week on the plains of Spain.",
                None,
            ),
        ];
        let mut d = build_digest(&arts, &DigestOptions::default());
        assert_eq!(d.stories.len(), 2);
        keep_subject(&mut d, &arts, "ACME");
        assert_eq!(d.stories.len(), 1);
        assert_eq!(d.stories[0].headline, "Acme opens a plant");
        keep_subject(&mut d, &arts, "Globex");
        assert!(d.stories.is_empty());
    }
}
