//! Bounded resources: a number-dense paragraph without full stops costs time and
//! memory linear in its size, and each fact carries a bounded window of its sentence.

use serde_json::Value;

use crate::util::Dir;

/// One clause of a generated paragraph: every clause holds a money amount, and none
/// ends a sentence.
const CLAUSE: &str =
    "revenue rose 12% to $3.4 billion, and headcount grew by 1,200 employees, and ";

/// About `bytes` of clauses run together, with no full stop anywhere.
fn dense_paragraph(bytes: usize) -> (String, usize) {
    let n = bytes / CLAUSE.len() + 1;
    let text = format!("{}done", CLAUSE.repeat(n));
    (text, n)
}

#[test]
fn a_one_megabyte_paragraph_without_full_stops_is_linear_and_bounded() {
    let dir = Dir::new();
    let (text, clauses) = dense_paragraph(1 << 20);
    let path = dir.path().join("dense.txt");
    std::fs::write(&path, &text).unwrap();
    let out = dir.ok(&[
        "extract",
        "--text",
        "--format",
        "jsonl",
        path.to_str().unwrap(),
    ]);
    // The record is linear in the input: every fact used to carry the whole
    // megabyte-long sentence (tens of gigabytes for this input).
    assert!(out.len() < 40 * text.len(), "record is {} bytes", out.len());
    let rec: Value = serde_json::from_str(&out).unwrap();
    let facts = rec["facts"].as_array().unwrap();
    // Nothing is lost where the sentence is cut into pieces.
    let money = facts
        .iter()
        .filter(|f| f["kind"] == "money" && f["value"].as_f64() == Some(3.4e9))
        .count();
    assert_eq!(money, clauses);
    let employees = facts
        .iter()
        .filter(|f| f["kind"] == "count" && f["unit"] == "employee")
        .count();
    assert_eq!(employees, clauses);
    for f in facts {
        let sentence = f["sentence"].as_str().unwrap();
        let fact = f["text"].as_str().unwrap();
        assert!(
            sentence.len() <= 240,
            "sentence of {} bytes",
            sentence.len()
        );
        assert!(sentence.contains(fact), "{f}");
    }
}

#[test]
fn ordinary_sentences_are_carried_whole() {
    let dir = Dir::new();
    let sentence = "Acme revenue rose 12% to $3.4 billion in the quarter, the company said, \
                    as demand for its cloud services kept growing across every region it serves.";
    let path = dir.path().join("one.txt");
    std::fs::write(&path, sentence).unwrap();
    let rec = dir.json(&["extract", "--text", path.to_str().unwrap()]);
    let facts = rec["facts"].as_array().unwrap();
    assert!(!facts.is_empty());
    for f in facts {
        assert_eq!(f["sentence"], sentence);
    }
}
