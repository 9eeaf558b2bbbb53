//! The user's query language, parsed by hand into a small syntax tree.
//!
//! ```text
//! query   := item*
//! item    := "OR" | "AND" | "NOT" | clause
//! clause  := ["-" | "+"] [field ":"] (word | "\"" phrase "\"")
//! field   := "title" | "entity" | "source" | "metric"      (case-insensitive)
//! ```
//!
//! - Plain words are *soft*: all of them are preferred, any one is accepted.
//! - `"a phrase"`, `+word` and `field:value` are *required*.
//! - `-x` and `NOT x` exclude; `a OR b` makes two clauses alternatives of one another.
//! - `AND` is accepted and ignored (it is the preference anyway).
//! - A `word:rest` whose prefix looks like a field but is none (a typo, `titel:`, or
//!   another search engine's operator, `site:`) is an error listing the fields. Other
//!   words with a colon are text: a URL (`https://…`), a time (`10:30`), a name
//!   (`re:Invent`), a trailing colon (`breaking: news`).
//! - `source:` takes a host or a URL (read as its host).
//! - Input that is not blank but holds no term (`-`, `AND`) is an error: nothing to
//!   search for. Blank input parses to nothing (match every document, for filters).
//!
//! Errors carry the char position of the offending token, so the CLI can point at it.

/// Which field a clause targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// Title, entities and body, weighted.
    Any,
    /// `title:`
    Title,
    /// `entity:`
    Entity,
    /// `source:`
    Source,
    /// `metric:`
    Metric,
}

/// One clause of the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Clause {
    /// Where to look.
    pub target: Target,
    /// The text as typed (a word or the inside of a phrase).
    pub text: String,
    /// Written in quotes.
    pub phrase: bool,
    /// Excluded (`-x`, `NOT x`).
    pub negated: bool,
    /// Marked `+x`.
    pub required: bool,
    /// Char offset where the clause starts.
    pub pos: usize,
}

/// A syntax error: message and char position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub position: usize,
    pub message: String,
}

/// The most clauses one query may have.
pub(crate) const MAX_CLAUSES: usize = 64;

/// Parses `input` into groups: each group is one clause or several `OR`-ed ones.
pub(crate) fn parse(input: &str) -> Result<Vec<Vec<Clause>>, SyntaxError> {
    let chars: Vec<char> = input.chars().collect();
    let mut items: Vec<Item> = Vec::new();
    let mut i = 0;
    let mut pending_not: Option<usize> = None;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let mut negated = pending_not.take().is_some();
        let mut required = false;
        if matches!(chars[i], '-' | '+') {
            match chars.get(i + 1) {
                Some(c) if !c.is_whitespace() => {
                    negated |= chars[i] == '-';
                    required = chars[i] == '+';
                    i += 1;
                }
                _ => {
                    // A lone dash or plus between words is punctuation.
                    i += 1;
                    continue;
                }
            }
        }
        // Field prefix?
        let mut target = Target::Any;
        if chars[i] != '"' {
            let word_end = scan_word(&chars, i);
            if let Some(colon) = (i..word_end).find(|&k| chars[k] == ':') {
                let name: String = chars[i..colon].iter().collect();
                if let Some(t) = field_target(&name) {
                    target = t;
                    i = colon + 1;
                    if i >= chars.len() || chars[i].is_whitespace() {
                        return Err(SyntaxError {
                            position: start,
                            message: format!("missing value after `{name}:`"),
                        });
                    }
                } else if looks_like_field(&name, &chars[colon + 1..]) {
                    return Err(SyntaxError {
                        position: i,
                        message: format!(
                            "unknown field `{name}:` (known fields: {}); to search for \
                             the text, put it in quotes",
                            FIELDS.join(", ")
                        ),
                    });
                }
            }
        }
        let (text, phrase) = if chars[i] == '"' {
            let close = (i + 1..chars.len()).find(|&k| chars[k] == '"');
            let Some(close) = close else {
                return Err(SyntaxError {
                    position: i,
                    message: "unclosed quote".into(),
                });
            };
            let text: String = chars[i + 1..close].iter().collect();
            i = close + 1;
            if text.trim().is_empty() {
                return Err(SyntaxError {
                    position: start,
                    message: "empty phrase".into(),
                });
            }
            (text.trim().to_string(), true)
        } else {
            let end = scan_word(&chars, i);
            let text: String = chars[i..end].iter().collect();
            i = end;
            (text, false)
        };
        let bare = !phrase && !negated && !required && target == Target::Any;
        if bare && text == "OR" {
            items.push(Item::Or(start));
            continue;
        }
        if bare && text == "AND" {
            continue;
        }
        if bare && text == "NOT" {
            pending_not = Some(start);
            continue;
        }
        let text = match target {
            // `source:https://www.example.com/a` means the host, as `--source` does.
            Target::Source if text.contains("://") => {
                factwire_core::source_of(&text).unwrap_or(text)
            }
            _ => text,
        };
        items.push(Item::Clause(Clause {
            target,
            text,
            phrase,
            negated,
            required,
            pos: start,
        }));
    }
    if let Some(pos) = pending_not {
        return Err(SyntaxError {
            position: pos,
            message: "NOT needs a term after it".into(),
        });
    }
    if items.is_empty() && !input.trim().is_empty() {
        // "-", "+ -", "AND": something was typed, but not one term.
        return Err(SyntaxError {
            position: 0,
            message: "nothing to search for: give at least one word".into(),
        });
    }
    group(items)
}

