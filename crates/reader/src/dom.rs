//! A compact, read-only copy of the parsed document.
//!
//! `scraper` (html5ever) gives a full DOM. The reader needs much less: element names,
//! a handful of attributes, the text, and parent/child links it can walk without
//! recursion. [`Doc::parse`] makes that copy in one iterative pass, so deep nesting
//! costs memory proportional to the page and never stack depth. Every later stage
//! (metadata, content scoring) works on this arena by index.

use scraper::{Html, Node};

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

/// Attributes the reader looks at; all others are dropped while copying.
const KEPT_ATTRS: &[&str] = &[
    "itemprop",
    "itemtype",
    "role",
    "hidden",
    "style",
    "aria-hidden",
    "href",
    "rel",
    "datetime",
    "lang",
    "property",
    "name",
    "content",
    "type",
    "charset",
    "http-equiv",
    "data-testid",
];

/// One element of the arena.
#[derive(Debug)]
pub(crate) struct El {
    /// Lower-case local name (`p`, `div`, ...).
    pub tag: Box<str>,
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
}

impl Doc {
    /// Parses `html` and copies what the reader needs.
    pub fn parse(html: &str) -> Doc {
        let parsed = Html::parse_document(html);
        let mut doc = Doc {
            els: vec![El {
                tag: "#root".into(),
                parent: 0,
                depth: 0,
                end: 1,
                children: Vec::new(),
                class_id: "".into(),
                attrs: Vec::new(),
            }],
            text: String::new(),
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
                    let mut class_id = String::new();
                    let mut attrs = Vec::new();
                    for (k, v) in e.attrs() {
                        if k == "class" || k == "id" {
                            if !class_id.is_empty() {
                                class_id.push(' ');
                            }
                            class_id.push_str(&v.to_ascii_lowercase());
                        } else if KEPT_ATTRS.contains(&k) {
                            attrs.push((Box::from(k), Box::from(v)));
                        }
                    }
                    let id = doc.els.len();
                    let depth = doc.els[parent].depth.saturating_add(1);
                    doc.els.push(El {
                        tag: e.name().to_ascii_lowercase().into_boxed_str(),
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
        self.els.iter().position(|e| &*e.tag == tag)
    }

    /// All text under `id` (script and style included), concatenated raw.
    pub fn raw_text(&self, id: Id) -> String {
        let mut out = String::new();
        for piece in self.text_pieces(id) {
            out.push_str(piece);
        }
        out
    }

    /// Text pieces under `id` in document order.
    pub fn text_pieces(&self, id: Id) -> impl Iterator<Item = &str> + '_ {
        let mut stack: Vec<Child> = vec![Child::El(id)];
        std::iter::from_fn(move || {
            while let Some(c) = stack.pop() {
                match c {
                    Child::El(e) => {
                        if let Some(el) = self.els.get(e) {
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
}
