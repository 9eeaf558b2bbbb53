//! Text → numeric facts and named entities, with char spans and attribution.
//!
//! [`Extractor::extract`] reads one normalised article text (paragraphs separated by
//! blank lines) and returns every money amount, percentage, count, quantity, calendar
//! date and fiscal or calendar period it can find, each with its exact char span, the
//! sentence it sits in, and where the sentence allows, the entity it is about
//! (`subject`), what it measures (`metric`) and the period it is for (`period`). It
//! also returns the named entities of the article, each once, with a mention count.
//!
//! It is pure and synchronous: no I/O, no logging, no panics on any input. Build one
//! [`Extractor`] and reuse it: [`Extractor::new`] compiles the gazetteer matcher and
//! regexes once.
//!
//! How it works, in order (one module each):
//! 1. [`lex`]: sentences (from `factwire_core::text::sentences`) are cut into number,
//!    word and punctuation tokens with byte offsets.
//! 2. [`entities`]: gazetteer names ([`Gazetteer`], `config/entities.toml`) are matched
//!    in one pass; people, firms and products it does not know are discovered from
//!    titles, corporate suffixes and product-code shapes, and merged with their short
//!    forms ("Andy Jassy" … "Jassy").
//! 3. [`facts`]: each sentence's tokens are scanned for dates, periods and number
//!    expressions; model and version numbers, list numbering, times of day, URLs and
//!    numbers inside names are refused.
//! 4. [`periods`]: quarters, months and dates written without a year get the year the
//!    document makes clear.
//! 5. [`attrib`]: subject, metric and period from the fact's own sentence; in pipe
//!    tables, a header row's periods date the cells below it and a caption such as
//!    "Net sales (in US$ million)" scales bare cells and names their metric.
//!
//! Offsets are converted from bytes to chars at the very end with
//! [`factwire_core::text::CharIndex`], so `text[start..end]` counted in chars is
//! always `fact.text`.
//!
//! ```
//! use factwire_extractor::{Context, Extractor, Gazetteer};
//! let ex = Extractor::new(Gazetteer::builtin());
//! let ctx = Context { published: Some("2026-02-05T12:00:00Z".into()), title: None };
//! let out = ex.extract("AWS revenue rose 24% to $35.6 billion in Q4 2025.", &ctx);
//! let money = out.facts.iter().find(|f| f.text == "$35.6 billion").unwrap();
//! assert_eq!(money.value, Some(35.6e9));
//! assert_eq!(money.subject.as_deref(), Some("Amazon Web Services"));
//! assert_eq!(money.metric.as_deref(), Some("revenue"));
//! assert_eq!(money.period.as_deref(), Some("2025-Q4"));
//! assert_eq!(out.entities[0].name, "Amazon Web Services");
//! ```

pub mod attrib;
pub mod entities;
pub mod facts;
mod fasthash;
mod gazetteer;
pub mod lex;
pub mod numbers;
pub mod periods;

use std::ops::Range;

use factwire_core::text::{CharIndex, paragraphs, sentences};
use factwire_core::{Entity, EntityKind, Fact, FactKind};
use regex::Regex;

pub use gazetteer::{Entry, Gazetteer, Role};

use crate::entities::{Ent, Finder, Matcher};
use crate::facts::{RawFact, Scanner, TableScale};
use crate::lex::{Tk, Token};
use crate::periods::{RawDate, RawPeriod, TimeContext, format_date, format_period, parse_ymd};

/// What can go wrong: only reading a gazetteer file. Extraction itself never fails.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The gazetteer is not valid TOML or has an unknown key (the message names the
    /// line, column and key).
    #[error("gazetteer: {message}")]
    Toml {
        /// The TOML parser's message.
        message: String,
    },
    /// An entry has a bad value.
    #[error("gazetteer entry #{index} ({name:?}): bad value {value:?} for key `{key}`")]
    Entry {
        /// 1-based position of the `[[entity]]` table.
        index: usize,
        /// The entry's name.
        name: String,
        /// The key.
        key: String,
        /// The offending value.
        value: String,
    },
}

/// This crate's result type.
pub type Result<T> = std::result::Result<T, Error>;

/// What is known about the document besides its text.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// Publication time, RFC 3339; used to date "Jan. 28" and "the third quarter".
    pub published: Option<String>,
    /// Headline (not scanned for facts).
    pub title: Option<String>,
}

/// The facts and entities of one text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extraction {
    /// Facts in text order.
    pub facts: Vec<Fact>,
    /// Entities, each once, in order of first mention.
    pub entities: Vec<Entity>,
}