/// The field prefixes, as the error for an unknown one lists them.
const FIELDS: [&str; 4] = ["title", "entity", "source", "metric"];

/// Whether `name:rest` is meant as a field prefix rather than text with a colon in it:
/// the name is a typo of a known field (`titel:`, `sorce:`, within two edits) or an
/// operator of other search engines (`site:`, `intitle:`, `author:`), and a value
/// follows. Everything else with a colon is text: a pasted URL (`https://…`), a time
/// (`10:30`), a name such as `re:Invent`, a trailing colon (`breaking: news`).
fn looks_like_field(name: &str, rest: &[char]) -> bool {
    const OPERATORS: [&str; 14] = [
        "site",
        "intitle",
        "inurl",
        "intext",
        "url",
        "author",
        "date",
        "tag",
        "kind",
        "subject",
        "published",
        "since",
        "until",
        "lang",
    ];
    let name = name.to_lowercase();
    let has_value = rest.first().is_some_and(|c| !c.is_whitespace());
    let url = rest.starts_with(&['/', '/']);
    let typo = name.chars().count() >= 4 && FIELDS.iter().any(|f| edits(&name, f) <= 2);
    has_value && !url && (typo || OPERATORS.contains(&name.as_str()))
}

/// The Levenshtein distance between two short words.
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

enum Item {
    Clause(Clause),
    Or(usize),
}

fn group(items: Vec<Item>) -> Result<Vec<Vec<Clause>>, SyntaxError> {
    let mut groups: Vec<Vec<Clause>> = Vec::new();
    let mut join_next: Option<usize> = None;
    let mut count = 0;
    for item in items {
        match item {
            Item::Or(pos) => {
                if join_next.is_some() || groups.is_empty() {
                    return Err(or_error(pos));
                }
                join_next = Some(pos);
            }
            Item::Clause(c) => {
                count += 1;
                if count > MAX_CLAUSES {
                    return Err(SyntaxError {
                        position: c.pos,
                        message: format!("too many terms (at most {MAX_CLAUSES})"),
                    });
                }
                match join_next.take() {
                    Some(pos) => {
                        let Some(last) = groups.last_mut() else {
                            return Err(or_error(pos));
                        };
                        if c.negated || last.iter().any(|x| x.negated) {
                            return Err(SyntaxError {
                                position: pos,
                                message: "an excluded term cannot be part of OR".into(),
                            });
                        }
                        last.push(c);
                    }
                    None => groups.push(vec![c]),
                }
            }
        }
    }
    if let Some(pos) = join_next {
        return Err(or_error(pos));
    }
    Ok(groups)
}

fn or_error(pos: usize) -> SyntaxError {
    SyntaxError {
        position: pos,
        message: "OR needs a term on both sides".into(),
    }
}

/// End (exclusive) of the word starting at `i`: up to whitespace or a quote.
fn scan_word(chars: &[char], i: usize) -> usize {
    let mut end = i;
    while end < chars.len() && !chars[end].is_whitespace() && (end == i || chars[end] != '"') {
        // A quote right after `field:` starts the phrase value; handled by the caller.
        if chars[end] == ':' && chars.get(end + 1) == Some(&'"') {
            return end + 1;
        }
        end += 1;
    }
    end
}

