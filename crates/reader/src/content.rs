//! Finding the article body.
//!
//! The method, in five passes over the [`Doc`] arena (each linear in the page size):
//!
//! 1. **Prune.** Elements that are never content are skipped with everything inside:
//!    scripts, styles, forms' controls, `nav`, `aside`, `footer`, `figcaption`, hidden
//!    elements (`hidden`, `aria-hidden`, `display:none`), and elements whose class or
//!    id names boilerplate (`share`, `related`, `newsletter`, `comment`, `promo`,
//!    `cookie`, ...; see [`boilerplate_name`]) unless the name also says "article
//!    body" or the element holds most of the page's prose.
//! 2. **Flatten.** The rest becomes a list of text blocks in reading order: one per
//!    paragraph-like element (`p`, headings, `li`, `blockquote`, `pre`, table cells,
//!    text directly inside a `div`), each with its length and how much of it is link
//!    text.
//! 3. **Score.** Each prose-like block (long enough, few links) adds its length to its
//!    parent and, decaying, to its ancestors; link-heavy blocks subtract. The element
//!    with the best score is the body's core. Semantic containers
//!    (`[itemprop=articleBody]`, `article`, `main`) and, when present, JSON-LD
//!    `articleBody` are cross-checks: a container that holds nearly all of the core's
//!    prose and agrees better with JSON-LD replaces it.
//! 4. **Merge.** Siblings of the core that also carry prose (an article split around an
//!    ad) are added; the result is the smallest element holding them all.
//! 5. **Filter.** Inside it, blocks are kept in order unless link-heavy, equal to the
//!    headline, or short boilerplate at the edges ("Advertisement", "Share this").
//!    Headings are kept when prose follows them.
//!
//! Lengths are weighted by script so that Chinese, Japanese and Korean text, which
//! says more per character, is judged like other languages.

use factwire_core::text::fold_whitespace;

use crate::dom::{Child, Doc, Id};
use crate::meta::Meta;

/// Line-break marker inside a block's raw text (html5ever never emits NUL in text).
const BR: char = '\0';

/// A block is "prose" from this many weighted chars on.
const PROSE_MIN: f32 = 60.0;
/// Link density above which a block is navigation rather than prose.
const LINKY: f32 = 0.5;
/// Link density a prose block may have at most.
const PROSE_MAX_LINKS: f32 = 0.33;

/// What kind of element a block came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Para,
    Heading,
    Item,
    Quote,
    Pre,
    Cell,
    Other,
}

/// A run of text from one block-level element.
#[derive(Debug)]
struct Block {
    /// The block-level element the text belongs to.
    el: Id,
    kind: Kind,
    /// Lines (split at `<br>`), each whitespace-folded, non-empty.
    lines: Vec<String>,
    /// Weighted length of all lines.
    weight: f32,
    /// Weighted length of the part inside links.
    link_weight: f32,
    /// Has sentence punctuation.
    punct: bool,
}

impl Block {
    fn link_density(&self) -> f32 {
        if self.weight <= 0.0 {
            0.0
        } else {
            self.link_weight / self.weight
        }
    }

    fn is_prose(&self) -> bool {
        self.weight >= PROSE_MIN && self.link_density() <= PROSE_MAX_LINKS && self.punct
    }

    fn is_linky(&self) -> bool {
        self.link_density() > LINKY
    }
}

/// The article body of `doc` as paragraphs joined by a blank line.
pub(crate) fn extract(doc: &Doc, meta: &Meta) -> String {
    let Some(body) = doc.first("body") else {
        return String::new();
    };
    let hard = hard_skips(doc);
    let first_pass = flatten(doc, body, &hard);
    let soft = soft_skips(doc, &first_pass, &hard);
    let blocks = flatten(doc, body, &soft);
    if blocks.is_empty() {
        return String::new();
    }
    let container = choose_container(doc, &blocks, meta);
    let chosen: Vec<&Block> = blocks
        .iter()
        .filter(|b| container.iter().any(|&c| doc.is_within(b.el, c)))
        .collect();
    render(&filter_blocks(&chosen, meta))
}

// ---- 1. prune -------------------------------------------------------------------