/// The extractor: a gazetteer, its compiled matcher, and the regexes. Reuse it.
#[derive(Debug, Clone)]
pub struct Extractor {
    gazetteer: Gazetteer,
    matcher: Matcher,
    url: Regex,
    ymd: Regex,
    table: Regex,
}

/// Per-sentence working data.
struct Sent {
    range: Range<usize>,
    toks: Range<usize>,
    para_start: bool,
    heading: bool,
    /// A piece of a sentence longer than [`lex::MAX_SENTENCE`]: its facts carry a
    /// window around them, not the piece.
    cut: bool,
}

impl Extractor {
    /// Builds an extractor over `gazetteer` (compiles the matcher and the regexes).
    pub fn new(gazetteer: Gazetteer) -> Self {
        let matcher = Matcher::new(&gazetteer);
        Extractor {
            gazetteer,
            matcher,
            url: re(
                r"(?i)(?:https?://|www\.)[^\s<>()]+|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|io|ai|co|gov|edu|dev|cloud)/[^\s<>()]*",
            ),
            ymd: re(
                r"(?-u:\b)(?:((?:19|20)\d\d)-(\d{1,2})-(\d{1,2})|((?:19|20)\d\d)\.(\d{1,2})\.(\d{1,2})|((?:19|20)\d\d)/(\d{1,2})/(\d{1,2})|(\d{1,2})/(\d{1,2})/((?:19|20)\d\d))(?-u:\b)",
            ),
            table: re(
                r"(?i)(?-u:\b)in\s+(US\$|\$|€|£|USD|EUR|GBP|dollars|euros|pounds)?\s*(thousands|thousand|millions|million|billions|billion|mn|m|bn)(?-u:\b)",
            ),
        }
    }

    /// The gazetteer in use.
    pub fn gazetteer(&self) -> &Gazetteer {
        &self.gazetteer
    }

    /// Extracts facts and entities from normalised text.
    pub fn extract(&self, text: &str, ctx: &Context) -> Extraction {
        let published = ctx.published.as_deref().and_then(parse_ymd);

        // URLs never yield facts or entities.
        let mut blocked: Vec<(usize, usize)> = if text.contains('/') || text.contains("www.") {
            self.url
                .find_iter(text)
                .map(|m| (m.start(), m.end()))
                .collect()
        } else {
            Vec::new()
        };

        // Sentences (a long one in bounded pieces) and tokens.
        let mut toks: Vec<Token> = Vec::with_capacity(text.len() / 4 + 16);
        let mut sents: Vec<Sent> = Vec::new();
        let mut pieces: Vec<Range<usize>> = Vec::new();
        for sentence in sentences(text) {
            let cut = sentence.len() > lex::MAX_SENTENCE;
            pieces.clear();
            lex::bounded_pieces(text, sentence, lex::MAX_SENTENCE, &mut pieces);
            for r in pieces.drain(..) {
                self.push_sentence(text, r, cut, &mut toks, &mut sents);
            }
        }

        // Numeric dates (2026-02-05, 2026.02.06, 1/28/2026).
        let mut ymd_facts: Vec<(usize, usize, RawDate)> = Vec::new();
        for c in self.ymd.captures_iter(text) {
            let Some(m) = c.get(0) else { continue };
            if lex::overlaps(&blocked, m.start(), m.end()) {
                continue;
            }
            let g = |i: usize| c.get(i).and_then(|x| x.as_str().parse::<u32>().ok());
            let (y, mo, d) = if let Some(y) = g(1) {
                (y, g(2), g(3))
            } else if let Some(y) = g(4) {
                (y, g(5), g(6))
            } else if let Some(y) = g(7) {
                (y, g(8), g(9))
            } else {
                (g(12).unwrap_or(0), g(10), g(11))
            };
            let (Some(mo), Some(d)) = (mo, d) else {
                continue;
            };
            if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
                continue;
            }
            let year = i32::try_from(y).ok();
            ymd_facts.push((
                m.start(),
                m.end(),
                RawDate {
                    year,
                    month: mo,
                    day: d,
                },
            ));
        }

        // Entities.
        let mut finder = Finder::new(text, &self.gazetteer, &self.matcher);
        finder.gazetteer_pass(&blocked);
        for s in &sents {
            finder.discover(&toks[s.toks.clone()], s.heading);
        }
        finder.finish(&toks);
        let (ents, mentions) = finder.into_parts();

        // Numbers inside names ("Nasdaq 100", "GB200") and numeric dates are not facts.
        let mut fact_blocked = blocked.clone();
        for m in &mentions {
            if text[m.s..m.e].bytes().any(|b| b.is_ascii_digit()) {
                fact_blocked.push((m.s, m.e));
            }
        }
        fact_blocked.extend(ymd_facts.iter().map(|&(s, e, _)| (s, e)));
        fact_blocked.sort_unstable();
        blocked.clear();

