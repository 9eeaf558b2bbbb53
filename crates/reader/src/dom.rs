//! A compact, read-only copy of the parsed document.
//!
//! `scraper` (html5ever) gives a full DOM. The reader needs much less: element names,
//! a handful of attributes, the text, and parent/child links it can walk without
//! recursion. [`Doc::parse`] makes that copy in one iterative pass, so deep nesting
//! costs memory proportional to the page and never stack depth. Every later stage
//! (metadata, content scoring) works on this arena by index.

use std::borrow::Cow;

use scraper::{Html, Node};

/// Deepest element nesting passed to the parser. html5ever checks its stack of open
/// elements for every tag, which is quadratic in the nesting depth (50,000 levels
/// take seconds); real pages stay below a few hundred. Start tags beyond this depth
/// are dropped before parsing (their text is kept), see [`prepare`].
pub const MAX_NESTING: usize = 512;

/// How many elements [`Doc::short_text`] visits at most.
pub(crate) const SHORT_TEXT_NODES: usize = 64;

/// Index of an element in [`Doc::els`].
pub(crate) type Id = usize;

/// A child of an element: another element or a run of text.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Child {
    /// An element, by index.
    El(Id),
    /// A text node: a byte range into [`Doc::text`].
    Text(u32, u32),
}

/// Attributes the reader looks at; all others are dropped while copying (`href` is
/// kept on `<link>` only; `hidden`, `aria-hidden` and `style` become [`El::hidden`]).
const KEPT_ATTRS: &[&str] = &[
    "itemprop",
    "itemtype",
    "role",
    "rel",
    "datetime",
    "lang",
    "property",
    "name",
    "content",
    "type",
    "charset",
    "http-equiv",
];

/// Interns an element name: the names the reader cares about map to static strings,
/// anything else to `"*custom"` (custom elements are inline and carry no meaning).
macro_rules! intern_tag {
    ($name:expr; $($tag:literal)*) => {
        match $name { $($tag => $tag,)* _ => "*custom" }
    };
}

fn intern(name: &str) -> &'static str {
    intern_tag!(name;
        "a" "abbr" "address" "article" "aside" "audio" "b" "base" "bdi" "bdo" "blockquote"
        "body" "br" "button" "canvas" "caption" "center" "cite" "code" "col" "colgroup"
        "data" "dd" "del" "details" "dfn" "dialog" "div" "dl" "dt" "em" "embed" "fieldset"
        "figcaption" "figure" "font" "footer" "form" "h1" "h2" "h3" "h4" "h5" "h6" "head"
        "header" "hgroup" "hr" "html" "i" "iframe" "img" "input" "ins" "kbd" "label"
        "legend" "li" "link" "main" "mark" "math" "menu" "meta" "nav" "noscript" "object"
        "ol" "optgroup" "option" "output" "p" "picture" "pre" "q" "s" "samp" "script"
        "section" "select" "small" "source" "span" "strong" "style" "sub" "summary" "sup"
        "svg" "table" "tbody" "td" "template" "textarea" "tfoot" "th" "thead" "time"
        "title" "tr" "tt" "u" "ul" "var" "video" "wbr" "big" "strike" "nobr" "marquee"
    )
}

/// Whether inline CSS hides the element.
fn style_hides(style: &str) -> bool {
    let squashed: String = style
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    squashed.contains("display:none") || squashed.contains("visibility:hidden")
}

/// One element of the arena.
#[derive(Debug)]
pub(crate) struct El {
    /// Lower-case local name (`p`, `div`, ...), `"*custom"` for unknown ones.
    pub tag: &'static str,
    /// Hidden by the `hidden` attribute, `aria-hidden="true"` or inline CSS.
    pub hidden: bool,
    /// Parent element; the root is its own parent.
    pub parent: Id,
    /// Depth below the root (root = 0).
    pub depth: u32,
    /// One past the last descendant: the subtree of element `i` is `i..end`, because
    /// elements are stored in document (pre-)order.
    pub end: Id,
    /// Children in document order.
    pub children: Vec<Child>,
    /// `class` and `id` joined by a space, lower-cased.
    pub class_id: Box<str>,
    /// The kept attributes (name, value) in source order; names are lower case.
    pub attrs: Vec<(Box<str>, Box<str>)>,
}

