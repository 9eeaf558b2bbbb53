//! Public-API tests of factwire-extractor over the fixture texts in `fixtures/texts`.
//!
//! Each case folder has `source.txt` and a hand-checked `expected.json`, checked with
//! "include" semantics: every expected fact must be produced (same kind and span, and
//! every field the file lists equal), every expected entity must be reported with its
//! kind (and the listed aliases), and nothing in `not_facts` / `not_entities` may
//! appear. Fields the file leaves out are not checked.

// Test helpers outside `#[test]` functions panic on broken fixtures on purpose.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use factwire_core::text::{char_slice, normalize_text};
use factwire_core::{Fact, FactKind};
use factwire_extractor::{Context, Extraction, Extractor, Gazetteer};
use proptest::prelude::*;
use serde_json::Value;

fn extractor() -> &'static Extractor {
    static EX: std::sync::LazyLock<Extractor> = std::sync::LazyLock::new(Extractor::default);
    &EX
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/texts")
}

fn run(dir: &Path) -> (String, Extraction, Value) {
    let raw = std::fs::read_to_string(dir.join("source.txt")).unwrap();
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let text = normalize_text(&raw);
    let ctx = Context {
        published: expected["published"].as_str().map(str::to_string),
        title: None,
    };
    let out = Extractor::new(Gazetteer::builtin()).extract(&text, &ctx);
    (text, out, expected)
}

fn field_matches(fact: &Fact, key: &str, want: &Value) -> bool {
    let got = serde_json::to_value(fact).unwrap();
    match (key, &got[key], want) {
        (_, Value::Number(a), Value::Number(b)) => {
            let (a, b) = (a.as_f64().unwrap(), b.as_f64().unwrap());
            (a - b).abs() <= 1e-6 * b.abs().max(1.0)
        }
        (_, g, w) => g == w,
    }
}

fn check_case(dir: &Path) -> Vec<String> {
    let case = dir.file_name().unwrap().to_string_lossy().to_string();
    let (text, out, expected) = run(dir);
    let mut errors = Vec::new();
    for want in expected["facts"].as_array().into_iter().flatten() {
        let kind = FactKind::parse(want["kind"].as_str().unwrap()).unwrap();
        let span = want["text"].as_str().unwrap();
        let Some(fact) = out.facts.iter().find(|f| f.kind == kind && f.text == span) else {
            errors.push(format!("{case}: missing {} fact {span:?}", kind.as_str()));
            continue;
        };
        for (key, value) in want.as_object().unwrap() {
            if matches!(key.as_str(), "kind" | "text") {
                continue;
            }
            if !field_matches(fact, key, value) {
                let got = serde_json::to_value(fact).unwrap()[key.as_str()].clone();
                errors.push(format!("{case}: {span:?} {key}: want {value}, got {got}"));
            }
        }
    }
    for bad in expected["not_facts"].as_array().into_iter().flatten() {
        let bad = bad.as_str().unwrap();
        if let Some(f) = out.facts.iter().find(|f| f.text == bad) {
            errors.push(format!(
                "{case}: unexpected fact {:?} ({})",
                f.text,
                f.kind.as_str()
            ));
        }
    }
    for want in expected["entities"].as_array().into_iter().flatten() {
        let name = want["name"].as_str().unwrap();
        let Some(e) = out.entities.iter().find(|e| e.name == name) else {
            errors.push(format!("{case}: missing entity {name:?}"));
            continue;
        };
        if e.kind.as_str() != want["kind"].as_str().unwrap() {
            errors.push(format!("{case}: entity {name:?} kind {}", e.kind.as_str()));
        }
        for a in want["aliases"].as_array().into_iter().flatten() {
            if !e.aliases.iter().any(|x| Some(x.as_str()) == a.as_str()) {
                errors.push(format!("{case}: entity {name:?} lacks alias {a}"));
            }
        }
    }
    for bad in expected["not_entities"].as_array().into_iter().flatten() {
        if out
            .entities
            .iter()
            .any(|e| Some(e.name.as_str()) == bad.as_str())
        {
            errors.push(format!("{case}: unexpected entity {bad}"));
        }
    }
    // Contract invariants on every case.
    for f in &out.facts {
        if char_slice(&text, f.start, f.end) != f.text {
            errors.push(format!(
                "{case}: span {}..{} is not {:?}",
                f.start, f.end, f.text
            ));
        }
        if !f.sentence.contains(&f.text) {
            errors.push(format!(
                "{case}: sentence of {:?} does not contain it",
                f.text
            ));
        }
    }
    let mut names: Vec<&str> = out.entities.iter().map(|e| e.name.as_str()).collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    if names.len() != before {
        errors.push(format!("{case}: an entity is reported twice"));
    }
    errors
}

