//! Contract types: what `factwire` prints and stores.

use serde::{Deserialize, Serialize};

/// The article record printed by `factwire extract` and stored by `ingest`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ArticleRecord {
    /// Where the article lives (canonical when known).
    pub url: Option<String>,
    /// Headline.
    pub title: Option<String>,
    /// Author names, comma-separated.
    pub byline: Option<String>,
    /// Publication time, RFC 3339 UTC.
    pub published: Option<String>,
    /// The publication's name.
    pub site_name: Option<String>,
    /// BCP 47 language tag, primary subtag (`en`).
    pub language: Option<String>,
    /// Main text only; paragraphs separated by a blank line.
    pub text: String,
    /// Extractive summary: sentences of `text`, in article order.
    pub summary: Vec<String>,
    /// Named entities, each once.
    pub entities: Vec<Entity>,
    /// Numeric facts, in text order.
    pub facts: Vec<Fact>,
    /// The document was longer than the reader's 8 MiB cap and only its start was
    /// read: `text` (and everything found in it) covers that start only.
    #[serde(default)]
    pub truncated: bool,
    /// No article container was found, so `text` is the densest run of text blocks on
    /// the page (a best effort; may hold some boilerplate).
    #[serde(default)]
    pub body_fallback: bool,
}

/// The kind of a named entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    /// A company, agency, outlet or other organisation.
    Org,
    /// A person.
    Person,
    /// A product, service, chip or model.
    Product,
    /// A country, city or region.
    Place,
}

impl EntityKind {
    /// The contract's spelling (`org`, `person`, `product`, `place`).
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Org => "org",
            EntityKind::Person => "person",
            EntityKind::Product => "product",
            EntityKind::Place => "place",
        }
    }

    /// Parses the contract's spelling.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "org" => Some(EntityKind::Org),
            "person" => Some(EntityKind::Person),
            "product" => Some(EntityKind::Product),
            "place" => Some(EntityKind::Place),
            _ => None,
        }
    }
}

/// A named entity found in an article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// Canonical name (`Amazon Web Services`).
    pub name: String,
    /// What sort of thing it is.
    pub kind: EntityKind,
    /// Other surface forms seen in the text (`AWS`).
    pub aliases: Vec<String>,
    /// How many times it is mentioned, under any of its names.
    pub mentions: u32,
}

/// The kind of a numeric fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FactKind {
    /// An amount of money; `unit` is an ISO 4217 code.
    Money,
    /// A percentage (`%`), percentage points (`pp`) or basis points (`bp`).
    Percent,
    /// A plain number of things; `unit` the counted noun.
    Count,
    /// A measure with a unit symbol, a multiple (`x`) or a duration.
    Quantity,
    /// A calendar date, in `date`.
    Date,
    /// A fiscal or calendar period, in `period`.
    Period,
}

impl FactKind {
    /// Every kind, in the contract's order.
    pub const ALL: [FactKind; 6] = [
        FactKind::Money,
        FactKind::Percent,
        FactKind::Count,
        FactKind::Quantity,
        FactKind::Date,
        FactKind::Period,
    ];

    /// The contract's spelling (`money`, `percent`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            FactKind::Money => "money",
            FactKind::Percent => "percent",
            FactKind::Count => "count",
            FactKind::Quantity => "quantity",
            FactKind::Date => "date",
            FactKind::Period => "period",
        }
    }

    /// Parses the contract's spelling.
    pub fn parse(s: &str) -> Option<Self> {
        FactKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Which way a figure moved, as the text says it ("fell 8%" is 8 and `Down`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Rose, grew, higher, a written `+`.
    Up,
    /// Fell, declined, lower, a written `-`.
    Down,
}

impl Direction {
    /// The contract's spelling: `up` or `down`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Up => "up",
            Direction::Down => "down",
        }
    }

    /// Parses the contract's spelling.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "up" => Some(Direction::Up),
            "down" => Some(Direction::Down),
            _ => None,
        }
    }
}

/// One numeric fact, with its exact span in the article text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    /// What sort of number this is.
    pub kind: FactKind,
    /// The span's text, exactly `text[start..end]` counted in chars.
    pub text: String,
    /// Start offset in Unicode scalar values.
    pub start: usize,
    /// End offset (exclusive) in Unicode scalar values.
    pub end: usize,
    /// The value (low end of a range); null for dates and periods.
    pub value: Option<f64>,
    /// The high end of a range.
    pub value_max: Option<f64>,
    /// ISO currency, `%`/`pp`/`bp`, counted noun or unit symbol.
    pub unit: Option<String>,
    /// ISO 8601 date for `date` facts.
    pub date: Option<String>,
    /// Canonical name of the entity the number is about.
    pub subject: Option<String>,
    /// What is measured (`revenue`, `growth`, ...).
    pub metric: Option<String>,
    /// The period the number is for (`2025-Q4`, `FY2026`, ...).
    pub period: Option<String>,
    /// For a change, which way it went; `value` stays as written.
    #[serde(default)]
    pub direction: Option<Direction>,
    /// The sentence the fact was found in.
    pub sentence: String,
}

impl Fact {
    /// A fact with only its kind, span and sentence set; every other field null.
    pub fn new(
        kind: FactKind,
        text: impl Into<String>,
        start: usize,
        end: usize,
        sentence: impl Into<String>,
    ) -> Self {
        Fact {
            kind,
            text: text.into(),
            start,
            end,
            value: None,
            value_max: None,
            unit: None,
            date: None,
            subject: None,
            metric: None,
            period: None,
            direction: None,
            sentence: sentence.into(),
        }
    }
}