        // Tables: "(in US$ million)" scales the bare numbers of the rows after it.
        let tables = if text.contains("illion") || text.contains("housand") {
            self.table_scopes(text, &paragraphs(text))
        } else {
            Vec::new()
        };

        // Scan.
        let mut raw: Vec<(usize, RawFact)> = Vec::new();
        let mut ti = 0;
        for (si, s) in sents.iter().enumerate() {
            while ti < tables.len() && tables[ti].0.end < s.range.end {
                ti += 1;
            }
            let st = &toks[s.toks.clone()];
            let lo = fact_blocked.partition_point(|b| b.1 <= s.range.start);
            let hi = fact_blocked.partition_point(|b| b.0 < s.range.end);
            let table = tables
                .get(ti)
                .filter(|(r, _)| r.start <= s.range.start && s.range.end <= r.end)
                .map(|(_, t)| *t);
            let mut sc = Scanner::new(text, st, &fact_blocked[lo..hi.max(lo)], table, s.para_start);
            for f in sc.scan() {
                raw.push((si, f));
            }
        }
        for (s, e, d) in ymd_facts {
            let si = sents
                .partition_point(|x| x.range.end < e)
                .min(sents.len().saturating_sub(1));
            let mut f = RawFact {
                kind: FactKind::Date,
                s,
                e,
                value: None,
                value_max: None,
                unit: None,
                date: Some(d),
                period: None,
                t0: 0,
                t1: 0,
                per_share: false,
                future: false,
            };
            if let Some(sent) = sents.get(si) {
                let st = &toks[sent.toks.clone()];
                f.t0 = st.iter().position(|t| t.s >= s).unwrap_or(0);
                f.t1 = st.iter().position(|t| t.s >= e).unwrap_or(st.len());
            }
            raw.push((si, f));
        }
        raw.sort_by_key(|(si, f)| (*si, f.s));
        let (raw_si, raw): (Vec<usize>, Vec<RawFact>) = raw.into_iter().unzip();

        // The reference date: the caller's, else the text's own stamp or dateline.
        let published = published.or_else(|| {
            periods::dateline(
                text,
                raw.iter()
                    .filter(|f| f.kind == FactKind::Date)
                    .filter_map(|f| f.date.map(|d| (f.s, d))),
            )
        });

        // Years: resolve in document order.
        let fy_end = self.doc_fiscal_year_end(&ents);
        let mut tc = TimeContext {
            published,
            ..Default::default()
        };
        let mut year_counts: Vec<(i32, u32)> = Vec::new();
        for f in &raw {
            match f.period {
                Some(RawPeriod::Quarter {
                    fiscal: false,
                    q,
                    year: Some(y),
                }) if tc.first_quarter.is_none() => tc.first_quarter = Some((y, q)),
                Some(
                    RawPeriod::FiscalYear(Some(y))
                    | RawPeriod::Quarter {
                        fiscal: true,
                        year: Some(y),
                        ..
                    },
                ) if tc.first_fiscal_year.is_none() => {
                    tc.first_fiscal_year = Some(y);
                }
                // "by the end of 2027", "since 2020": a horizon, not the story's year.
                Some(RawPeriod::Year(_)) if is_horizon(&text[..f.s]) => {}
                Some(RawPeriod::Year(y)) => match year_counts.iter_mut().find(|(x, _)| *x == y) {
                    Some(c) => c.1 += 1,
                    None => year_counts.push((y, 1)),
                },
                _ => {}
            }
        }
        tc.common_year = year_counts
            .iter()
            .max_by_key(|(y, c)| (*c, *y))
            .map(|(y, _)| *y);

