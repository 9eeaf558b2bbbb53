//! Throughput of splitting + summarising, against the lead-N baseline in the same run,
//! and the time to build a digest over the same articles.
//!
//! ```text
//! cargo bench -p factwire-summarizer --bench summarize
//! ```
//!
//! The articles are generated here (a fixed pseudo-random mix of news-like sentences
//! with abbreviations, decimals, quotes and money), about 18 sentences and 400 words
//! each, like a median news article. The target is at least 2,000 articles a second
//! on one core.

use std::hint::black_box;
use std::io::Write;
use std::time::Instant;

const ARTICLES: usize = 400;
const ROUNDS: usize = 5;

const SUBJECTS: &[&str] = &[
    "Amazon Web Services",
    "Microsoft Corp.",
    "Alphabet Inc.",
    "The U.S. unit",
    "Oracle",
    "The company",
    "Analysts at Example Securities",
    "Its cloud division",
];
const VERBS: &[&str] = &[
    "reported revenue of $35.6 bn. for the quarter ended Dec. 31",
    "said operating income rose 24% vs. a year earlier",
    "expects capital spending of about $100 billion in fiscal 2026",
    "added 3,500 enterprise customers across Europe and Asia",
    "told investors that demand for AI capacity outstripped supply",
    "cut 1.2% of its workforce, or roughly 14,000 roles",
    "signed a seven-year contract worth $10.4 billion",
    "said \"growth is re-accelerating\" in a call with analysts",
    "lifted its data-centre capacity to 2.1 GW (up from 1.6 GW)",
    "kept its guidance of 11-15% growth for the year",
];
const TAILS: &[&str] = &[
    "according to a filing on Jan. 28.",
    "the firm said.",
    "analysts at Example Research said.",
    "which beat estimates.",
    "a person familiar with the matter said.",
    "shares rose 4.1% in late trading.",
];

/// A small deterministic generator (xorshift), so runs compare like with like.
struct Rng(u64);

impl Rng {
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        items[(self.0 % items.len() as u64) as usize]
    }
}

fn article(rng: &mut Rng) -> String {
    let mut out = String::from("Cloud results beat forecasts\n\n");
    for p in 0..6 {
        for _ in 0..3 {
            out.push_str(rng.pick(SUBJECTS));
            out.push(' ');
            out.push_str(rng.pick(VERBS));
            out.push_str(", ");
            out.push_str(rng.pick(TAILS));
            out.push(' ');
        }
        out.pop();
        if p < 5 {
            out.push_str("\n\n");
        }
    }
    out
}

fn measure(label: &str, texts: &[String], f: impl Fn(&str) -> usize) -> f64 {
    // Warm up once, then take the best of a few rounds.
    let mut sink = 0usize;
    for t in texts {
        sink += f(t);
    }
    let mut best = f64::MAX;
    for _ in 0..ROUNDS {
        let start = Instant::now();
        for t in texts {
            sink += f(black_box(t));
        }
        best = best.min(start.elapsed().as_secs_f64());
    }
    black_box(sink);
    let rate = texts.len() as f64 / best;
    let _ = writeln!(std::io::stderr(), "{label:<24} {rate:>10.0} articles/s");
    rate
}

fn main() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let texts: Vec<String> = (0..ARTICLES).map(|_| article(&mut rng)).collect();
    let words: usize = texts.iter().map(|t| t.split_whitespace().count()).sum();
    let _ = writeln!(
        std::io::stderr(),
        "{ARTICLES} generated articles, {} words each on average",
        words / ARTICLES
    );
    let lead = measure("lead-3 (split only)", &texts, |t| {
        factwire_summarizer::lead(t, 3).len()
    });
    let three = measure("summarize N=3", &texts, |t| {
        factwire_summarizer::summarize(t, Some("Cloud results beat forecasts"), &[], 3).len()
    });
    let seven = measure("summarize N=7", &texts, |t| {
        factwire_summarizer::summarize(t, None, &[], 7).len()
    });
    let _ = writeln!(
        std::io::stderr(),
        "summarize N=3 runs at {:.2}x the lead-3 rate (N=7: {:.2}x); target >= 2000 articles/s",
        three / lead,
        seven / lead
    );
    digest(&texts);
}

/// Builds a digest over the generated articles spread over three days, with stored
/// summaries (as the store has them), and reports the time.
fn digest(texts: &[String]) {
    use factwire_summarizer::digest::{DigestArticle, DigestOptions, build_digest};
    let articles: Vec<DigestArticle> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| DigestArticle {
            id: i as i64,
            url: format!("https://outlet{}.example/{i}", i % 9),
            title: Some("Cloud results beat forecasts".to_string()),
            source: Some(format!("outlet{}.example", i % 9)),
            published: Some(format!("2026-02-0{}T{:02}:00:00Z", 4 + i % 3, i % 24)),
            summary: factwire_summarizer::lead(t, 3),
            text: t.clone(),
            entities: Vec::new(),
            facts: Vec::new(),
        })
        .collect();
    let start = Instant::now();
    let d = build_digest(black_box(&articles), &DigestOptions::default());
    let elapsed = start.elapsed().as_secs_f64();
    let _ = writeln!(
        std::io::stderr(),
        "digest of {} articles: {} story groups in {:.1} ms",
        articles.len(),
        d.stories.len(),
        elapsed * 1000.0
    );
}
