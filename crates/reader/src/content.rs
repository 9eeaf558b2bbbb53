//! Finding the article body.
//!
//! The method, in passes over the [`Doc`] arena (each linear in the page size):
//!
//! 1. **Prune.** Elements that are never content are skipped with everything inside
//!    ([`hard_skips`]): scripts, styles, form controls, `nav`, `aside`, `footer`,
//!    `figcaption`, hidden elements and ARIA landmarks such as `role=navigation`.
//!    A first flattening then measures every element, and [`soft_skips`] drops
//!    what only *looks* like boilerplate: class/id names such as `share`,
//!    `related`, `newsletter`, `comment`, `promo`, `cookie` ([`boilerplate_name`];
//!    names of the body itself and of embeds win), unless the element holds most of
//!    the page's prose; inline link clusters (hover cards); "teaser cards"
//!    (three or more same-shaped siblings, each a linked title and a short blurb,
//!    unless they are a list in the story's run of paragraphs, [`lists_in_text_flow`]);
//!    caption boxes around pictures ([`media_boxes`]); and `<aside>` boxes that are
//!    not fact boxes among the paragraphs ([`fact_box`]). One rule overrides the
//!    look-alike rules: pruning never cuts inside a text block — an inline element
//!    with words of its block around it stays, whatever its name
//!    ([`inside_text_block`]).
//! 2. **Flatten.** The rest becomes a list of text blocks in reading order: one per
//!    paragraph-like element (`p`, headings, `li`, `blockquote`, `pre`, table cells,
//!    text directly inside a `div`), split into lines at `<br>`, each with its length
//!    and how much of it is link text.
//! 3. **Score.** Each prose block (long enough, punctuated, few links) adds its length
//!    to its element and, decaying, to the ancestors (as Readability does);
//!    link-heavy blocks subtract. The best-scoring element is the body's core.
//! 4. **Merge.** The core climbs to an ancestor when that ancestor adds prose held in
//!    elements shaped like the core (an article cut into chunks around ads), or adds
//!    much prose and little noise. `[itemprop=articleBody]` then overrules the choice
//!    when it carries real prose, and JSON-LD `articleBody` is a cross-check: when the
//!    core misses most of its words, the candidate covering them best replaces it.
//! 5. **Filter.** Inside the chosen element, blocks are kept in order unless they are
//!    link-heavy (a sentence with a linked phrase still counts as text), equal to the
//!    headline, or labels ("Advertisement", "Image 1 of 5"). Before the first and
//!    after the last prose block only adjoining sentences survive. A heading stays
//!    only when the text after it belongs to its own section of the page.
//!    The cells of a table row are joined into one line (`Segment | Q4 2025`).
//!    A lead in its own container just before the body is prepended
//!    ([`lead_blocks`]); the story's own furniture, judged by its text (a closing
//!    "About …" section, an author bio, calls to action, date/author/tags lines),
//!    is dropped ([`drop_story_furniture`]).
//! 6. **Fall back.** When all this yields nothing, the densest run of visible text
//!    blocks is the body ([`densest_run`]) and the page says so.
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
    /// Weighted link text of each line.
    line_links: Vec<f32>,
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

/// The article body the reader found.
#[derive(Debug, Default)]
pub(crate) struct Body {
    /// Paragraphs joined by a blank line.
    pub text: String,
    /// The usual method found nothing and `text` is the densest run of text blocks
    /// ([`densest_run`]).
    pub fallback: bool,
}

/// The article body of `doc`.
pub(crate) fn extract(doc: &Doc, meta: &Meta) -> Body {
    let Some(body) = doc.first("body") else {
        return Body::default();
    };
    let hard = hard_skips(doc);
    let first_pass = flatten(doc, body, &hard);
    let soft = soft_skips(doc, &first_pass, &hard);
    let blocks = flatten(doc, body, &soft);
    if !blocks.is_empty() {
        let container = choose_container(doc, &blocks, meta);
        let mut chosen = lead_blocks(doc, &blocks, container, meta);
        chosen.extend(blocks.iter().filter(|b| doc.is_within(b.el, container)));
        let text = render(doc, &filter_blocks(doc, &chosen, meta));
        if !text.is_empty() {
            return Body {
                text,
                fallback: false,
            };
        }
    }
    // Nothing survived (the body sat in a container whose name looks like
    // boilerplate, or its paragraphs are all short): a page with readable
    // paragraphs still gives them.
    let visible = flatten(doc, body, &invisible(doc));
    let text = densest_run(doc, &visible, meta);
    Body {
        fallback: !text.is_empty(),
        text,
    }
}

/// The fallback body: the run of consecutive blocks (of the page with only the
/// invisible elements pruned, so that a post wrapped in an `<aside>` or a dialog is
/// found too) with the most readable text, as in the
/// maximum-subarray problem. A readable block (prose, or a sentence, not
/// link-heavy) counts its text; any other block counts against the run with its
/// length, so navigation between two groups of paragraphs splits them. Empty
/// when the page has no readable block at all.
fn densest_run(doc: &Doc, blocks: &[Block], meta: &Meta) -> String {
    let value = |b: &Block| {
        if !b.is_linky() && (b.is_prose() || is_sentence(b)) {
            b.weight * (1.0 - b.link_density())
        } else {
            -b.weight.max(1.0)
        }
    };
    let (mut best, mut best_range) = (0f32, None);
    let (mut sum, mut start) = (0f32, 0);
    for (i, b) in blocks.iter().enumerate() {
        if sum <= 0.0 {
            sum = 0.0;
            start = i;
        }
        sum += value(b);
        if sum > best {
            best = sum;
            best_range = Some((start, i + 1));
        }
    }
    let Some((from, to)) = best_range else {
        return String::new();
    };
    let run: Vec<&Block> = blocks[from..to]
        .iter()
        .filter(|b| !b.is_linky() && !is_label(b))
        .collect();
    let kept = filter_blocks(doc, &run, meta);
    render(doc, if kept.is_empty() { &run } else { &kept })
}