/// Elements skipped with their subtree regardless of size (never visible content).
fn hard_skips(doc: &Doc) -> Vec<bool> {
    let mut skip = vec![false; doc.els.len()];
    for (i, el) in doc.els.iter().enumerate() {
        if i > 0 && skip[el.parent] {
            skip[i] = true;
            continue;
        }
        let tag = &*el.tag;
        let never = matches!(
            tag,
            "script"
                | "style"
                | "noscript"
                | "template"
                | "svg"
                | "math"
                | "canvas"
                | "iframe"
                | "object"
                | "embed"
                | "video"
                | "audio"
                | "picture"
                | "img"
                | "button"
                | "input"
                | "select"
                | "option"
                | "textarea"
                | "label"
                | "nav"
                | "aside"
                | "footer"
                | "figcaption"
                | "head"
                | "title"
                | "meta"
                | "link"
                | "dialog"
                | "menu"
        );
        let hidden = el.attr("hidden").is_some()
            || el
                .attr("aria-hidden")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
            || el.attr("style").is_some_and(|s| {
                let s: String = s
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .flat_map(char::to_lowercase)
                    .collect();
                s.contains("display:none") || s.contains("visibility:hidden")
            })
            || el.attr("role").is_some_and(|r| {
                matches!(
                    r.trim().to_ascii_lowercase().as_str(),
                    "navigation"
                        | "banner"
                        | "contentinfo"
                        | "complementary"
                        | "menu"
                        | "dialog"
                        | "alert"
                        | "search"
                )
            });
        skip[i] = never || hidden;
    }
    skip
}

/// Class/id words that mark boilerplate. Matched against the tokens of the element's
/// class and id (split at non-alphanumerics); entries ending in `*` match as a prefix.
const BOILERPLATE: &[&str] = &[
    "share*",
    "sharing",
    "social*",
    "sociallinks",
    "related*",
    "recommend*",
    "promo*",
    "newsletter*",
    "subscribe*",
    "subscription",
    "signup",
    "sign",
    "comment*",
    "disqus",
    "cookie*",
    "consent",
    "gdpr",
    "banner",
    "advert*",
    "ad",
    "ads",
    "adv",
    "adslot",
    "adunit",
    "advertisement",
    "sponsor*",
    "outbrain",
    "taboola",
    "sidebar",
    "widget*",
    "breadcrumb*",
    "breadcrumbs",
    "nav",
    "navbar",
    "navigation",
    "menu*",
    "footer*",
    "masthead",
    "popup",
    "modal",
    "overlay",
    "toolbar",
    "tags",
    "tag",
    "taglist",
    "keywords",
    "topics",
    "popular",
    "mostread",
    "most",
    "trending",
    "caption*",
    "credit*",
    "byline*",
    "bio",
    "author",
    "authors",
    "about",
    "print",
    "pagination",
    "pager",
    "skip",
    "jump",
    "rating",
    "reactions",
    "hidden",
    "visually",
    "sr",
    "screen",
    "offscreen",
    "login",
    "paywall",
    "meta",
    "dateline",
    "timestamp",
    "date",
    "time",
    "headline",
    "kicker",
    "breaking",
    "alert",
    "readmore",
    "more",
    "next",
    "prev",
    "previous",
    "follow",
    "sticky",
    "teaser*",
    "recirc*",
];

/// Class/id words that mark the article body; they veto [`BOILERPLATE`].
const CONTENT_WORDS: &[&str] = &[
    "article",
    "articlebody",
    "body",
    "content",
    "entry",
    "main",
    "post",
    "story",
    "storybody",
    "text",
    "prose",
    "richtext",
    "blog",
    "page",
];

/// Whether a class/id string names boilerplate (and not the body itself).
fn boilerplate_name(class_id: &str) -> bool {
    if class_id.is_empty() {
        return false;
    }
    let mut bad = false;
    for tok in class_id
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
    {
        if CONTENT_WORDS.contains(&tok) {
            return false;
        }
        if !bad {
            bad = BOILERPLATE.iter().any(|p| match p.strip_suffix('*') {
                Some(prefix) => tok.starts_with(prefix),
                None => *p == tok,
            });
        }
    }
    bad
}

/// Elements skipped because their class/id names boilerplate, with their subtrees
/// (includes [`hard_skips`]). An element holding more than half of the page's prose is
/// never skipped this way: a name cannot outweigh that much text.
fn soft_skips(doc: &Doc, blocks: &[Block], hard: &[bool]) -> Vec<bool> {
    let n = doc.els.len();
    // Prose weight under each element, accumulated bottom-up (children have larger ids).
    let mut prose = vec![0f32; n];
    for b in blocks.iter().filter(|b| b.is_prose()) {
        prose[b.el] += b.weight;
    }
    for i in (1..n).rev() {
        let p = doc.els[i].parent;
        prose[p] += prose[i];
    }
    let total = prose[0].max(1.0);
    let mut skip = hard.to_vec();
    for i in 1..n {
        if skip[i] {
            continue;
        }
        if skip[doc.els[i].parent] {
            skip[i] = true;
            continue;
        }
        let el = &doc.els[i];
        if matches!(&*el.tag, "body" | "html" | "main" | "article")
            || el
                .attr("itemprop")
                .is_some_and(|p| p.eq_ignore_ascii_case("articlebody"))
        {
            continue;
        }
        if boilerplate_name(&el.class_id) && prose[i] <= 0.5 * total {
            skip[i] = true;
        }
        if &*el.tag == "header" && prose[i] <= 0.2 * total {
            skip[i] = true;
        }
    }
    skip
}