        // In a document that names its quarters fiscally ("fiscal second quarter"),
        // a bare "third quarter" is fiscal too.
        let doc_fiscal = raw.iter().find_map(|f| match f.period {
            Some(RawPeriod::Quarter { fiscal, .. }) => Some(fiscal),
            _ => None,
        }) == Some(true);
        // A company whose fiscal year does not end in December, in a document that
        // names a fiscal period, names its quarters fiscally: "Q3 2026" is `FY2026-Q3`.
        // (The article's own company, not another one it mentions.)
        let main_fiscal = main_org(&ents)
            .and_then(|m| ents[m].fiscal_year_end)
            .is_some_and(|e| e != 12);
        let fiscal_company = fy_end != 12
            && main_fiscal
            && raw.iter().any(|f| {
                matches!(
                    f.period,
                    Some(RawPeriod::FiscalYear(Some(_)) | RawPeriod::Quarter { fiscal: true, .. })
                )
            });
        let mut resolved: Vec<Option<String>> = Vec::with_capacity(raw.len());
        for f in &raw {
            let period = match f.period {
                Some(RawPeriod::Quarter {
                    fiscal: false,
                    q,
                    year: None,
                }) if doc_fiscal => Some(RawPeriod::Quarter {
                    fiscal: true,
                    q,
                    year: None,
                }),
                Some(RawPeriod::Quarter {
                    fiscal: false,
                    q,
                    year: Some(y),
                }) if fiscal_company => Some(RawPeriod::Quarter {
                    fiscal: true,
                    q,
                    year: Some(y),
                }),
                p => p,
            };
            let r = match (f.kind, period, f.date) {
                (FactKind::Period, Some(p), _) => {
                    let s = format_period(p, &tc, fy_end, f.future);
                    match p {
                        RawPeriod::Quarter {
                            fiscal: false,
                            q,
                            year,
                        } => {
                            if let Some(y) = year.or_else(|| tc.quarter_year(q)) {
                                tc.last_quarter = Some((y, q));
                            }
                        }
                        RawPeriod::FiscalYear(Some(y))
                        | RawPeriod::Quarter {
                            fiscal: true,
                            year: Some(y),
                            ..
                        } => tc.last_fiscal_year = Some(y),
                        _ => {}
                    }
                    s
                }
                (FactKind::Date, _, Some(d)) => format_date(d, &tc, f.future),
                _ => None,
            };
            resolved.push(r);
        }

        // Attribution, sentence by sentence.
        let mut attrs = vec![attrib::Attribution::default(); raw.len()];
        // Before the first sentence that names a company, figures are about the
        // company the article names most (a headline or a bullet list may come first).
        let mut focus: Option<usize> = main_org(&ents);
        let mut mi = 0;
        let mut ri = 0;
        // "The quarter" is the first quarter the document names (fiscal or calendar).
        let ref_quarter: Option<String> = raw
            .iter()
            .zip(&resolved)
            .find(|(f, r)| {
                r.is_some() && matches!(f.period, Some(RawPeriod::Quarter { year: Some(_), .. }))
            })
            .or_else(|| {
                raw.iter().zip(&resolved).find(|(f, r)| {
                    r.is_some() && matches!(f.period, Some(RawPeriod::Quarter { .. }))
                })
            })
            .and_then(|(_, r)| r.clone())
            .or_else(|| tc.reference_quarter().map(|(y, q)| format!("{y}-Q{q}")));
        let mut header: Option<TableHeader> = None;
        // The period a list heading ending in ":" gives its bullets.
        let mut list_period: Option<String> = None;
        let has_pipes = text.contains('|');
        // The metric a table caption names ("Net sales (in US$ million)").
        let mut caption: Option<&'static str> = None;
        for (si, s) in sents.iter().enumerate() {
            let st = &toks[s.toks.clone()];
            while mi < mentions.len() && mentions[mi].s < s.range.start {
                mi += 1;
            }
            let mut mj = mi;
            while mj < mentions.len() && mentions[mj].s < s.range.end {
                mj += 1;
            }
            let r0 = ri;
            while ri < raw.len() && raw_si[ri] == si {
                ri += 1;
            }
            let facts = &raw[r0..ri];
            let before = focus;
            if facts.is_empty() {
                // Keep the focus current even without facts.
                let _ = attrib::attribute(
                    &attrib::SentenceInput {
                        text,
                        toks: st,
                        mentions: &mentions[mi..mj],
                        ents: &ents,
                        facts: &[],
                        periods: &[],
                        cues: &[],
                    },
                    &mut focus,
                );
                header = None;
                if has_pipes {
                    caption = money_caption(text, st).or(caption);
                }
                continue;
            }
            let mut cues = period_cues(text, st, ref_quarter.as_deref(), published);
            let ended = ended_cues(text, st, facts, &resolved[r0..ri], fy_end);
            cues.extend(ended.iter().cloned());
            // "In the quarter ended September 30, 2025:" dates the bullets below it.
            let first = st.first().map_or("", |t| &text[t.s..t.e]);
            let bullet = matches!(first, "-" | "•" | "*" | "–");
            if bullet && let Some(p) = &list_period {
                cues.push((0, p.clone()));
            }
            let a = attrib::attribute(
                &attrib::SentenceInput {
                    text,
                    toks: st,
                    mentions: &mentions[mi..mj],
                    ents: &ents,
                    facts,
                    periods: &resolved[r0..ri],
                    cues: &cues,
                },
                &mut focus,
            );
            let last = st.last().map_or("", |t| &text[t.s..t.e]);
            if last == ":" {
                list_period = heading_period(facts, &resolved[r0..ri], &cues);
            } else if !bullet {
                list_period = None;
            }
            // A table row's label does not change what the article is about.
            if header.is_some() {
                focus = before;
            }
            for (k, at) in a.into_iter().enumerate() {
                attrs[r0 + k] = at;
            }
            // Pipe tables: a header row with periods dates the cells below it.
            if !has_pipes {
                continue;
            }
            table_columns(
                text,
                st,
                (facts, &resolved[r0..ri]),
                &ended,
                &mut attrs[r0..ri],
                &mut header,
            );
            if header.is_none() {
                caption = money_caption(text, st);
            } else if let Some(m) = caption {
                for (f, a) in facts.iter().zip(&mut attrs[r0..ri]) {
                    if f.kind == FactKind::Money && a.metric.is_none() {
                        a.metric = Some(m);
                    }
                }
            }
        }