// ---- 1. prune -------------------------------------------------------------------

/// Elements that never show text to a reader: scripts, media, form controls and
/// hidden elements, with their subtrees. The fallback of [`densest_run`] prunes only
/// these.
fn invisible(doc: &Doc) -> Vec<bool> {
    let mut skip = vec![false; doc.els.len()];
    for (i, el) in doc.els.iter().enumerate() {
        skip[i] = (i > 0 && skip[el.parent])
            || el.hidden
            || matches!(
                el.tag,
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
                    | "head"
                    | "title"
                    | "meta"
                    | "link"
            );
    }
    skip
}

/// Elements skipped with their subtree regardless of size (never content).
fn hard_skips(doc: &Doc) -> Vec<bool> {
    let mut skip = vec![false; doc.els.len()];
    for (i, el) in doc.els.iter().enumerate() {
        if i > 0 && skip[el.parent] {
            skip[i] = true;
            continue;
        }
        let tag = el.tag;
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
                | "footer"
                | "figcaption"
                | "head"
                | "title"
                | "meta"
                | "link"
                | "dialog"
                | "menu"
        );
        let hidden = el.hidden
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

/// Class/id words that mark boilerplate. Matched against the words of each class
/// name and the id (split at `-`, `_` and case changes are not split); entries ending
/// in `*` match as a prefix.
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
    "visually",
    "sr",
    "offscreen",
    "login",
    "meta",
    "dateline",
    "timestamp",
    "date",
    "time",
    "headline",
    "kicker",
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

/// Boilerplate words that are only modifiers when the name also says "content",
/// "body" or "text" (see [`boilerplate_name`]).
const WEAK_BOILERPLATE: &[&str] = &[
    "widget*",
    "sticky",
    "more",
    "meta",
    "time",
    "date",
    "about",
    "print",
    "tags",
    "tag",
    "topics",
    "overlay",
    "modal",
    "popup",
    "headline",
    "kicker",
    "visually",
    "banner",
    "toolbar",
    "skip",
    "jump",
    "next",
    "prev",
    "previous",
    "follow",
    "rating",
    "reactions",
    "caption*",
    "credit*",
    "most",
    "keywords",
    "masthead",
];

/// Whether word `w` matches one of `patterns` (a trailing `*` matches a prefix).
fn matches_any(patterns: &[&str], w: &str) -> bool {
    patterns.iter().any(|p| match p.strip_suffix('*') {
        Some(prefix) => w.starts_with(prefix),
        None => *p == w,
    })
}

/// Words that make a class name innocent even next to a boilerplate word: embedded
/// posts and quotes are part of the article.
const EMBED_WORDS: &[&str] = &["embed", "embedded", "tweet", "quote", "blockquote"];

/// Words a class name of the article body itself is made of ...
const BODY_NAME_WORDS: &[&str] = &[
    "article",
    "story",
    "entry",
    "post",
    "main",
    "body",
    "content",
    "text",
    "news",
    "blog",
    "page",
    "field",
    "item",
    "rich",
    "richtext",
    "prose",
    "inner",
    "wrapper",
    "container",
    "detail",
    "details",
    "single",
    "articlebody",
    "storybody",
    "full",
    "wrap",
];
/// ... of which at least one of these.
const BODY_NAME_HEADS: &[&str] = &[
    "body",
    "content",
    "text",
    "richtext",
    "prose",
    "articlebody",
    "storybody",
];

fn words(name: &str) -> impl Iterator<Item = &str> {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
}

/// Whether a class/id string names boilerplate. Each class name (and the id) is judged
/// on its own: `article-share` is boilerplate, `article-body` is the body and wins over
/// any other name on the same element, `social-media-embed` is an embed.
fn boilerplate_name(class_id: &str) -> bool {
    let (mut strong_any, mut weak_any, mut head_any) = (false, false, false);
    for name in class_id.split_whitespace() {
        let mut all_body = true;
        let mut head = false;
        let mut strong = false;
        let mut weak = false;
        let mut embed = false;
        for w in words(name) {
            all_body &= BODY_NAME_WORDS.contains(&w);
            head |= BODY_NAME_HEADS.contains(&w);
            embed |= EMBED_WORDS.contains(&w);
            if matches_any(BOILERPLATE, w) {
                if matches_any(WEAK_BOILERPLATE, w) {
                    weak = true;
                } else {
                    strong = true;
                }
            }
        }
        if (all_body && head) || embed {
            return false;
        }
        strong_any |= strong;
        weak_any |= weak;
        head_any |= head;
    }
    // A weak word does not spoil an element whose names also say "content" or
    // "body" (`elementor-widget elementor-widget-theme-post-content`); a strong one
    // does (`related-content`).
    strong_any || (weak_any && !head_any)
}

/// Per-element sums over the blocks of a first flattening pass.
struct Stats {
    /// Weight of prose blocks under each element.
    prose: Vec<f32>,
    /// Number of blocks under each element.
    blocks: Vec<u32>,
    /// Index of the first block under each element.
    first_block: Vec<Option<u32>>,
    /// Number of `itemprop=articleBody` elements at or under each element.
    semantic: Vec<u32>,
    /// Visible text weight and link text weight of each element's subtree, and its
    /// number of links.
    text: Vec<f32>,
    links_w: Vec<f32>,
    /// Inline elements that are link clusters (hover cards, inline link lists).
    widget: Vec<bool>,
    links: Vec<u32>,
}

impl Stats {
    fn new(doc: &Doc, blocks: &[Block], hard: &[bool]) -> Stats {
        let n = doc.els.len();
        let mut st = Stats {
            prose: vec![0.0; n],
            blocks: vec![0; n],
            first_block: vec![None; n],
            semantic: vec![0; n],
            text: vec![0.0; n],
            links_w: vec![0.0; n],
            widget: vec![false; n],
            links: vec![0; n],
        };
        for (bi, b) in blocks.iter().enumerate() {
            if b.is_prose() {
                st.prose[b.el] += b.weight;
            }
            st.blocks[b.el] += 1;
            // First block: set on ancestors until one already has it (amortised O(n)).
            let mut node = b.el;
            while st.first_block[node].is_none() {
                st.first_block[node] = u32::try_from(bi).ok();
                if node == 0 {
                    break;
                }
                node = doc.els[node].parent;
            }
        }
        // Own text and link text of each element (direct text children only).
        let mut in_link = vec![false; n];
        for (i, el) in doc.els.iter().enumerate() {
            if hard[i] {
                continue;
            }
            in_link[i] = (i > 0 && in_link[el.parent]) || el.tag == "a";
            if el.tag == "a" {
                st.links[i] += 1;
            }
            if el
                .attr("itemprop")
                .is_some_and(|p| p.eq_ignore_ascii_case("articlebody"))
            {
                st.semantic[i] += 1;
            }
            for c in &el.children {
                if let Child::Text(a, b) = *c {
                    let w = weight(doc.slice(a, b));
                    st.text[i] += w;
                    if in_link[i] {
                        st.links_w[i] += w;
                    }
                }
            }
        }
        for i in (1..n).rev() {
            if hard[i] {
                continue;
            }
            let p = doc.els[i].parent;
            st.prose[p] += st.prose[i];
            st.blocks[p] += st.blocks[i];
            st.semantic[p] += st.semantic[i];
            // An inline link cluster is judged here, innermost first, and its text
            // is not passed up: the paragraph around it is judged without it.
            let el = &doc.els[i];
            if !is_block_tag(el.tag)
                && el.tag != "a"
                && st.links[i] >= 3
                && st.links_w[i] >= 0.8 * st.text[i]
            {
                st.widget[i] = true;
                continue;
            }
            st.text[p] += st.text[i];
            st.links_w[p] += st.links_w[i];
            st.links[p] += st.links[i];
        }
        st
    }
}

/// Elements skipped for what they look like rather than what they are, with their
/// subtrees (includes [`hard_skips`]):
/// - a class/id naming boilerplate ([`boilerplate_name`]), unless the element holds an
///   `itemprop=articleBody`, or more than half of the page's prose while the rest of
///   the page (outside all such elements) has little;
/// - a `header` without much prose;
/// - an inline element holding three or more links and little else (a hover card or
///   link cluster inside a paragraph);
/// - a "teaser card": one of three or more same-looking siblings, each a short
///   linked title followed by a short blurb (lists of other stories).
fn soft_skips(doc: &Doc, blocks: &[Block], hard: &[bool]) -> Vec<bool> {
    let n = doc.els.len();
    let st = Stats::new(doc, blocks, hard);
    let total = st.prose[0].max(1.0);
    let mut skip = hard.to_vec();
    let cards = teaser_cards(doc, blocks, &st, hard);
    let media_box = media_boxes(doc, &st);
    let prose_paragraphs = prose_paragraph_children(doc, &st);
    // Which elements a name alone would remove, and how much prose the page keeps
    // outside all of them: a container that a name would remove is spared only when
    // it holds most of the page's prose and the rest of the page has little (the
    // body itself carries an unlucky name), not when the rest holds a real article
    // (a long comment thread).
    let in_text = inside_text_block(doc, hard);
    let named: Vec<bool> = doc
        .els
        .iter()
        .enumerate()
        .map(|(i, el)| {
            i > 0
                && !hard[i]
                && !in_text[i]
                && !matches!(el.tag, "body" | "html" | "main" | "article")
                && st.semantic[i] == 0
                && boilerplate_name(&el.class_id)
        })
        .collect();
    let mut under_named = named.clone();
    for i in 1..n {
        under_named[i] |= under_named[doc.els[i].parent];
    }
    let clean: f32 = blocks
        .iter()
        .filter(|b| b.is_prose() && !under_named[b.el])
        .map(|b| b.weight)
        .sum();
    for i in 1..n {
        if skip[i] {
            continue;
        }
        if skip[doc.els[i].parent] {
            skip[i] = true;
            continue;
        }
        let el = &doc.els[i];
        if cards[i] {
            skip[i] = true;
            continue;
        }
        if matches!(el.tag, "body" | "html" | "main" | "article") || st.semantic[i] > 0 {
            continue;
        }
        let spared = st.prose[i] > 0.5 * total && clean < 0.3 * st.prose[i];
        if named[i] && !spared {
            skip[i] = true;
        }
        if el.tag == "header" && st.prose[i] <= 0.2 * total && !within_tag(doc, i, "article") {
            skip[i] = true;
        }
        if media_box[i] && !in_text[i] {
            skip[i] = true;
        }
        if el.tag == "aside" && !fact_box(doc, i, &st, &prose_paragraphs) {
            skip[i] = true;
        }
        if st.widget[i] {
            skip[i] = true;
        }
    }
    skip
}

/// Weighted text below this is not "other text" of a block (a lone "By" or a bracket).
const BLOCK_OTHER_TEXT: f32 = 3.0;

/// Marks inline elements that sit inside a text block: the block they belong to has
/// other text of its own besides theirs. Such an element is part of a sentence
/// (`Shares of <a class="tag">Acme</a> rose`), so its class or id never removes it:
/// boilerplate pruning never cuts inside a text block. An inline element that *is*
/// its block's whole text (`<p><span class="credit">Photo: X</span></p>`) is judged
/// by its name as before.
fn inside_text_block(doc: &Doc, hard: &[bool]) -> Vec<bool> {
    let n = doc.els.len();
    // Text each element adds to its block: its own text plus that of its inline
    // descendants (nested blocks are blocks of their own).
    let mut inline = vec![0f32; n];
    for (i, el) in doc.els.iter().enumerate() {
        if hard[i] {
            continue;
        }
        for c in &el.children {
            if let Child::Text(a, b) = *c {
                inline[i] += weight(doc.slice(a, b));
            }
        }
    }
    for i in (1..n).rev() {
        if !hard[i] && !is_block_tag(doc.els[i].tag) {
            inline[doc.els[i].parent] += inline[i];
        }
    }
    // The block each element's text lands in (itself for a block element).
    let mut block = vec![0; n];
    let mut out = vec![false; n];
    for i in 1..n {
        let el = &doc.els[i];
        if is_block_tag(el.tag) {
            block[i] = i;
            continue;
        }
        let b = block[el.parent];
        block[i] = b;
        // A paragraph-like block (`p`, `li`, a heading, a cell ...) needs only a
        // word besides; a generic container (`div`) needs prose beside the element,
        // or the element is one of its parts (a picture's caption span).
        let need = if kind_of(doc.els[b].tag) == Kind::Other {
            PROSE_MIN
        } else {
            BLOCK_OTHER_TEXT
        };
        out[i] = !hard[i] && inline[b] - inline[i] >= need;
    }
    out
}

/// Whether `<aside>` element `i` is a box of the story (key facts, a timeline)
/// rather than a sidebar: it stands among the story's paragraphs (a sibling
/// paragraph holds prose) and little of its text is links.
fn fact_box(doc: &Doc, i: Id, st: &Stats, prose_paragraphs: &[u32]) -> bool {
    let among_paragraphs = prose_paragraphs[doc.els[i].parent] > 0;
    among_paragraphs && st.text[i] > 0.0 && st.links_w[i] <= 0.2 * st.text[i]
}

/// How many child paragraphs holding prose each element has.
fn prose_paragraph_children(doc: &Doc, st: &Stats) -> Vec<u32> {
    let mut count = vec![0; doc.els.len()];
    for (i, el) in doc.els.iter().enumerate().skip(1) {
        if el.tag == "p" && st.prose[i] > 0.0 {
            count[el.parent] += 1;
        }
    }
    count
}

/// Whether an ancestor of `id` is named `tag`.
fn within_tag(doc: &Doc, mut id: Id, tag: &str) -> bool {
    while id != 0 {
        id = doc.els[id].parent;
        if doc.els[id].tag == tag {
            return true;
        }
    }
    false
}

/// Text weight up to which an element around a picture is its caption box.
const CAPTION_MAX: f32 = 400.0;

/// Marks captions: a `<figure>` holding a picture, video or embed and no table,
/// quote or code (those figures are content), and any other box whose own child is
/// a picture (directly or through a link) with at most a caption's worth of text
/// beside it (the caption and a "photographer | agency" credit line). A paragraph
/// is never a caption box: an inline picture in running text is decoration.
fn media_boxes(doc: &Doc, st: &Stats) -> Vec<bool> {
    let n = doc.els.len();
    let is_media = |t: &str| matches!(t, "img" | "picture" | "video" | "iframe" | "svg" | "canvas");
    // Bottom-up: does the subtree hold media, and does it hold content-like figures?
    let mut media = vec![false; n];
    let mut textual = vec![false; n];
    for i in (1..n).rev() {
        let tag = doc.els[i].tag;
        media[i] |= is_media(tag);
        textual[i] |= matches!(tag, "table" | "blockquote" | "pre" | "ul" | "ol");
        let p = doc.els[i].parent;
        media[p] |= media[i];
        textual[p] |= textual[i];
    }
    let direct_media = |i: Id| {
        doc.els[i].children.iter().any(|c| match *c {
            Child::El(e) => {
                is_media(doc.els[e].tag)
                    || (matches!(doc.els[e].tag, "a" | "picture" | "span")
                        && media[e]
                        && st.text[e] == 0.0)
            }
            Child::Text(..) => false,
        })
    };
    (0..n)
        .map(|i| {
            let el = &doc.els[i];
            match el.tag {
                "figure" => media[i] && !textual[i],
                "div" | "span" => {
                    !textual[i] && st.text[i] <= CAPTION_MAX && st.blocks[i] <= 3 && direct_media(i)
                }
                _ => false,
            }
        })
        .collect()
}

/// Marks teaser cards: see [`soft_skips`].
fn teaser_cards(doc: &Doc, blocks: &[Block], st: &Stats, hard: &[bool]) -> Vec<bool> {
    let n = doc.els.len();
    let is_card = |i: Id| {
        if linked_item(doc, i, st) {
            return true;
        }
        let nb = st.blocks[i];
        if !(2..=6).contains(&nb) || st.prose[i] > 500.0 || st.text[i] > 900.0 {
            return false;
        }
        let Some(first) = st.first_block[i].and_then(|b| blocks.get(b as usize)) else {
            return false;
        };
        first.is_linky() && first.weight <= 200.0
    };
    let in_flow = lists_in_text_flow(doc, st);
    let mut out = vec![false; n];
    for (p, el) in doc.els.iter().enumerate() {
        if hard[p] || in_flow[p] {
            continue;
        }
        let kids: Vec<Id> = el
            .children
            .iter()
            .filter_map(|c| match *c {
                Child::El(e) if !hard[e] && st.blocks[e] > 0 => Some(e),
                _ => None,
            })
            .collect();
        if kids.len() < 3 {
            continue;
        }
        let cards: Vec<(Id, (&str, &str))> = kids
            .iter()
            .filter(|&&k| is_card(k))
            .map(|&k| (k, signature(doc, k)))
            .collect();
        for (k, sig) in &cards {
            if cards.iter().filter(|(_, s)| s == sig).count() >= 3 {
                out[*k] = true;
            }
        }
    }
    out
}

/// Text weight up to which a list item opening with a link is a teaser.
const LINKED_ITEM_MAX: f32 = 300.0;

/// A list item that is one short block opening with a link: a linked headline and
/// perhaps an excerpt (`<li><a>Prices climb</a> Rates rose for a third month.</li>`).
fn linked_item(doc: &Doc, i: Id, st: &Stats) -> bool {
    let el = &doc.els[i];
    if el.tag != "li" || st.blocks[i] != 1 || st.text[i] > LINKED_ITEM_MAX {
        return false;
    }
    let first = el.children.iter().find(|c| match **c {
        Child::Text(a, b) => !doc.slice(a, b).trim().is_empty(),
        Child::El(_) => true,
    });
    let opens_with_link = |e: Id| {
        let t = doc.els[e].tag;
        t == "a"
            || (matches!(t, "strong" | "b" | "h3" | "h4" | "span")
                && doc.els[e]
                    .children
                    .iter()
                    .any(|c| matches!(*c, Child::El(x) if doc.els[x].tag == "a")))
    };
    matches!(first, Some(&Child::El(e)) if opens_with_link(e))
}

/// Marks the lists (`<ol>`, `<ul>`) that sit in a run of article paragraphs: an
/// earlier sibling is a paragraph holding prose, and the sibling just before the
/// list is not a heading (a list before the story's first paragraph, such as a
/// ticker of other stories, or under its own "Related" heading, is not in the
/// flow). Same-shaped linked items there are a roundup the story walks through (a
/// numbered list of deals, each a linked headline and a blurb), not a box of
/// teasers for other stories, which stands in a section of its own. One pass over
/// each element's children: linear.
fn lists_in_text_flow(doc: &Doc, st: &Stats) -> Vec<bool> {
    let mut out = vec![false; doc.els.len()];
    for el in &doc.els {
        let mut prose_before = false;
        let mut prev_heading = false;
        for c in &el.children {
            let Child::El(e) = *c else { continue };
            let tag = doc.els[e].tag;
            out[e] = matches!(tag, "ol" | "ul") && prose_before && !prev_heading;
            prose_before |= tag == "p" && st.prose[e] > 0.0;
            prev_heading = kind_of(tag) == Kind::Heading;
        }
    }
    out
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
    /// Link weight per `<br>`-separated line.
    line_links: Vec<f32>,
}

/// Flattens the subtree of `root` into blocks, skipping `skip`ped elements.
fn flatten(doc: &Doc, root: Id, skip: &[bool]) -> Vec<Block> {
    let mut out = Vec::new();
    let mut pending = Pending {
        el: root,
        raw: String::new(),
        link_chars: 0.0,
        line_links: vec![0.0],
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
            if el.tag == "a" {
                link_depth = link_depth.saturating_sub(1);
            }
            if is_block_tag(el.tag) {
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
                    let w = weight(t);
                    pending.link_chars += w;
                    if let Some(l) = pending.line_links.last_mut() {
                        *l += w;
                    }
                }
                pending.raw.push_str(t);
            }
            Child::El(c) => {
                if skip[c] {
                    // A skipped element still separates words.
                    pending.raw.push(' ');
                    continue;
                }
                let tag = doc.els[c].tag;
                if tag == "br" {
                    pending.raw.push(BR);
                    pending.line_links.push(0.0);
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
    if !p.raw.trim().is_empty() {
        let mut lines = Vec::new();
        let mut line_links = Vec::new();
        for (i, raw) in p.raw.split(BR).enumerate() {
            let line = fold_whitespace(raw);
            if !line.is_empty() {
                line_links.push(p.line_links.get(i).copied().unwrap_or(0.0));
                lines.push(line);
            }
        }
        let w: f32 = lines.iter().map(|l| weight(l)).sum();
        if !lines.is_empty() {
            let punct = lines.iter().any(|l| {
                l.contains([
                    '.', ',', '!', '?', ';', ':', '。', '、', '，', '！', '？', '」', '…',
                ])
            });
            out.push(Block {
                el: p.el,
                kind: kind_of(doc.els[p.el].tag),
                lines,
                line_links,
                weight: w,
                link_weight: p.link_chars.min(w),
                punct,
            });
        }
    }
    p.raw.clear();
    p.link_chars = 0.0;
    p.line_links.clear();
    p.line_links.push(0.0);
}

/// Length of `s` weighted by script (see [`weight_of`]).
fn weight(s: &str) -> f32 {
    s.chars().map(weight_of).sum()
}

/// How much one character counts: Chinese characters and kana 3, Hangul 2,
/// whitespace 0, anything else 1.
fn weight_of(c: char) -> f32 {
    let cp = c as u32;
    if c.is_whitespace() {
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
    }
}

// ---- 3 & 4. score and merge -------------------------------------------------------

/// The element(s) whose blocks make up the body.
fn choose_container(doc: &Doc, blocks: &[Block], meta: &Meta) -> Id {
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
    let body = doc.first("body").unwrap_or(0);
    if score[best] <= 0.0 {
        // No prose at all: the whole body, left to the block filter.
        return body;
    }
    let mut core = climb(doc, best, &prose, &noise);
    // The semantic container, when the page marks one and it carries real prose.
    let semantic = (0..n)
        .filter(|&i| {
            doc.els[i]
                .attr("itemprop")
                .is_some_and(|p| p.eq_ignore_ascii_case("articlebody"))
        })
        .max_by(|&a, &b| prose[a].total_cmp(&prose[b]));
    if let Some(s) = semantic
        && prose[s] > 0.0
        && (prose[s] >= 0.3 * prose[core] || doc.is_within(core, s))
    {
        core = s;
    }
    if let Some(ld) = meta.jsonld_body.as_deref() {
        let mut candidates: Vec<Id> = vec![core, best];
        let mut a = core;
        while a != 0 && a != body {
            a = doc.els[a].parent;
            candidates.push(a);
        }
        let mut ranked: Vec<Id> = (1..n).filter(|&i| score[i] > 0.0).collect();
        ranked.sort_by(|&x, &y| score[y].total_cmp(&score[x]));
        candidates.extend(ranked.into_iter().take(10));
        candidates.extend(semantic);
        if let Some(c) = jsonld_cross_check(doc, blocks, ld, core, &candidates) {
            core = c;
        }
    }
    core
}

/// Most blocks [`lead_blocks`] looks back over, and most it takes.
const LEAD_LOOKBACK: usize = 6;
const LEAD_MAX: usize = 2;

/// The lead (standfirst) of the story when it sits in its own container just before
/// the body: walking back from the body's first block, within the same `article`
/// or `main` (else the body's parent), sentences are taken while only the headline,
/// short lines (byline, date) and nothing else lie between; a link-heavy block, a
/// list item or another heading ends the walk.
fn lead_blocks<'a>(doc: &Doc, blocks: &'a [Block], container: Id, meta: &Meta) -> Vec<&'a Block> {
    let Some(first) = blocks.iter().position(|b| doc.is_within(b.el, container)) else {
        return Vec::new();
    };
    let mut scope = doc.els[container].parent;
    let mut a = container;
    while a != 0 {
        a = doc.els[a].parent;
        if matches!(doc.els[a].tag, "article" | "main") {
            scope = a;
            break;
        }
    }
    if matches!(doc.els[scope].tag, "body" | "html" | "#root") {
        return Vec::new();
    }
    let mut lead = Vec::new();
    for b in blocks[..first].iter().rev().take(LEAD_LOOKBACK) {
        if !doc.is_within(b.el, scope) || b.is_linky() || b.kind == Kind::Item {
            break;
        }
        let headline = b.lines.len() == 1
            && meta
                .headlines
                .iter()
                .chain(&meta.first_h1)
                .any(|h| h.eq_ignore_ascii_case(&b.lines[0]));
        if headline {
            continue;
        }
        if b.kind == Kind::Heading {
            break;
        }
        if is_sentence(b) || b.is_prose() {
            lead.push(b);
            if lead.len() == LEAD_MAX {
                break;
            }
        } else if b.weight >= 100.0 {
            break;
        }
    }
    lead.reverse();
    lead
}

/// Climbs from `best` (the element directly holding the most prose) to the ancestor
/// that holds the whole body when the body is split into several groups: an ancestor
/// is taken when it adds prose that lives in elements shaped like `best` (an article
/// cut into chunks around ads), or when it adds at least half as much prose again
/// with little noise.
fn climb(doc: &Doc, best: Id, prose: &[f32], noise: &[f32]) -> Id {
    let sig = signature(doc, best);
    let mut core = best;
    let mut a = best;
    for _ in 0..8 {
        let parent = doc.els[a].parent;
        if parent == a || matches!(doc.els[parent].tag, "body" | "html" | "#root") {
            break;
        }
        a = parent;
        let gain = prose[a] - prose[core];
        if gain <= 0.0 {
            continue;
        }
        let extra_noise = noise[a] - noise[core];
        let lookalike = (a + 1..doc.els[a].end)
            .any(|e| !doc.is_within(e, core) && prose[e] >= 0.5 * gain && signature(doc, e) == sig);
        if lookalike || (gain >= 0.5 * prose[core] && extra_noise <= 0.3 * gain) {
            core = a;
        }
    }
    core
}

/// An element's shape: its tag and first class name without trailing digits.
fn signature(doc: &Doc, i: Id) -> (&str, &str) {
    let el = &doc.els[i];
    let first_class = el
        .class_id
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_end_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '_');
    (el.tag, first_class)
}