// ---- 2. flatten -----------------------------------------------------------------

fn is_block_tag(tag: &str) -> bool {
    matches!(
        tag,
        "p" | "div"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dd"
            | "dt"
            | "blockquote"
            | "pre"
            | "table"
            | "tr"
            | "td"
            | "th"
            | "thead"
            | "tbody"
            | "tfoot"
            | "caption"
            | "section"
            | "article"
            | "main"
            | "header"
            | "footer"
            | "aside"
            | "nav"
            | "figure"
            | "form"
            | "fieldset"
            | "address"
            | "details"
            | "summary"
            | "center"
            | "hr"
            | "body"
            | "html"
            | "hgroup"
    )
}

fn kind_of(tag: &str) -> Kind {
    match tag {
        "p" => Kind::Para,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => Kind::Heading,
        "li" | "dd" | "dt" => Kind::Item,
        "blockquote" => Kind::Quote,
        "pre" => Kind::Pre,
        "td" | "th" => Kind::Cell,
        _ => Kind::Other,
    }
}

/// Accumulates inline text until a block boundary.
struct Pending {
    el: Id,
    raw: String,
    link_chars: f32,
}

/// Flattens the subtree of `root` into blocks, skipping `skip`ped elements.
fn flatten(doc: &Doc, root: Id, skip: &[bool]) -> Vec<Block> {
    let mut out = Vec::new();
    let mut pending = Pending {
        el: root,
        raw: String::new(),
        link_chars: 0.0,
    };
    // Stack of (element, next child index, link depth on entry).
    let mut stack: Vec<(Id, usize)> = vec![(root, 0)];
    let mut link_depth = 0usize;
    // Innermost open block element per stack level.
    let mut block_stack: Vec<Id> = vec![root];
    while let Some(&mut (id, ref mut idx)) = stack.last_mut() {
        let el = &doc.els[id];
        if *idx >= el.children.len() {
            // Leave `id`.
            stack.pop();
            if &*el.tag == "a" {
                link_depth = link_depth.saturating_sub(1);
            }
            if is_block_tag(&el.tag) {
                flush(doc, &mut pending, &mut out);
                block_stack.pop();
                pending.el = *block_stack.last().unwrap_or(&root);
            }
            continue;
        }
        let child = el.children[*idx];
        *idx += 1;
        match child {
            Child::Text(s, e) => {
                let t = doc.slice(s, e);
                if link_depth > 0 {
                    pending.link_chars += weight(t);
                }
                pending.raw.push_str(t);
            }
            Child::El(c) => {
                if skip[c] {
                    // A skipped element still separates words.
                    pending.raw.push(' ');
                    continue;
                }
                let tag = &*doc.els[c].tag;
                if tag == "br" {
                    pending.raw.push(BR);
                    continue;
                }
                if is_block_tag(tag) {
                    flush(doc, &mut pending, &mut out);
                    block_stack.push(c);
                    pending.el = c;
                } else if matches!(tag, "td" | "th") {
                    pending.raw.push(' ');
                }
                if tag == "a" {
                    link_depth += 1;
                }
                stack.push((c, 0));
            }
        }
    }
    flush(doc, &mut pending, &mut out);
    out
}

fn flush(doc: &Doc, p: &mut Pending, out: &mut Vec<Block>) {
    if p.raw.trim().is_empty() {
        p.raw.clear();
        p.link_chars = 0.0;
        return;
    }
    let lines: Vec<String> = p
        .raw
        .split(BR)
        .map(fold_whitespace)
        .filter(|l| !l.is_empty())
        .collect();
    let w: f32 = lines.iter().map(|l| weight(l)).sum();
    if !lines.is_empty() {
        let punct = lines.iter().any(|l| {
            l.contains([
                '.', ',', '!', '?', ';', ':', '。', '、', '，', '！', '？', '」', '…',
            ])
        });
        out.push(Block {
            el: p.el,
            kind: kind_of(&doc.els[p.el].tag),
            lines,
            weight: w,
            link_weight: p.link_chars.min(w),
            punct,
        });
    }
    p.raw.clear();
    p.link_chars = 0.0;
}

/// Length of `s` weighted by script: CJK characters count 3, Hangul 2, others 1;
/// whitespace counts 0.
fn weight(s: &str) -> f32 {
    let mut w = 0.0;
    for c in s.chars() {
        let cp = c as u32;
        w += if c.is_whitespace() {
            0.0
        } else if (0x3040..=0x30FF).contains(&cp)
            || (0x3400..=0x4DBF).contains(&cp)
            || (0x4E00..=0x9FFF).contains(&cp)
            || (0xF900..=0xFAFF).contains(&cp)
        {
            3.0
        } else if (0xAC00..=0xD7AF).contains(&cp) {
            2.0
        } else {
            1.0
        };
    }
    w
}

