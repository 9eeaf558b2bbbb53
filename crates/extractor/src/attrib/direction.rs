//! Which way a figure moved: `up`, `down`, or nothing said.
//!
//! The value stays as written ("fell 8%" is 8); the direction says what the words
//! say. In order:
//!
//! 1. a written sign on the number (`-20.9%`, `+13.6%`);
//! 2. a change word governing the figure in its clause: a verb or noun before it
//!    ("fell 8%", "a decline of 3%", "up 24%"), or an adverb or comparative right
//!    after it ("8% higher", "3 points lower", "24% year-over-year growth").
//!
//! Only changes get a direction: a level ("an operating margin of 35%") has none, and
//! a figure that is the *result* of a move ("rose to $35.6 billion", "up from 34.6%")
//! is not itself the move.

use factwire_core::FactKind;

use super::Scene;
use crate::fasthash::FastMap;

pub use factwire_core::Direction;

const UP: &[&str] = &[
    "leaping",
    "leapt",
    "leaped",
    "soaring",
    "up",
    "rose",
    "rise",
    "rises",
    "rising",
    "grew",
    "grow",
    "grows",
    "growth",
    "growing",
    "gain",
    "gains",
    "gained",
    "increase",
    "increased",
    "increases",
    "increasing",
    "jump",
    "jumped",
    "jumps",
    "surge",
    "surged",
    "surges",
    "soared",
    "soar",
    "climbed",
    "climb",
    "climbs",
    "advanced",
    "expanded",
    "accelerated",
    "boosted",
    "higher",
    "rebounded",
    "added",
    "spiked",
];

const DOWN: &[&str] = &[
    "plunging",
    "tumbling",
    "sliding",
    "dropping",
    "down",
    "fell",
    "fall",
    "falls",
    "falling",
    "declined",
    "decline",
    "declines",
    "declining",
    "dropped",
    "drop",
    "drops",
    "slid",
    "slumped",
    "plunged",
    "plunge",
    "tumbled",
    "sank",
    "shrank",
    "contracted",
    "decreased",
    "decrease",
    "lower",
    "lost",
    "slipped",
    "eased",
    "dipped",
    "cut",
    "narrowed",
    "shed",
];

/// Words that may stand between a change verb and its figure ("rose by about 8%",
/// "fell a further 3%").
const BETWEEN: &[&str] = &[
    "by",
    "about",
    "around",
    "roughly",
    "nearly",
    "almost",
    "some",
    "an",
    "a",
    "further",
    "more",
    "than",
    "over",
    "of",
    "sharply",
    "as",
    "much",
    "slightly",
    "just",
    "only",
    "approximately",
    "another",
];

/// The direction of fact `k`, if the sentence says one.
pub(super) fn of(sc: &Scene<'_, '_>, k: usize) -> Option<Direction> {
    let f = &sc.inp.facts[k];
    if !matches!(
        f.kind,
        FactKind::Money | FactKind::Percent | FactKind::Count
    ) {
        return None;
    }
    if let Some(d) = written_sign(sc, k) {
        return Some(d);
    }
    before(sc, k).or_else(|| after(sc, k))
}

/// What a word is to a direction: up, down, or a filler that may stand between a
/// change word and its figure. One hash lookup per word (the lists are read once).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Move(Direction),
    Filler,
}

fn class_of(word: &str) -> Option<Class> {
    static MAP: std::sync::OnceLock<FastMap<&'static str, Class>> = std::sync::OnceLock::new();
    MAP.get_or_init(|| {
        let mut m = FastMap::default();
        for w in BETWEEN {
            m.insert(*w, Class::Filler);
        }
        for w in DOWN {
            m.insert(*w, Class::Move(Direction::Down));
        }
        for w in UP {
            m.insert(*w, Class::Move(Direction::Up));
        }
        m
    })
    .get(word)
    .copied()
}

fn classify(word: &str) -> Option<Direction> {
    match class_of(word) {
        Some(Class::Move(d)) => Some(d),
        _ => None,
    }
}

/// A sign written on the number itself.
fn written_sign(sc: &Scene<'_, '_>, k: usize) -> Option<Direction> {
    let f = &sc.inp.facts[k];
    let s = &sc.inp.text[f.s..f.e];
    match s.chars().next()? {
        '-' | '−' | '–' => Some(Direction::Down),
        '+' => Some(Direction::Up),
        _ => None,
    }
}

/// "fell 8%", "rose by about $2 billion", "a decline of 3%": a change word before
/// the figure with only filler words between. "rose to $35.6 billion" and "up from
/// 34.6%" are levels, not moves.
fn before(sc: &Scene<'_, '_>, k: usize) -> Option<Direction> {
    let f = &sc.inp.facts[k];
    let mut i = f.t0;
    for _ in 0..5 {
        if i == 0 {
            return None;
        }
        i -= 1;
        let l = sc.lw(i);
        if matches!(l, "to" | "from" | "at") {
            return None;
        }
        if let Some(d) = classify(l) {
            return Some(d);
        }
        if class_of(l) != Some(Class::Filler) {
            return None;
        }
    }
    None
}

/// "8% higher", "3% lower than", "24% growth", "a 5% drop": a change word right after
/// the figure.
fn after(sc: &Scene<'_, '_>, k: usize) -> Option<Direction> {
    let f = &sc.inp.facts[k];
    let n = sc.inp.toks.len();
    for i in f.t1..(f.t1 + 3).min(n) {
        let l = sc.lw(i);
        if let Some(d) = classify(l) {
            // "$5 billion, up from $4 billion": "up from" starts a comparison; the
            // figure before it is a level, not the move.
            if matches!(l, "up" | "down") && sc.lw(i + 1) == "from" {
                return None;
            }
            return Some(d);
        }
        if !matches!(
            l,
            "year-over-year"
                | "year-on-year"
                | "yoy"
                | "sequential"
                | "annual"
                | "-"
                | "y"
                | "/"
                | "quarter-over-quarter"
        ) {
            return None;
        }
    }
    None
}