/// One entry read from a feed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FeedEntry {
    /// The entry's link, absolute.
    pub url: String,
    /// The entry's title, entities decoded.
    pub title: Option<String>,
    /// The entry's publication time, RFC 3339 UTC.
    pub published: Option<String>,
    /// The entry's summary or description, as plain text.
    pub summary: Option<String>,
    /// Author names.
    pub author: Option<String>,
}

/// Why one item of an ingest run did not make it into the store (or, in
/// [`RunReport::warnings`], what went wrong with one that did).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemFailure {
    /// The feed or article URL.
    pub url: String,
    /// A short class (`not_found`, `timeout`, `blocked`, `too_large`, `parse`, ...).
    pub reason: String,
    /// A human sentence with the detail.
    pub detail: String,
}

/// What one `factwire ingest` run did (the contract's run report, plus detail lists).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
    /// Feeds read.
    pub feeds: u64,
    /// Article links seen in feeds or given directly.
    pub articles_seen: u64,
    /// Articles stored for the first time.
    pub new: u64,
    /// Articles whose content changed and were replaced.
    pub updated: u64,
    /// Articles already stored and unchanged (or not modified).
    pub unchanged: u64,
    /// Items that failed (feeds or articles).
    pub failed: u64,
    /// Items skipped on purpose (robots, private address, retry backoff).
    pub skipped: u64,
    /// Stored articles found to be near-duplicate copies (syndicated reprints) of
    /// another stored article, and linked to it.
    #[serde(default)]
    pub near_duplicates: u64,
    /// Stored articles whose document was longer than the reader's 8 MiB cap, so
    /// only its start was read; each is listed in `warnings`.
    #[serde(default)]
    pub truncated: u64,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Whether a stop request (SIGINT, SIGTERM) ended the run early: what it stored is
    /// committed, and the links it did not reach stay queued for the next run.
    #[serde(default)]
    pub interrupted: bool,
    /// One entry per failed item.
    #[serde(default)]
    pub failures: Vec<ItemFailure>,
    /// One entry per skipped item.
    #[serde(default)]
    pub skips: Vec<ItemFailure>,
    /// Stored items with something to say about them (reason `truncated`: only the
    /// start of the document was read).
    #[serde(default)]
    pub warnings: Vec<ItemFailure>,
}

/// One search result, as `factwire search --format json` prints it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    /// The article's store id.
    pub id: i64,
    /// The article's URL.
    pub url: String,
    /// The article's title.
    pub title: Option<String>,
    /// The host the article came from.
    pub source: Option<String>,
    /// Publication time, RFC 3339 UTC.
    pub published: Option<String>,
    /// Relevance score (higher is better).
    pub score: f32,
    /// The best passage, plain text.
    pub snippet: String,
    /// Char offsets `[start, end)` of the matched terms inside `snippet`.
    #[serde(default)]
    pub highlights: Vec<(usize, usize)>,
    /// URLs of near-duplicate copies (syndicated reprints) folded into this hit; its
    /// length is the count of copies. Empty when the article has none in the results.
    #[serde(default)]
    pub duplicates: Vec<String>,
}

/// One row of `factwire facts`: a fact plus its article's identity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactRow {
    /// The fact itself, flattened into the row.
    #[serde(flatten)]
    pub fact: Fact,
    /// The article's store id.
    pub article_id: i64,
    /// The article's URL.
    pub url: String,
    /// The article's title.
    pub title: Option<String>,
    /// The host the article came from.
    pub source: Option<String>,
    /// The article's publication time.
    pub published: Option<String>,
}

/// The host part of a URL, lower-cased, without a leading `www.`; `None` if there is none.
pub fn source_of(url: &str) -> Option<String> {
    let rest = url.split_once("://").map(|(_, r)| r)?;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = if host.starts_with('[') {
        host
    } else {
        host.split(':').next().unwrap_or(host)
    };
    let host = host.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    (!host.is_empty()).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_values_serialise_as_null() {
        let rec = ArticleRecord::default();
        let v = serde_json::to_value(&rec).unwrap();
        for key in [
            "url",
            "title",
            "byline",
            "published",
            "site_name",
            "language",
        ] {
            assert!(v[key].is_null(), "{key}");
        }
        let f = Fact::new(FactKind::Money, "$1", 0, 2, "$1.");
        let v = serde_json::to_value(&f).unwrap();
        for key in [
            "value",
            "value_max",
            "unit",
            "date",
            "subject",
            "metric",
            "period",
        ] {
            assert!(v.get(key).is_some_and(|x| x.is_null()), "{key}");
        }
    }

    #[test]
    fn fact_row_flattens_fact() {
        let row = FactRow {
            fact: Fact::new(FactKind::Percent, "24%", 0, 3, "24%."),
            article_id: 7,
            url: "https://a.example/x".into(),
            title: None,
            source: Some("a.example".into()),
            published: None,
        };
        let v = serde_json::to_value(&row).unwrap();
        assert_eq!(v["kind"], "percent");
        assert_eq!(v["article_id"], 7);
    }

    #[test]
    fn source_of_strips_www_and_port() {
        assert_eq!(
            source_of("https://www.Example.com:8080/a?b").as_deref(),
            Some("example.com")
        );
        assert_eq!(
            source_of("http://127.0.0.1:3000/x").as_deref(),
            Some("127.0.0.1")
        );
        assert_eq!(source_of("file:///tmp/x"), None);
        assert_eq!(source_of("nonsense"), None);
    }
}