// ---- 3 & 4. score and merge -------------------------------------------------------

/// The element(s) whose blocks make up the body.
fn choose_container(doc: &Doc, blocks: &[Block], meta: &Meta) -> Vec<Id> {
    let n = doc.els.len();
    let mut score = vec![0f32; n];
    let mut prose = vec![0f32; n];
    let mut noise = vec![0f32; n];
    for b in blocks {
        if !b.is_prose() {
            noise[b.el] += b.weight;
        }
        let (gain, own) = if b.is_prose() {
            (b.weight * (1.0 - b.link_density()), b.weight)
        } else if b.is_linky() {
            (-0.5 * b.weight, 0.0)
        } else {
            (0.0, 0.0)
        };
        prose[b.el] += own;
        // Credit the block's element and ancestors, decaying with distance, like
        // Readability: full to the element and its parent, then 1/2, 1/3 ...
        let mut node = b.el;
        for level in 0..6 {
            let f = match level {
                0 | 1 => 1.0,
                l => 1.0 / (l as f32),
            };
            score[node] += gain * f;
            if node == 0 {
                break;
            }
            node = doc.els[node].parent;
        }
    }
    for i in (1..n).rev() {
        let p = doc.els[i].parent;
        prose[p] += prose[i];
        noise[p] += noise[i];
    }
    let mut best = 0;
    for i in 1..n {
        if score[i] > score[best] {
            best = i;
        }
    }
    if score[best] <= 0.0 {
        // No prose at all: take everything that is not link-heavy.
        return vec![doc.first("body").unwrap_or(0)];
    }
    // Climb while the parent holds clearly more prose than the core (the body is
    // split into sibling groups) — the parent then adds prose, not just noise.
    let mut core = best;
    while core != 0 {
        let parent = doc.els[core].parent;
        if parent == 0 || matches!(&*doc.els[parent].tag, "body" | "html") {
            break;
        }
        let gain = prose[parent] - prose[core];
        let extra_noise = noise[parent] - noise[core];
        if gain >= 0.25 * prose[core] && gain > extra_noise {
            core = parent;
        } else {
            break;
        }
    }
    // Semantic containers as a cross-check: prefer one that holds nearly all the core's
    // prose and not much more of anything else.
    for (i, el) in doc.els.iter().enumerate() {
        let semantic = el
            .attr("itemprop")
            .is_some_and(|p| p.eq_ignore_ascii_case("articlebody"));
        if semantic && prose[i] >= 0.8 * prose[core] && !doc.is_within(i, core) {
            if doc.is_within(core, i) && prose[i] <= 1.5 * prose[core] {
                core = i;
            }
        }
    }
    let _ = meta;
    vec![core]
}

// ---- 5. filter ------------------------------------------------------------------

fn filter_blocks<'a>(blocks: &[&'a Block], meta: &Meta) -> Vec<&'a Block> {
    let is_headline = |b: &Block| {
        b.lines.len() == 1
            && meta
                .headlines
                .iter()
                .any(|h| h.eq_ignore_ascii_case(&b.lines[0]))
    };
    let mut keep: Vec<bool> = blocks
        .iter()
        .map(|b| !b.is_linky() && !is_headline(b))
        .collect();
    // Short, punctuation-less blocks at the edges are labels ("Advertisement").
    let first_prose = blocks.iter().position(|b| b.is_prose());
    let last_prose = blocks.iter().rposition(|b| b.is_prose());
    if let (Some(f), Some(l)) = (first_prose, last_prose) {
        for (i, b) in blocks.iter().enumerate() {
            if (i < f || i > l) && !b.is_prose() && b.kind != Kind::Heading {
                keep[i] = false;
            }
        }
        // Headings before the first prose or after the last are titles/section labels.
        for (i, k) in keep.iter_mut().enumerate() {
            if (i < f || i > l) && blocks[i].kind == Kind::Heading {
                *k = false;
            }
        }
    }
    blocks
        .iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(b, _)| *b)
        .collect()
}

fn render(blocks: &[&Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        for line in &b.lines {
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boilerplate_names() {
        assert!(boilerplate_name("share-buttons"));
        assert!(boilerplate_name("related-stories list"));
        assert!(boilerplate_name("ad"));
        assert!(!boilerplate_name("header-ad-free article-body"));
        assert!(!boilerplate_name("headline-wrapper-x content"));
        assert!(!boilerplate_name("download"));
        assert!(!boilerplate_name(""));
    }

    #[test]
    fn weights() {
        assert_eq!(weight("ab c"), 3.0);
        assert_eq!(weight("日本"), 6.0);
        assert_eq!(weight("한국"), 4.0);
    }
}