/// A better element than `core` according to JSON-LD `articleBody`, if `core` misses
/// much of it. JSON-LD bodies are often truncated or hold only the summary, so only
/// recall counts: a candidate must cover clearly more of the JSON-LD words than
/// `core`, and among those that cover nearly the most, the most precise wins.
fn jsonld_cross_check(
    doc: &Doc,
    blocks: &[Block],
    ld: &str,
    core: Id,
    candidates: &[Id],
) -> Option<Id> {
    use std::collections::HashSet;
    let target: HashSet<String> = tokens(ld).collect();
    if target.len() < 30 {
        return None;
    }
    let agreement = |c: Id| {
        let mut got = HashSet::new();
        for b in blocks
            .iter()
            .filter(|b| doc.is_within(b.el, c) && !b.is_linky())
        {
            for l in &b.lines {
                got.extend(tokens(l));
            }
        }
        let hit = got.intersection(&target).count() as f32;
        let precision = if got.is_empty() {
            0.0
        } else {
            hit / got.len() as f32
        };
        (hit / target.len() as f32, precision)
    };
    let (core_recall, _) = agreement(core);
    if core_recall >= 0.7 {
        return None;
    }
    let scored: Vec<(Id, (f32, f32))> = candidates.iter().map(|&c| (c, agreement(c))).collect();
    let top_recall = scored.iter().map(|(_, (r, _))| *r).fold(0.0, f32::max);
    if top_recall < core_recall + 0.2 {
        return None;
    }
    scored
        .into_iter()
        .filter(|(_, (r, _))| *r >= top_recall - 0.05)
        .max_by(|a, b| a.1.1.total_cmp(&b.1.1))
        .map(|(c, _)| c)
}