        // Contract facts.
        let ci = CharIndex::new(text);
        let mut facts = Vec::with_capacity(raw.len());
        for (k, (si, f)) in raw_si.iter().zip(&raw).enumerate() {
            let sentence = sents.get(*si).map_or("", |s| {
                if s.cut {
                    &text[lex::fact_window(text, s.range.clone(), f.s, f.e, lex::SENTENCE_WINDOW)]
                } else {
                    &text[s.range.clone()]
                }
            });
            let mut out = Fact::new(
                f.kind,
                &text[f.s..f.e],
                ci.char_of(f.s),
                ci.char_of(f.e),
                sentence,
            );
            match f.kind {
                FactKind::Period => {
                    let Some(p) = resolved[k].clone() else {
                        continue;
                    };
                    out.period = Some(p);
                }
                FactKind::Date => {
                    let Some(d) = resolved[k].clone() else {
                        continue;
                    };
                    out.date = Some(d);
                }
                _ => {
                    out.value = f.value;
                    out.value_max = f.value_max;
                    out.unit = f.unit.clone();
                    let a = &attrs[k];
                    out.subject = a.subject.map(|i| ents[i].name.clone());
                    out.metric = a.metric.map(str::to_string);
                    out.period = a.period.clone();
                    out.direction = a.direction;
                }
            }
            facts.push(out);
        }
        Extraction {
            facts,
            entities: entities::report(&ents),
        }
    }

    /// Tokenises one sentence (or piece of a long one) and records it.
    /// A sentence starts (ends) a paragraph when a blank line or the text's edge
    /// is right before (after) it: normalised text separates paragraphs by "\n\n".
    fn push_sentence(
        &self,
        text: &str,
        r: Range<usize>,
        cut: bool,
        toks: &mut Vec<Token>,
        sents: &mut Vec<Sent>,
    ) {
        let before = text[..r.start].trim_end_matches([' ', '\t']);
        let para_start = before.is_empty() || before.ends_with('\n');
        let after = text[r.end..].trim_start_matches([' ', '\t']);
        let para_end = after.is_empty() || after.starts_with('\n');
        let t0 = toks.len();
        lex::tokenize(text, r.start, r.end, toks);
        let heading = para_start && para_end && is_heading(text, &toks[t0..]);
        sents.push(Sent {
            range: r,
            toks: t0..toks.len(),
            para_start,
            heading,
            cut,
        });
    }

    /// The fiscal-year end month of the organisation the document is mostly about.
    fn doc_fiscal_year_end(&self, ents: &[Ent]) -> u32 {
        ents.iter()
            .filter(|e| e.kind == EntityKind::Org && e.fiscal_year_end.is_some())
            .max_by_key(|e| e.mentions)
            .and_then(|e| e.fiscal_year_end)
            .map_or(12, u32::from)
    }

    /// Paragraph ranges under a table header with a currency and scale.
    fn table_scopes(&self, text: &str, paras: &[Range<usize>]) -> Vec<(Range<usize>, TableScale)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < paras.len() {
            let p = &text[paras[i].clone()];
            if !self.table.is_match(p) {
                i += 1;
                continue;
            }
            let Some(c) = self.table.captures(p) else {
                i += 1;
                continue;
            };
            // A header is short, or has no sentence end.
            if p.len() > 200 && p.trim_end().ends_with('.') {
                i += 1;
                continue;
            }
            let currency = match c.get(1).map(|m| m.as_str()) {
                Some("€" | "EUR" | "euros") => "EUR",
                Some("£" | "GBP" | "pounds") => "GBP",
                Some(_) => "USD",
                None => {
                    // "(in millions)" needs a currency sign somewhere in the header.
                    if p.contains('€') {
                        "EUR"
                    } else if p.contains('£') {
                        "GBP"
                    } else if p.contains('$') || p.to_lowercase().contains("except per share") {
                        "USD"
                    } else {
                        i += 1;
                        continue;
                    }
                }
            };
            let scale = match c.get(2).map(|m| m.as_str().to_ascii_lowercase()).as_deref() {
                Some("thousands" | "thousand") => 1e3,
                Some("billions" | "billion" | "bn") => 1e9,
                _ => 1e6,
            };
            let start = paras[i].start + c.get(0).map_or(0, |m| m.end());
            let mut end = paras[i].end;
            let mut j = i + 1;
            while j < paras.len() {
                let q = &text[paras[j].clone()];
                let prose = q.len() > 160 && q.trim_end().ends_with('.');
                if prose {
                    break;
                }
                end = paras[j].end;
                j += 1;
            }
            out.push((start..end, TableScale { currency, scale }));
            i = j;
        }
        // Table scopes apply to whole sentences; widen the header's own scope.
        out.into_iter()
            .map(|(r, t)| {
                let ps = paras
                    .iter()
                    .find(|p| p.start <= r.start && r.start <= p.end)
                    .map_or(r.start, |p| p.start);
                (ps..r.end, t)
            })
            .collect()
    }
}