impl El {
    /// The value of attribute `name`, if kept and present.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| &**k == name)
            .map(|(_, v)| &**v)
    }
}

/// The copied document: elements in document (pre-)order, index 0 is the root.
#[derive(Debug)]
pub(crate) struct Doc {
    /// All elements; a parent always has a smaller index than its children.
    pub els: Vec<El>,
    /// All text, concatenated; [`Child::Text`] ranges point into it.
    pub text: String,
    /// The page was longer than [`crate::MAX_HTML_BYTES`] and only its start was read.
    pub truncated: bool,
}

impl Doc {
    /// Parses `html` and copies what the reader needs. The page goes through
    /// [`prepare`] and is cut to [`crate::MAX_HTML_BYTES`] first.
    pub fn parse(html: &str) -> Doc {
        let html = prepare(html, MAX_NESTING);
        let kept = truncate(&html, crate::MAX_HTML_BYTES);
        let truncated = kept.len() < html.len();
        let parsed = Html::parse_document(kept);
        let mut doc = Doc {
            els: vec![El {
                tag: "#root",
                hidden: false,
                parent: 0,
                depth: 0,
                end: 1,
                children: Vec::new(),
                class_id: "".into(),
                attrs: Vec::new(),
            }],
            text: String::new(),
            truncated,
        };
        // Explicit stack of (scraper node, our parent id): no recursion.
        let mut stack = Vec::new();
        let root = parsed.tree.root();
        let mut child = root.last_child();
        while let Some(c) = child {
            stack.push((c, 0usize));
            child = c.prev_sibling();
        }
        while let Some((node, parent)) = stack.pop() {
            match node.value() {
                Node::Element(e) => {
                    let tag = intern(e.name());
                    let mut class_id = String::new();
                    let mut attrs = Vec::new();
                    let mut hidden = false;
                    for (k, v) in e.attrs() {
                        match k {
                            "class" | "id" => {
                                if !class_id.is_empty() {
                                    class_id.push(' ');
                                }
                                class_id.push_str(v);
                            }
                            "hidden" => hidden = true,
                            "aria-hidden" => hidden |= v.trim().eq_ignore_ascii_case("true"),
                            "style" => hidden |= style_hides(v),
                            "href" if tag == "link" => attrs.push((Box::from(k), Box::from(v))),
                            _ if KEPT_ATTRS.contains(&k) => {
                                attrs.push((Box::from(k), Box::from(v)));
                            }
                            _ => {}
                        }
                    }
                    class_id.make_ascii_lowercase();
                    let id = doc.els.len();
                    let depth = doc.els[parent].depth.saturating_add(1);
                    doc.els.push(El {
                        tag,
                        hidden,
                        parent,
                        depth,
                        end: id + 1,
                        children: Vec::new(),
                        class_id: class_id.into_boxed_str(),
                        attrs,
                    });
                    doc.els[parent].children.push(Child::El(id));
                    let mut child = node.last_child();
                    while let Some(c) = child {
                        stack.push((c, id));
                        child = c.prev_sibling();
                    }
                }
                Node::Text(t) => {
                    let start = doc.text.len();
                    doc.text.push_str(t);
                    let end = doc.text.len();
                    if let (Ok(s), Ok(e)) = (u32::try_from(start), u32::try_from(end)) {
                        doc.els[parent].children.push(Child::Text(s, e));
                    }
                }
                _ => {}
            }
        }
        for i in (1..doc.els.len()).rev() {
            let (end, parent) = (doc.els[i].end, doc.els[i].parent);
            if doc.els[parent].end < end {
                doc.els[parent].end = end;
            }
        }
        doc
    }

    /// The text of a [`Child::Text`] range.
    pub fn slice(&self, start: u32, end: u32) -> &str {
        self.text.get(start as usize..end as usize).unwrap_or("")
    }

    /// The first element named `tag`, in document order.
    pub fn first(&self, tag: &str) -> Option<Id> {
        self.els.iter().position(|e| e.tag == tag)
    }