/// Lower-case word tokens; CJK characters are one token each.
fn tokens(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .flat_map(|w| {
            if w.chars().any(|c| weight_of(c) > 1.0) {
                w.chars().map(String::from).collect::<Vec<_>>()
            } else {
                vec![w.to_lowercase()]
            }
        })
}

// ---- 5. filter ------------------------------------------------------------------

fn filter_blocks<'a>(doc: &Doc, blocks: &[&'a Block], meta: &Meta) -> Vec<&'a Block> {
    let equals = |b: &Block, h: &str| b.lines.len() == 1 && h.eq_ignore_ascii_case(&b.lines[0]);
    let declared = |b: &Block| meta.headlines.iter().any(|h| equals(b, h));
    // The story's first paragraph of prose (not a heading, not the headline again).
    let first_text = blocks
        .iter()
        .position(|b| b.is_prose() && b.kind != Kind::Heading && !declared(b));
    let is_headline = |i: usize, b: &Block| {
        declared(b)
            || (meta.first_h1.as_deref().is_some_and(|h| equals(b, h))
                && first_text.is_none_or(|f| i < f))
    };
    let mut keep: Vec<bool> = blocks
        .iter()
        .enumerate()
        .map(|(i, b)| {
            // A sentence with a linked phrase is still a sentence, and a list item's
            // linked headline goes with the item's text.
            let linky = b.is_linky()
                && !(b.kind == Kind::Para && b.link_density() <= 0.7 && is_sentence(b))
                && !item_headline(doc, blocks, i);
            !linky && !is_headline(i, b) && !is_label(b)
        })
        .collect();
    drop_story_furniture(blocks, &mut keep, meta, first_text);
    // A heading stays only if the next block kept after it belongs to the same
    // section of the page (lies within the heading's grandparent): the title of a
    // "related news" box whose links were dropped goes with them.
    let grandparent = |i: Id| doc.els[doc.els[i].parent].parent;
    for i in 0..blocks.len() {
        if blocks[i].kind != Kind::Heading || !keep[i] {
            continue;
        }
        let next = (i + 1..blocks.len()).find(|&j| keep[j]);
        let ok = next.is_some_and(|j| doc.is_within(blocks[j].el, grandparent(blocks[i].el)));
        keep[i] = ok;
    }
    // Outside the span from the first to the last prose block, only sentences that
    // touch the span survive (a short closing line such as "Shares rose 6%."); labels
    // ("Advertisement"), headings and anything after a gap are dropped.
    let first_prose = blocks.iter().position(|b| b.is_prose());
    let last_prose = blocks.iter().rposition(|b| b.is_prose());
    if let (Some(f), Some(l)) = (first_prose, last_prose) {
        let text_like = |b: &Block| is_sentence(b) || is_list_text(b);
        // Before the story, linked list items are a ticker of other stories.
        let lead_like = |b: &Block| text_like(b) && (b.kind != Kind::Item || b.link_weight == 0.0);
        let mut extend = true;
        for i in (0..f).rev() {
            extend &= keep[i] && lead_like(blocks[i]);
            keep[i] &= extend;
        }
        let mut extend = true;
        for i in l + 1..blocks.len() {
            extend &= keep[i] && text_like(blocks[i]);
            keep[i] &= extend;
        }
    }
    blocks
        .iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(b, _)| *b)
        .collect()
}