impl Default for Extractor {
    fn default() -> Self {
        Extractor::new(Gazetteer::builtin())
    }
}

/// Compiles a regex that is known to be valid (checked by the tests); an invalid one
/// would yield a regex that matches nothing rather than a panic.
fn re(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|_| never_matching())
}

fn never_matching() -> Regex {
    // `[^\s\S]` matches no character; this pattern always compiles.
    Regex::new(r"[^\s\S]").unwrap_or_else(|_| never_matching())
}

/// The columns of a pipe table's header row: the period of each cell and whether it
/// is a change column ("Change", "YoY", "%").
struct TableHeader {
    periods: Vec<Option<String>>,
    change: Vec<bool>,
}

/// The money metric a table caption names, if the sentence is a caption
/// ("Net sales (in US$ million)").
fn money_caption(text: &str, toks: &[Token]) -> Option<&'static str> {
    let s = &text[toks.first()?.s..toks.last()?.e];
    let l = s.to_ascii_lowercase();
    if !(l.contains("million") || l.contains("billion") || l.contains("thousand")) || s.len() > 200
    {
        return None;
    }
    attrib::money_cue_in(text, toks)
}

/// Cell index (number of `|` before) of token `i`.
fn cell_of(text: &str, toks: &[Token], i: usize) -> usize {
    toks[..i.min(toks.len())]
        .iter()
        .filter(|t| &text[t.s..t.e] == "|")
        .count()
}

/// Dates cells of a pipe table by their header's periods (period facts, or quarters
/// named by their last day: "Three months ended December 31, 2025"); a change column
/// is growth.
fn table_columns(
    text: &str,
    toks: &[Token],
    (facts, resolved): (&[RawFact], &[Option<String>]),
    ended: &[(usize, String)],
    attrs: &mut [attrib::Attribution],
    header: &mut Option<TableHeader>,
) {
    let pipes = toks.iter().filter(|t| &text[t.s..t.e] == "|").count();
    if pipes == 0 {
        *header = None;
        return;
    }
    let periods_here = facts.iter().filter(|f| f.kind == FactKind::Period).count() + ended.len();
    if periods_here >= 2 {
        let mut h = TableHeader {
            periods: vec![None; pipes + 1],
            change: vec![false; pipes + 1],
        };
        for (f, r) in facts.iter().zip(resolved) {
            if f.kind == FactKind::Period {
                h.periods[cell_of(text, toks, f.t0)] = r.clone();
            }
        }
        for (t, p) in ended {
            h.periods[cell_of(text, toks, *t)] = Some(p.clone());
        }
        let mut cell = 0;
        for t in toks {
            let w = &text[t.s..t.e];
            if w == "|" {
                cell += 1;
            } else if let Some(c) = h.change.get_mut(cell) {
                let l = w.to_ascii_lowercase();
                if matches!(
                    l.as_str(),
                    "change" | "yoy" | "growth" | "%" | "y" | "chg" | "vs"
                ) {
                    *c = true;
                }
            }
        }
        *header = Some(h);
        return;
    }
    let Some(h) = header.as_ref() else {
        return;
    };
    let first_period = h.periods.iter().flatten().next().cloned();
    for (f, a) in facts.iter().zip(attrs.iter_mut()) {
        if !matches!(
            f.kind,
            FactKind::Money | FactKind::Percent | FactKind::Count | FactKind::Quantity
        ) {
            continue;
        }
        let c = cell_of(text, toks, f.t0);
        if let Some(Some(p)) = h.periods.get(c) {
            a.period = Some(p.clone());
        } else if h.change.get(c).copied().unwrap_or(false) {
            if f.kind == FactKind::Percent {
                a.metric = Some("growth");
            }
            a.period = first_period.clone();
        }
    }
}

