//! Ranking behaviour through the binary, over a small corpus written here: thesaurus
//! expansion (built in and user-extended), entity relations, soft matching, and that
//! one common headline word does not outrank a body about the query.

use std::path::Path;

use serde_json::Value;

use crate::util::Dir;

/// Writes `name.html` with a headline and paragraphs into `dir`.
fn page(dir: &Path, name: &str, title: &str, paras: &[&str]) -> String {
    let n = std::fs::read_dir(dir).map_or(0, Iterator::count);
    let filler = FILLERS[n % FILLERS.len()];
    let body: String = paras
        .iter()
        .chain(std::iter::once(&filler))
        .map(|p| format!("<p>{p}</p>\n"))
        .collect();
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         </head><body><article><h1>{title}</h1>\n{body}</article></body></html>\n"
    );
    let path = dir.join(format!("{name}.html"));
    std::fs::write(&path, html).unwrap();
    path.display().to_string()
}

/// Each page gets its own filler sentence (shares no word with the queries), so no
/// two pages are near-duplicates folded into one hit.
const FILLERS: &[&str] = &[
    "Readers were invited to send comments before the end of the month.",
    "A public meeting is planned for the spring in the town hall.",
    "The museum reopened after a long renovation of its west wing.",
    "Local football clubs welcomed the new season with open training days.",
    "The bakery on the corner won a prize for its rye loaf.",
    "Volunteers planted two hundred trees along the canal path.",
    "The library extended its opening hours on Saturdays.",
    "A jazz quartet played to a full house at the old theatre.",
    "Farmers reported an early harvest of apples and pears.",
    "The ferry timetable changes at the start of next week.",
    "Students staged a play about the history of the harbour.",
    "A new cycle lane links the station with the hospital.",
    "The swimming pool closes for maintenance in August.",
    "Birdwatchers counted more swallows than last summer.",
    "An exhibition of maps opens at the county archive.",
    "The choir is looking for tenors and basses.",
];

fn corpus(d: &Dir) {
    let dir = d.path().join("pages");
    std::fs::create_dir_all(&dir).unwrap();
    let mut paths = vec![
        page(
            &dir,
            "redundancies",
            "Printer maker to shed staff",
            &["The printer maker announced redundancies across its European sites on Monday."],
        ),
        page(
            &dir,
            "literal-cuts",
            "Chip designer confirms job cuts",
            &["The chip designer confirmed job cuts at two of its offices on Monday."],
        ),
        page(
            &dir,
            "frobnitz",
            "Quarterly note",
            &["Analysts watched the frobnitz closely this quarter."],
        ),
        page(
            &dir,
            "aws-named",
            "Cloud unit adds regions",
            &["AWS plans three more availability regions in Asia."],
        ),
        page(
            &dir,
            "parent-only",
            "Retailer opens warehouses",
            &["Amazon is building fulfilment warehouses near the motorway."],
        ),
        page(
            &dir,
            "three-of-four",
            "Storage prices",
            &["Solid-state storage prices in Europe rose again in the spring, distributors said."],
        ),
        page(
            &dir,
            "one-of-four",
            "Europe notes",
            &["Europe. Europe. Europe was the theme of the summit in Europe."],
        ),
        page(
            &dir,
            "outage-body",
            "Grid failure in the north",
            &[
                "The outage began at dawn. Engineers traced the outage to a failed \
                 substation, and the outage lasted six hours for most homes.",
            ],
        ),
        page(
            &dir,
            "power-title",
            "The power of music",
            &["A choir from the valley sang at the festival for the third year."],
        ),
    ];
    // "power" is a common word here; "outage" is not.
    for i in 0..6 {
        paths.push(page(
            &dir,
            &format!("power-{i}"),
            &format!("Council note {i}"),
            &[&format!(
                "The council discussed power bills and power lines at meeting {i}."
            )],
        ));
    }
    std::fs::write(
        d.path().join("extra-thesaurus.toml"),
        "[[group]]\nterms = [\"quaggafication\", \"frobnitz\"]\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("ranking.toml"),
        "[search]\nthesaurus = \"extra-thesaurus.toml\"\n",
    )
    .unwrap();
    let mut args = vec!["ingest", "--format", "json"];
    args.extend(paths.iter().map(String::as_str));
    let report = d.json(&args);
    assert_eq!(report["failed"], 0, "{report}");
}