/// Headings that open the closing furniture of a press release or a post:
/// everything from such a heading on is not the story. Matched on the heading's
/// whole text, lower case, after an optional "About" (see [`closing_heading`]).
const CLOSING_HEADINGS: &[&str] = &[
    "about the author",
    "about the authors",
    "media contact",
    "media contacts",
    "press contact",
    "press contacts",
    "contacts",
    "contact",
    "investor contact",
    "forward-looking statements",
    "cautionary statement",
    "related",
    "related articles",
    "related stories",
    "comments",
    "leave a comment",
    "leave a reply",
];

/// Phrases of a call to action: newsletter and subscription promos, "follow us"
/// lines, comment policies, "read more" call-outs. A short block holding one is
/// dropped ([`drop_story_furniture`]).
const CALL_TO_ACTION: &[&str] = &[
    "subscribe",
    "newsletter",
    "sign up",
    "signup",
    "follow us",
    "follow me",
    "read more",
    "read next",
    "read also",
    "comments are",
    "comment policy",
    "join the conversation",
    "click here",
    "in your inbox",
];

/// Prefixes of a date / author / tags line ("Tags: cloud, earnings").
const META_LINE_PREFIXES: &[&str] = &[
    "tags:",
    "tagged",
    "filed under",
    "posted in",
    "posted on",
    "categories:",
    "category:",
    "topics:",
];