    /// All text under `id` (script and style included), concatenated raw.
    pub fn raw_text(&self, id: Id) -> String {
        let mut out = String::new();
        for piece in self.text_pieces(id) {
            out.push_str(piece);
        }
        out
    }

    /// The text under `id` when it is at most `max_bytes` long, else `None`; `<br>`
    /// and block elements start a new line. At most
    /// [`SHORT_TEXT_NODES`] elements are visited, so calling this for every element of
    /// a deeply nested page stays linear overall.
    pub fn short_text(&self, id: Id, max_bytes: usize) -> Option<String> {
        let mut out = String::new();
        let mut stack: Vec<Child> = vec![Child::El(id)];
        let mut visited = 0;
        while let Some(c) = stack.pop() {
            match c {
                Child::El(e) => {
                    visited += 1;
                    if visited > SHORT_TEXT_NODES {
                        return None;
                    }
                    let el = self.els.get(e)?;
                    // Line breaks and block boundaries end a line.
                    if matches!(
                        el.tag,
                        "br" | "p"
                            | "div"
                            | "li"
                            | "dd"
                            | "dt"
                            | "tr"
                            | "h1"
                            | "h2"
                            | "h3"
                            | "h4"
                            | "h5"
                            | "h6"
                            | "section"
                            | "header"
                            | "address"
                    ) {
                        out.push('\n');
                    }
                    stack.extend(el.children.iter().rev().copied());
                }
                Child::Text(s, e) => {
                    out.push_str(self.slice(s, e));
                    if out.len() > max_bytes {
                        return None;
                    }
                }
            }
        }
        Some(out)
    }

    /// Text pieces under `id` in document order; a `<br>` gives a line break.
    pub fn text_pieces(&self, id: Id) -> impl Iterator<Item = &str> + '_ {
        let mut stack: Vec<Child> = vec![Child::El(id)];
        std::iter::from_fn(move || {
            while let Some(c) = stack.pop() {
                match c {
                    Child::El(e) => {
                        if let Some(el) = self.els.get(e) {
                            if el.tag == "br" {
                                return Some("\n");
                            }
                            stack.extend(el.children.iter().rev().copied());
                        }
                    }
                    Child::Text(s, e) => return Some(self.slice(s, e)),
                }
            }
            None
        })
    }

    /// Whether `anc` is `id` or one of its ancestors.
    pub fn is_within(&self, id: Id, anc: Id) -> bool {
        self.els.get(anc).is_some_and(|a| anc <= id && id < a.end)
    }
}

/// `s` cut to at most `max` bytes at a character boundary.
pub(crate) fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Elements whose end tag is often left out (the parser closes them implicitly) or that
/// are void: they do not count towards nesting depth.
fn nests(tag: &str) -> bool {
    !matches!(
        tag,
        "p" | "li"
            | "dt"
            | "dd"
            | "tr"
            | "td"
            | "th"
            | "tbody"
            | "thead"
            | "tfoot"
            | "option"
            | "optgroup"
            | "rb"
            | "rt"
            | "rp"
            | "colgroup"
            | "caption"
            | "head"
            | "body"
            | "html"
            | "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
            | "param"
            | "keygen"
            | "frame"
            | "basefont"
            | "bgsound"
            | "image"
            | "menuitem"
    )
}

/// Elements whose content is raw text: tags inside them are not tags.
fn raw_text_element(tag: &str) -> bool {
    matches!(
        tag,
        "script"
            | "style"
            | "textarea"
            | "title"
            | "xmp"
            | "iframe"
            | "noembed"
            | "noframes"
            | "plaintext"
    )
}