fn field_target(name: &str) -> Option<Target> {
    match name.to_ascii_lowercase().as_str() {
        "title" => Some(Target::Title),
        "entity" => Some(Target::Entity),
        "source" => Some(Target::Source),
        "metric" => Some(Target::Metric),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(q: &str) -> Vec<Vec<String>> {
        parse(q)
            .unwrap()
            .into_iter()
            .map(|g| g.into_iter().map(|c| c.text).collect())
            .collect()
    }

    #[test]
    fn words_phrases_and_or() {
        assert_eq!(
            texts(r#"aws "web services" azure OR gcp"#),
            vec![
                vec!["aws".to_string()],
                vec!["web services".to_string()],
                vec!["azure".to_string(), "gcp".to_string()],
            ]
        );
        let g = parse(r#""a b""#).unwrap();
        assert!(g[0][0].phrase);
    }

    #[test]
    fn exclusion_and_required() {
        let g = parse("aws -azure NOT gcp +oracle").unwrap();
        assert!(!g[0][0].negated);
        assert!(g[1][0].negated && g[1][0].text == "azure");
        assert!(g[2][0].negated && g[2][0].text == "gcp");
        assert!(g[3][0].required && g[3][0].text == "oracle");
        // A lone dash is punctuation.
        assert_eq!(texts("aws - azure").len(), 2);
    }

    #[test]
    fn field_prefixes() {
        let g = parse(r#"title:"record quarter" -source:Example.com entity:AWS metric:revenue"#)
            .unwrap();
        assert_eq!(g[0][0].target, Target::Title);
        assert_eq!(g[0][0].text, "record quarter");
        assert!(g[0][0].phrase);
        assert_eq!(g[1][0].target, Target::Source);
        assert!(g[1][0].negated);
        assert_eq!(g[2][0].target, Target::Entity);
        assert_eq!(g[3][0].target, Target::Metric);
        // URLs, times and trailing colons stay words.
        let g = parse("https://a.example/x 10:30 breaking: re:Invent 3:1").unwrap();
        assert_eq!(g[0][0].target, Target::Any);
        assert_eq!(g[0][0].text, "https://a.example/x");
        assert_eq!(g.len(), 5);
        // A source given as a URL is its host.
        let g = parse("source:https://www.Example.com/a/b").unwrap();
        assert_eq!(g[0][0].text, "example.com");
    }

    #[test]
    fn errors_carry_positions() {
        let e = parse(r#"aws "web services"#).unwrap_err();
        assert_eq!((e.position, e.message.as_str()), (4, "unclosed quote"));
        assert_eq!(parse("OR aws").unwrap_err().position, 0);
        assert_eq!(parse("aws OR").unwrap_err().position, 4);
        assert_eq!(parse("aws OR OR b").unwrap_err().position, 7);
        assert_eq!(parse("aws title:").unwrap_err().position, 4);
        assert_eq!(parse(r#"x """#).unwrap_err().message, "empty phrase");
        assert_eq!(parse("a OR -b").unwrap_err().position, 2);
        assert_eq!(parse("aws NOT").unwrap_err().position, 4);
        // Char positions, not bytes.
        assert_eq!(parse("é \"x").unwrap_err().position, 2);
        let e = parse("aws titel:cloud").unwrap_err();
        assert_eq!(e.position, 4);
        assert!(
            e.message.contains("title, entity, source, metric"),
            "{}",
            e.message
        );
        assert!(
            parse(r#"site:"a b""#)
                .unwrap_err()
                .message
                .contains("`site:`")
        );
        for nothing in ["-", "+", "- +", "AND", " - "] {
            let e = parse(nothing).unwrap_err();
            assert!(e.message.contains("nothing to search for"), "{nothing:?}");
        }
        let many = "w ".repeat(MAX_CLAUSES + 1);
        assert!(parse(&many).is_err());
    }

    #[test]
    fn empty_and_odd_input_never_panics() {
        for q in [
            "", "   ", "-", "+", "\"", ":", "title:\"", "-\"", "OR", "NOT", "\u{0}",
        ] {
            let _ = parse(q);
        }
        assert!(parse("").unwrap().is_empty());
    }
}
