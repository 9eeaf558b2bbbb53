//! A sentence seen as lower-case words for cue matching.

use super::cues::cue_index;
use crate::lex::{Tk, Token};

/// A sentence's words for cue matching: lower-case tokens, hyphenated compounds
/// joined ("year-over-year"), and word positions that ignore punctuation.
pub(crate) struct View {
    /// The sentence lower-cased (ASCII only, so byte offsets are kept).
    pub(super) low_text: String,
    /// Token byte ranges relative to `low_text`.
    pub(super) spans: Vec<(usize, usize)>,
    pub(super) joined: Vec<Option<String>>,
    pub(super) wpos: Vec<usize>,
    /// Which cue lists each token may start (bits `M_*`).
    pub(super) mask: Vec<u32>,
}

impl View {
    pub(crate) fn new(text: &str, toks: &[Token]) -> View {
        let base = toks.first().map_or(0, |t| t.s);
        let end = toks.last().map_or(0, |t| t.e);
        let low_text = text[base..end].to_ascii_lowercase();
        let spans: Vec<(usize, usize)> = toks.iter().map(|t| (t.s - base, t.e - base)).collect();
        let low: Vec<&str> = spans.iter().map(|&(s, e)| &low_text[s..e]).collect();
        let mut joined = vec![None; toks.len()];
        let mut wpos = vec![0; toks.len() + 1];
        let mut p = 0;
        let mut i = 0;
        while i < toks.len() {
            wpos[i] = p;
            let mut j = i;
            if toks[i].kind == Tk::Word {
                while j + 2 < toks.len()
                    && low[j + 1] == "-"
                    && !toks[j + 1].space
                    && !toks[j + 2].space
                    && toks[j + 2].kind == Tk::Word
                {
                    j += 2;
                }
            }
            if j > i {
                joined[i] = Some(low[i..=j].concat());
                for slot in &mut wpos[i + 1..=j] {
                    *slot = p;
                }
            }
            if toks[i].kind != Tk::Punct {
                p += 1;
            }
            i = j + 1;
        }
        wpos[toks.len()] = p + 1;
        let idx = cue_index();
        let mask = (0..toks.len())
            .map(|i| {
                idx.get(low[i]).copied().unwrap_or(0)
                    | joined[i]
                        .as_deref()
                        .and_then(|j| idx.get(j).copied())
                        .unwrap_or(0)
            })
            .collect();
        View {
            low_text,
            spans,
            joined,
            wpos,
            mask,
        }
    }

    pub(super) fn lw(&self, i: usize) -> &str {
        self.spans.get(i).map_or("", |&(s, e)| &self.low_text[s..e])
    }

    /// Whether the words at `i..` spell `phrase`; returns the end token.
    pub(super) fn phrase_at(&self, i: usize, phrase: &str) -> Option<usize> {
        if let Some(j) = &self.joined[i]
            && j == phrase
        {
            let mut e = i + 1;
            while e < self.spans.len() && self.wpos[e] == self.wpos[i] {
                e += 1;
            }
            return Some(e);
        }
        let mut j = i;
        for part in phrase.split(' ') {
            if self.lw(j) != part {
                return None;
            }
            j += 1;
        }
        Some(j)
    }
}