/// Short blocks (weighted chars) that may be a call to action or a meta line.
const FURNITURE_MAX: f32 = 200.0;

/// Whether heading-like block `b` opens the closing furniture: one of
/// [`CLOSING_HEADINGS`], or "About" followed by a name of a few words (the
/// company boilerplate at the foot of a press release).
fn closing_heading(b: &Block) -> bool {
    if b.lines.len() != 1 || b.punct && !b.lines[0].ends_with(':') {
        return false;
    }
    let l = b.lines[0].trim_end_matches(':').to_lowercase();
    let words = l.split_whitespace().count();
    CLOSING_HEADINGS.contains(&l.as_str()) || (l.starts_with("about ") && words <= 6)
}

/// Drops what surrounds a story inside its own container, judged by the text of
/// each block rather than by class names (which the pruning pass already used):
/// - from a closing heading ([`closing_heading`], after the story's first
///   paragraph) to the end: "About Acme", "Media contacts", "About the author";
/// - an author bio: a block after the story's first paragraph that opens with the
///   byline's name ("Lena Marsh is a reporter covering ...");
/// - short calls to action ([`CALL_TO_ACTION`]) and date / author / tags lines
///   (short lines that are not sentences, opening with one of
///   [`META_LINE_PREFIXES`] or naming the byline).
fn drop_story_furniture(blocks: &[&Block], keep: &mut [bool], meta: &Meta, first: Option<usize>) {
    let Some(first) = first else {
        return;
    };
    let byline = meta
        .byline
        .as_deref()
        .filter(|b| !b.contains(',') && b.split_whitespace().count() >= 2)
        .map(str::to_lowercase);
    let mut closed = false;
    for (i, b) in blocks.iter().enumerate() {
        let opening = b.lines[0].to_lowercase();
        let heading_like = b.kind == Kind::Heading || (b.weight < 60.0 && b.kind != Kind::Item);
        if i > first && heading_like && closing_heading(b) {
            closed = true;
        }
        let short = b.weight < FURNITURE_MAX;
        let whole = || b.lines.join(" ").to_lowercase();
        let bio = i > first && byline.as_deref().is_some_and(|n| opening.starts_with(n));
        let cta = short && CALL_TO_ACTION.iter().any(|p| whole().contains(p));
        let meta_line = short
            && !is_sentence(b)
            && (META_LINE_PREFIXES.iter().any(|p| opening.starts_with(p))
                || byline.as_deref().is_some_and(|n| whole().contains(n)));
        if closed || bio || cta || meta_line {
            keep[i] = false;
        }
    }
}