/// The page names of the hits, best first.
fn names(d: &Dir, config: Option<&str>, query: &str) -> Vec<String> {
    let mut args = Vec::new();
    let cfg;
    if let Some(c) = config {
        cfg = d.path().join(c).display().to_string();
        args.extend(["--config", cfg.as_str()]);
    }
    args.extend(["search", query, "--limit", "20", "--format", "json"]);
    let hits: Value = d.json(&args);
    hits.as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let url = h["url"].as_str().unwrap();
            let last = url.rsplit('/').next().unwrap();
            last.strip_suffix(".html").unwrap_or(last).to_string()
        })
        .collect()
}

fn rank(found: &[String], name: &str) -> usize {
    found
        .iter()
        .position(|n| n == name)
        .unwrap_or_else(|| panic!("{name} not found in {found:?}"))
}

#[test]
fn ranking_expands_relates_and_degrades_gracefully() {
    let d = Dir::new();
    corpus(&d);

    // Thesaurus (built in): "job cuts" also finds "redundancies", below the story
    // that says "job cuts".
    let found = names(&d, None, "job cuts");
    assert!(
        rank(&found, "literal-cuts") < rank(&found, "redundancies"),
        "{found:?}"
    );
    // ...and it works both ways, through the stemmer ("layoff" ~ "layoffs").
    let found = names(&d, None, "layoff");
    rank(&found, "redundancies");
    rank(&found, "literal-cuts");

    // A user thesaurus extends the built-in one; without it the word finds nothing.
    assert!(names(&d, None, "quaggafication").is_empty());
    let found = names(&d, Some("ranking.toml"), "quaggafication");
    assert_eq!(found, ["frobnitz"]);

    // Entity relations: the parent is related, not equal: found, below the story
    // naming the division itself.
    let found = names(&d, None, "AWS regions");
    assert_eq!(found[0], "aws-named", "{found:?}");
    let found = names(&d, None, "AWS");
    assert!(
        rank(&found, "aws-named") < rank(&found, "parent-only"),
        "{found:?}"
    );

    // Soft matching: a story with three of the four words is found, and ranks above
    // one that repeats a single word.
    let found = names(&d, None, "storage prices rose europe quarterly");
    assert!(
        rank(&found, "three-of-four") < rank(&found, "one-of-four"),
        "{found:?}"
    );

    // One common word in a headline does not outrank a body about the query.
    let found = names(&d, None, "power outage");
    assert_eq!(found[0], "outage-body", "{found:?}");
    assert!(
        rank(&found, "outage-body") < rank(&found, "power-title"),
        "{found:?}"
    );
}

#[test]
fn a_bad_user_thesaurus_is_an_input_error() {
    let d = Dir::new();
    std::fs::write(
        d.path().join("bad-thesaurus.toml"),
        "[[group]]\nterms = [\"alone\"]\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("bad.toml"),
        "[search]\nthesaurus = \"bad-thesaurus.toml\"\n",
    )
    .unwrap();
    let cfg = d.path().join("bad.toml").display().to_string();
    // A data dir must exist for search to get as far as reading the thesaurus.
    let dir = d.path().join("pages");
    std::fs::create_dir_all(&dir).unwrap();
    let p = page(&dir, "one", "One page", &["Anything at all."]);
    d.json(&["ingest", &p, "--format", "json"]);
    let out = d.run(&["--config", &cfg, "search", "anything"]);
    crate::util::assert_error(&out, 2, "thesaurus");
}