#[test]
fn fixture_texts_include_expected_facts_and_entities() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expected.json").is_file())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 6, "fixture cases missing: {dirs:?}");
    let errors: Vec<String> = dirs.iter().flat_map(|d| check_case(d)).collect();
    assert!(
        errors.is_empty(),
        "{} problems:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

#[test]
fn gazetteer_public_api() {
    let mut g = Gazetteer::builtin();
    assert_eq!(g.canonical("aws"), Some("Amazon Web Services"));
    assert_eq!(g.canonical("Azure"), Some("Microsoft Azure"));
    assert_eq!(g.canonical("no such thing"), None);
    let user = Gazetteer::from_toml_str(
        "[[entity]]\nname = \"Acme Cloud\"\nkind = \"org\"\naliases = [\"AcmeC\"]\n",
    )
    .unwrap();
    g.extend(user);
    assert!(
        g.alias_groups()
            .contains(&vec!["Acme Cloud".to_string(), "AcmeC".to_string()])
    );
    let ex = Extractor::new(g);
    let out = ex.extract(
        "AcmeC said revenue rose 5% to $2 billion.",
        &Context::default(),
    );
    assert_eq!(out.entities[0].name, "Acme Cloud");
    let money = out.facts.iter().find(|f| f.text == "$2 billion").unwrap();
    assert_eq!(money.subject.as_deref(), Some("Acme Cloud"));
    let err = Gazetteer::from_toml_str("[[entity]]\nname = \"X\"\n").unwrap_err();
    assert!(err.to_string().contains("kind"), "{err}");
}

#[test]
fn empty_and_odd_inputs_do_not_panic() {
    let ex = Extractor::default();
    for t in [
        "",
        " ",
        "\n\n",
        "$",
        "%",
        "$-",
        "Q",
        "Q4'",
        "FY",
        "1/1/1",
        "2026-13-45",
        "9999999999999999999999999999 billion",
        "$1,",
        "between and",
        "€",
        "—–-",
        "Jan. 32, 2026",
        "February 30, 2025",
    ] {
        let out = ex.extract(t, &Context::default());
        for f in &out.facts {
            assert_eq!(char_slice(t, f.start, f.end), f.text);
        }
    }
    let out = ex.extract(
        "On February 30, 2025 nothing happened.",
        &Context::default(),
    );
    assert!(out.facts.iter().all(|f| f.kind != FactKind::Date));
}

/// Text pieces that exercise the fact patterns, mixed with arbitrary Unicode.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("$35.6 billion".to_string()),
        Just("US$1.2bn".to_string()),
        Just("€5 million".to_string()),
        Just("£22bn".to_string()),
        Just("11-15%".to_string()),
        Just("24 percent".to_string()),
        Just("40 basis points".to_string()),
        Just("16,000 corporate employees".to_string()),
        Just("4 gigawatts".to_string()),
        Just("twice".to_string()),
        Just("Q4 2025".to_string()),
        Just("fiscal second quarter".to_string()),
        Just("Jan. 28".to_string()),
        Just("2026-02-05".to_string()),
        Just("AWS’s".to_string()),
        Just("Amazon".to_string()),
        Just("é".to_string()),
        Just("日本".to_string()),
        Just(".".to_string()),
        Just("\n\n".to_string()),
        "\\PC{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn every_fact_span_slices_to_its_text(pieces in prop::collection::vec(piece(), 0..30)) {
        let text = normalize_text(&pieces.join(" "));
        let out = extractor().extract(&text, &Context::default());
        for f in &out.facts {
            prop_assert_eq!(char_slice(&text, f.start, f.end), f.text.as_str());
            prop_assert!(f.start <= f.end);
        }
    }

    #[test]
    fn arbitrary_unicode_never_panics(s in "\\PC{0,300}") {
        let text = normalize_text(&s);
        let out = extractor().extract(&text, &Context::default());
        for f in &out.facts {
            prop_assert_eq!(char_slice(&text, f.start, f.end), f.text.as_str());
        }
    }
}