/// Whether block `i` is the linked headline of a list item whose own text follows:
/// the next block lies in the same `<li>` and is a sentence or prose that is not
/// link-heavy (`<li><p><a><b>Deal signed</b></a></p><p>The bank said ...</p></li>`).
fn item_headline(doc: &Doc, blocks: &[&Block], i: usize) -> bool {
    let Some(item) = enclosing(doc, blocks[i].el, "li") else {
        return false;
    };
    blocks.get(i + 1).is_some_and(|next| {
        doc.is_within(next.el, item) && !next.is_linky() && (next.is_prose() || is_sentence(next))
    })
}

/// The nearest element named `tag` at or above `id`, if any within a few levels.
fn enclosing(doc: &Doc, mut id: Id, tag: &str) -> Option<Id> {
    for _ in 0..4 {
        if doc.els[id].tag == tag {
            return Some(id);
        }
        if id == 0 {
            break;
        }
        id = doc.els[id].parent;
    }
    None
}

/// A list item that reads as data rather than navigation: a few words, not
/// link-heavy ("Cold storage down 18% to $0.8"). A story's closing list of
/// results is kept although its items are not sentences.
fn is_list_text(b: &Block) -> bool {
    let words: usize = b.lines.iter().map(|l| l.split_whitespace().count()).sum();
    b.kind == Kind::Item && !b.is_linky() && b.link_weight == 0.0 && words >= 3
}