/// Whether the words right before a period (`before` is the text up to it) make it
/// a horizon or a starting point: "by the end of", "since", "through", "until".
fn is_horizon(before: &str) -> bool {
    for w in before
        .rsplit(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(5)
    {
        match w.to_ascii_lowercase().as_str() {
            "by" | "since" | "through" | "until" | "till" => return true,
            "the" | "end" | "of" | "start" | "beginning" | "middle" | "early" | "late" | "mid" => {}
            _ => return false,
        }
    }
    false
}

/// The organisation a document is about: the one that may be a subject (not a medium
/// or an analyst firm) named most, at least twice, or the only one named; the first
/// named on a tie.
fn main_org(ents: &[Ent]) -> Option<usize> {
    let plain = || {
        ents.iter()
            .enumerate()
            .filter(|(_, e)| e.kind == EntityKind::Org && e.role == Role::Plain && !e.code)
    };
    let best = plain().max_by_key(|(i, e)| (e.mentions, std::cmp::Reverse(*i)))?;
    (best.1.mentions >= 2 || plain().count() == 1).then_some(best.0)
}

/// A title-case line without a sentence end: a heading.
fn is_heading(text: &str, toks: &[Token]) -> bool {
    let Some(last) = toks.last() else {
        return false;
    };
    if matches!(&text[last.s..last.e], "." | "!" | "?" | "”" | "\"") {
        return false;
    }
    if toks.len() > 25 {
        return false;
    }
    let (mut words, mut caps) = (0, 0);
    for t in toks.iter().filter(|t| t.kind == Tk::Word && t.e - t.s > 3) {
        words += 1;
        if text[t.s..].chars().next().is_some_and(char::is_uppercase) {
            caps += 1;
        }
    }
    if words == 0 {
        return false;
    }
    caps * 10 >= words * 7
}

/// Shifts a resolved quarter ("2025-Q4", "FY2026-Q2") back by `n` quarters.
fn shift_quarter(p: &str, n: i32) -> Option<String> {
    let (fy, rest) = match p.strip_prefix("FY") {
        Some(r) => ("FY", r),
        None => ("", p),
    };
    let (y, q) = rest.split_once("-Q")?;
    let idx = y.parse::<i32>().ok()? * 4 + q.parse::<i32>().ok()? - 1 - n;
    Some(format!(
        "{fy}{}-Q{}",
        idx.div_euclid(4),
        idx.rem_euclid(4) + 1
    ))
}

/// The period a list heading names: its last period fact, else its last cue.
fn heading_period(
    facts: &[RawFact],
    resolved: &[Option<String>],
    cues: &[(usize, String)],
) -> Option<String> {
    facts
        .iter()
        .zip(resolved)
        .filter(|(f, _)| f.kind == FactKind::Period)
        .filter_map(|(_, r)| r.clone())
        .next_back()
        .or_else(|| cues.last().map(|(_, p)| p.clone()))
}

/// "the quarter ended February 28, 2026", "three months ended December 31, 2025": a
/// quarter dated by its last day, named the company's way (fiscal when its fiscal year
/// does not end in December: Oracle's quarter to February is `FY2026-Q3`).
fn ended_cues(
    text: &str,
    toks: &[Token],
    facts: &[RawFact],
    resolved: &[Option<String>],
    fy_end: u32,
) -> Vec<(usize, String)> {
    let lw = |i: usize| {
        toks.get(i)
            .map_or(String::new(), |t| text[t.s..t.e].to_ascii_lowercase())
    };
    let mut out = Vec::new();
    for (f, r) in facts.iter().zip(resolved) {
        let (FactKind::Date, Some(date)) = (f.kind, r) else {
            continue;
        };
        if f.t0 < 2 || !matches!(lw(f.t0 - 1).as_str(), "ended" | "ending") {
            continue;
        }
        let head = f.t0 - 2;
        if !matches!(lw(head).as_str(), "quarter" | "months" | "period") {
            continue;
        }
        if let Some(p) = periods::quarter_ending(date, fy_end) {
            out.push((head, p));
        }
    }
    out
}

/// Period cues that are not facts themselves: "the quarter", "quarterly", "this
/// year", "the previous quarter", "the same quarter a year earlier".
fn period_cues(
    text: &str,
    toks: &[Token],
    ref_quarter: Option<&str>,
    published: Option<(i32, u32, u32)>,
) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let w = |i: usize| toks.get(i).map_or("", |t| &text[t.s..t.e]);
    let lw = |i: usize| w(i).to_ascii_lowercase();
    for i in 0..toks.len() {
        let wi = w(i);
        if !(wi.eq_ignore_ascii_case("quarter")
            || wi.eq_ignore_ascii_case("quarterly")
            || wi.eq_ignore_ascii_case("year")
            || wi.eq_ignore_ascii_case("period")
            || wi.eq_ignore_ascii_case("month"))
        {
            continue;
        }
        // "this month", "last month": the publication month, or the one before.
        if wi.eq_ignore_ascii_case("month") {
            let prev = if i > 0 { lw(i - 1) } else { String::new() };
            if let Some((py, pm, _)) = published {
                let back = match prev.as_str() {
                    "this" => Some(0),
                    "last" => Some(1),
                    _ => None,
                };
                if let Some(b) = back {
                    let idx = py * 12 + i32::try_from(pm).unwrap_or(1) - 1 - b;
                    out.push((
                        i,
                        format!("{}-{:02}", idx.div_euclid(12), idx.rem_euclid(12) + 1),
                    ));
                }
            }
            continue;
        }
        // "the quarter ended September 30, 2025" is dated by its end (`ended_cues`).
        if matches!(lw(i + 1).as_str(), "ended" | "ending") {
            continue;
        }
        // "The period" is the reported quarter, like "the quarter".
        let l = match wi.to_ascii_lowercase() {
            p if p == "period" => "quarter".to_string(),
            p => p,
        };
        let prev = if i > 0 { lw(i - 1) } else { String::new() };
        if l == "quarterly" {
            if let Some(r) = ref_quarter {
                out.push((i, r.to_string()));
            }
            continue;
        }
        if l == "quarter" {
            let Some(r) = ref_quarter else { continue };
            let a_year = (lw(i + 1) == "a" && matches!(lw(i + 2).as_str(), "year"))
                && matches!(lw(i + 3).as_str(), "earlier" | "ago" | "before");
            let year_ago = prev == "year-ago" || (prev == "ago" && i > 1 && lw(i - 2) == "-");
            let shifted = if matches!(prev.as_str(), "previous" | "prior" | "preceding" | "last") {
                shift_quarter(r, 1)
            } else if a_year || year_ago || (prev == "same" && lw(i + 1) == "last") {
                shift_quarter(r, 4)
            } else if matches!(prev.as_str(), "the" | "this" | "same" | "current") {
                Some(r.to_string())
            } else {
                None
            };
            if let Some(p) = shifted {
                out.push((i, p));
            }
            continue;
        }
        // "compared with $14.1 billion a year earlier": the reported quarter a year
        // back (a comparison base's period only, see `attrib::period`).
        if prev == "a" && matches!(lw(i + 1).as_str(), "earlier" | "ago" | "before") {
            if let Some(p) = ref_quarter.and_then(|r| shift_quarter(r, 4)) {
                out.push((i, p));
            }
            continue;
        }
        // "for the full year", "full-year": the year of the quarter being reported,
        // unless a year is written right after.
        let full = prev == "full" || (prev == "-" && i > 1 && lw(i - 2) == "full");
        let for_the = prev == "the" && i > 1 && matches!(lw(i - 2).as_str(), "for" | "over");
        let next_is_year = w(i + 1).len() == 4 && w(i + 1).bytes().all(|b| b.is_ascii_digit());
        if (full || for_the) && !next_is_year {
            if let Some(r) = ref_quarter
                && let Some((y, _)) = r.split_once("-Q")
            {
                out.push((i, y.to_string()));
            }
            continue;
        }
        // "this year", "last year", "next year"
        if let Some((py, _, _)) = published {
            let y = match prev.as_str() {
                "this" => Some(py),
                "last" => Some(py - 1),
                "next" => Some(py + 1),
                _ => None,
            };
            if let Some(y) = y
                && lw(i + 1) != "ago"
            {
                out.push((i, y.to_string()));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regexes_compile() {
        let ex = Extractor::default();
        assert!(ex.url.is_match("see https://example.com/x"));
        assert!(ex.ymd.is_match("on 2026-02-05"));
        assert!(ex.table.is_match("(in US$ million)"));
    }
}