/// Position of the next `</name` (ASCII case-insensitive) at or after `from`.
fn find_close_tag(bytes: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut i = from;
    while let Some(off) = bytes.get(i..)?.iter().position(|&b| b == b'<') {
        let at = i + off;
        let tail = &bytes[at..];
        if tail.len() > name.len() + 1
            && tail[1] == b'/'
            && tail[2..2 + name.len()].eq_ignore_ascii_case(name)
        {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// Prepares a page for the parser, in one cheap scan (a tag scanner, not a parser):
/// - drops start tags that would nest deeper than `max_depth`, counting only elements
///   that are normally closed explicitly ([`nests`]);
/// - empties `<script>` (except JSON-LD) and `<style>` elements, which the reader
///   never looks into.
///
/// Comments are skipped. The input is returned uncopied unless something is dropped.
pub(crate) fn prepare(html: &str, max_depth: usize) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    let mut depth = 0usize;
    let mut out: Option<String> = None;
    let mut copied = 0; // bytes of `html` already copied into `out`
    let mut i = 0;
    while let Some(off) = bytes[i..].iter().position(|&b| b == b'<') {
        let start = i + off;
        let rest = &html[start..];
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(html.len(), |e| start + e + 3);
            continue;
        }
        let closing = rest.as_bytes().get(1) == Some(&b'/');
        let name_start = start + 1 + usize::from(closing);
        let name_len = bytes[name_start.min(bytes.len())..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if name_len == 0 {
            i = start + 1;
            continue;
        }
        let name = &html[name_start..name_start + name_len];
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(html.len(), |e| start + e + 1);
        let mut lower = [0u8; 16];
        let name = if name.len() <= lower.len() {
            lower[..name.len()].copy_from_slice(name.as_bytes());
            lower[..name.len()].make_ascii_lowercase();
            std::str::from_utf8(&lower[..name.len()]).unwrap_or("")
        } else {
            ""
        };
        if closing {
            if nests(name) {
                depth = depth.saturating_sub(1);
            }
            i = end;
            continue;
        }
        if raw_text_element(name) {
            let close = find_close_tag(bytes, end, name.as_bytes()).unwrap_or(html.len());
            // Script and style bodies are never read (JSON-LD aside): dropping them
            // here saves the parser from tokenising what is often half the page.
            let keep = name != "script" && name != "style"
                || html[start..end].to_ascii_lowercase().contains("ld+json");
            if !keep && close > end {
                let buf = out.get_or_insert_with(|| String::with_capacity(html.len()));
                buf.push_str(&html[copied..end]);
                copied = close;
            }
            i = close;
            continue;
        }
        let self_closing = html[start..end].ends_with("/>");
        if nests(name) && !self_closing {
            depth += 1;
            if depth > max_depth {
                // Drop this start tag: copy what precedes it, skip the tag itself.
                let buf = out.get_or_insert_with(|| String::with_capacity(html.len()));
                buf.push_str(&html[copied..start]);
                copied = end;
                depth -= 1;
            }
        }
        i = end;
        if i >= html.len() {
            break;
        }
    }
    match out {
        Some(mut buf) => {
            buf.push_str(&html[copied.min(html.len())..]);
            Cow::Owned(buf)
        }
        None => Cow::Borrowed(html),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_structure_and_text() {
        let d = Doc::parse("<p class='A b' id=X>one <b>two</b></p><p>three</p>");
        let p = d.first("p").unwrap();
        assert_eq!(&*d.els[p].class_id, "a b x");
        assert_eq!(d.raw_text(p), "one two");
        let body = d.first("body").unwrap();
        assert_eq!(d.raw_text(body), "one twothree");
        assert!(d.is_within(p, body));
        assert!(!d.is_within(body, p));
    }

    #[test]
    fn truncate_respects_char_boundaries() {
        assert_eq!(truncate("aé", 2), "a");
        assert_eq!(truncate("aé", 3), "aé");
    }

    #[test]
    fn nesting_is_limited() {
        let deep = format!("{}x{}", "<div>".repeat(10), "</div>".repeat(10));
        assert_eq!(
            prepare(&deep, 3),
            format!("<div><div><div>x{}", "</div>".repeat(10))
        );
        // Implicitly closed and void elements, comments and scripts do not count.
        let flat = "<p>a<p>b<br><img><!-- <div><div> --><div>c</div>";
        assert!(matches!(prepare(flat, 1), Cow::Borrowed(_)));
        // Scripts and styles are emptied, JSON-LD is kept, tags inside them ignored.
        let page = "<div><script>'<div><div>'</SCRIPT><style>p{}</style>\
            <script type=application/ld+json>{}</script></div>";
        assert_eq!(
            prepare(page, 1),
            "<div><script></SCRIPT><style></style><script type=application/ld+json>{}</script></div>"
        );
    }
}