/// A label rather than text: a few words without any punctuation, directly inside a
/// generic container rather than a paragraph, heading or list ("Advertisement",
/// "Image 1 of 5").
fn is_label(b: &Block) -> bool {
    let words: usize = b.lines.iter().map(|l| l.split_whitespace().count()).sum();
    b.kind == Kind::Other && !b.punct && words <= 4 && b.weight < 20.0
}

/// A short block that reads as a sentence: paragraph-like, several words, ending
/// with sentence punctuation.
fn is_sentence(b: &Block) -> bool {
    let Some(last) = b.lines.last() else {
        return false;
    };
    let words = b
        .lines
        .iter()
        .map(|l| l.split_whitespace().count())
        .sum::<usize>();
    matches!(b.kind, Kind::Para | Kind::Quote | Kind::Item | Kind::Other)
        && (words >= 4 || b.weight >= 24.0)
        && last
            .trim_end_matches(['"', '\'', '”', '’', ')', '»', '」', '』'])
            .ends_with(['.', '!', '?', '…', '。', '！', '？'])
}

/// Joins the kept blocks: one paragraph per line, except that the cells of one table
/// row become one paragraph, separated by " | ", so a figure stays next to its label.
fn render(doc: &Doc, blocks: &[&Block]) -> String {
    let mut out = String::new();
    let mut row: Option<Id> = None;
    for b in blocks {
        let this_row = (b.kind == Kind::Cell && b.lines.len() == 1)
            .then(|| doc.els[b.el].parent)
            .filter(|&p| doc.els[p].tag == "tr");
        let same_row = this_row.is_some() && this_row == row;
        row = this_row;
        if same_row {
            out.push_str(" | ");
            out.push_str(&b.lines[0]);
            continue;
        }
        let several = b.lines.len() > 1;
        for (line, &links) in b.lines.iter().zip(&b.line_links) {
            // In a block of `<br>` lines, a line that is mostly a link is navigation.
            if several && links > 0.5 * weight(line) {
                continue;
            }
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
        assert!(boilerplate_name("article-share"));
        assert!(boilerplate_name("related-content"));
        assert!(!boilerplate_name("social-media-embed"));
        assert!(!boilerplate_name(
            "elementor-widget elementor-widget-theme-post-content"
        ));
        assert!(boilerplate_name("entry-meta"));
        assert!(boilerplate_name("sidebar-content"));
        assert!(!boilerplate_name("entry-content"));
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
