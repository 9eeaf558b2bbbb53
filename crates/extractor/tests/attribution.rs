//! Attribution, one test per error class, each with near misses that must not match.
//! The sentences are written for these tests (invented companies' figures and years).

use factwire_core::text::normalize_text;
use factwire_core::{Direction, Fact};
use factwire_extractor::{Context, Extraction, Extractor};

fn extractor() -> &'static Extractor {
    static EX: std::sync::LazyLock<Extractor> = std::sync::LazyLock::new(Extractor::default);
    &EX
}

fn run(text: &str, published: Option<&str>) -> Extraction {
    let ctx = Context {
        published: published.map(str::to_string),
        title: None,
    };
    // The extractor reads normalised text (paragraphs separated by blank lines).
    extractor().extract(&normalize_text(text), &ctx)
}

fn fact<'a>(out: &'a Extraction, span: &str) -> &'a Fact {
    out.facts
        .iter()
        .find(|f| f.text == span)
        .unwrap_or_else(|| panic!("no fact {span:?} in {:#?}", out.facts))
}

#[test]
fn bare_quarters_take_the_publication_year_not_another_year_in_the_text() {
    let text = "Oracle expects to finish the campus by the end of 2034. \
                Oracle's revenue rose 9% to $21.3 billion in the fourth quarter.";
    let out = run(text, Some("2032-02-10T08:00:00Z"));
    assert_eq!(
        fact(&out, "$21.3 billion").period.as_deref(),
        Some("2031-Q4")
    );
    // The same text with its own date stamp and no date from the caller.
    let stamped = format!("2032-02-10 {text}");
    let out = run(&stamped, None);
    assert_eq!(
        fact(&out, "$21.3 billion").period.as_deref(),
        Some("2031-Q4")
    );
    // Near miss: without any date, "the end of 2034" does not stand in for the
    // story's date.
    let out = run(text, None);
    assert_ne!(
        fact(&out, "$21.3 billion").period.as_deref(),
        Some("2034-Q4")
    );
}

#[test]
fn since_through_and_by_periods_are_nobody_s_period() {
    let out = run(
        "Shares of Cisco fell 9% on Tuesday, the steepest drop since March 2029.",
        None,
    );
    assert_eq!(fact(&out, "9%").period, None);
    let out = run(
        "Cisco plans to spend $40 billion on data centers through 2040.",
        None,
    );
    assert_eq!(fact(&out, "$40 billion").period, None);
    let out = run("Revenue at Cisco grew 12% from 2030.", None);
    assert_eq!(fact(&out, "12%").period, None);
    // Near miss: "in March 2029" is the figure's period.
    let out = run("Shares of Cisco fell 9% in March 2029.", None);
    assert_eq!(fact(&out, "9%").period.as_deref(), Some("2029-03"));
}

#[test]
fn quarters_named_by_their_last_day_follow_the_fiscal_calendar() {
    // Oracle's fiscal year ends in May: December to February is its third quarter.
    let out = run(
        "Oracle said revenue for the quarter ended February 28, 2031 was $21.3 billion.",
        None,
    );
    assert_eq!(
        fact(&out, "$21.3 billion").period.as_deref(),
        Some("FY2031-Q3")
    );
    // Near miss: a December fiscal year gives calendar quarters.
    let out = run(
        "Amazon said revenue for the quarter ended September 30, 2031 was $210 billion.",
        None,
    );
    assert_eq!(
        fact(&out, "$210 billion").period.as_deref(),
        Some("2031-Q3")
    );
}

#[test]
fn a_deal_value_goes_to_the_grammatical_subject() {
    let out = run(
        "Cisco agreed to acquire Datadog for $48 billion in cash.",
        None,
    );
    let f = fact(&out, "$48 billion");
    assert_eq!(f.subject.as_deref(), Some("Cisco"));
    assert_eq!(f.metric.as_deref(), Some("contract_value"));
    // Near miss: the object's own figure is its own.
    let out = run("Datadog reported revenue of $3.1 billion last year.", None);
    assert_eq!(
        fact(&out, "$3.1 billion").subject.as_deref(),
        Some("Datadog")
    );
}

#[test]
fn a_total_over_several_companies_has_no_subject() {
    let out = run(
        "Amazon, Microsoft and Alphabet will spend a combined $410 billion on data centers.",
        None,
    );
    assert_eq!(fact(&out, "$410 billion").subject, None);
    // Near miss: one company's figure.
    let out = run("Amazon will spend $130 billion on data centers.", None);
    assert_eq!(
        fact(&out, "$130 billion").subject.as_deref(),
        Some("Amazon")
    );
}

#[test]
fn figures_before_the_first_name_belong_to_the_article_s_company() {
    let out = run(
        "Record Backlog\n\nBacklog grew 41% to $90 billion.\n\nSnowflake said demand was broad. \
         Snowflake raised its outlook.",
        None,
    );
    assert_eq!(fact(&out, "41%").subject.as_deref(), Some("Snowflake"));
    // Near miss: of two companies named once each, neither is the article's subject.
    let out = run(
        "Backlog grew 41% to $90 billion.\n\nSnowflake and Datadog said demand was broad.",
        None,
    );
    assert_eq!(fact(&out, "41%").subject, None);
}

#[test]
fn coordinated_figures_and_level_verbs_carry_the_metric() {
    let out = run(
        "Oracle's net income rose 21% in dollars and 19% in constant currency.",
        None,
    );
    assert_eq!(fact(&out, "19%").metric.as_deref(), Some("growth"));
    let out = run(
        "Cloud revenue, which includes licences, support and hosting services for \
         enterprise customers, reached $9.4 billion at Oracle.",
        None,
    );
    assert_eq!(
        fact(&out, "$9.4 billion").metric.as_deref(),
        Some("revenue")
    );
    // Near miss: two unlinked figures of different units do not share a metric.
    let out = run(
        "Oracle employs 160,000 people and 12% of them work remotely.",
        None,
    );
    assert_ne!(fact(&out, "12%").metric.as_deref(), Some("headcount"));
}

#[test]
fn inline_bullets_do_not_share_periods() {
    let out = run(
        "Results - Revenue rose 12% in Q3 2031 - Gross margin was 71%, Oracle said.",
        None,
    );
    assert_eq!(fact(&out, "12%").period.as_deref(), Some("2031-Q3"));
    assert_eq!(fact(&out, "71%").period, None);
    assert_eq!(fact(&out, "71%").metric.as_deref(), Some("gross_margin"));
}

#[test]
fn a_list_heading_dates_its_bullets() {
    let out = run(
        "Amazon reported results.\nIn the quarter ended June 30, 2031:\n\
         - Revenue was $4.2 billion.\n- Net income was $1.1 billion.\nAmazon thanked staff.",
        None,
    );
    assert_eq!(
        fact(&out, "$4.2 billion").period.as_deref(),
        Some("2031-Q2")
    );
    assert_eq!(
        fact(&out, "$1.1 billion").period.as_deref(),
        Some("2031-Q2")
    );
}

#[test]
fn table_columns_headed_by_quarter_ends_date_their_cells() {
    let out = run(
        "Oracle results (in US$ million)\n\n\
         | | Three months ended February 28, 2031 | Three months ended February 28, 2030 |\n\n\
         | Revenues | 21,300 | 17,800 |",
        None,
    );
    let cell = fact(&out, "21,300");
    assert_eq!(cell.value, Some(21.3e9));
    assert_eq!(cell.period.as_deref(), Some("FY2031-Q3"));
    assert_eq!(fact(&out, "17,800").period.as_deref(), Some("FY2030-Q3"));
}

#[test]
fn the_direction_of_a_change_is_recorded_and_the_value_kept() {
    let out = run(
        "Shares of Cisco fell 8% on Monday. Intel closed 6% higher. \
         Cisco's revenue rose to $35 billion, with an operating margin of 31%. \
         Arm's bookings changed -4.5% in the quarter.",
        None,
    );
    let fell = fact(&out, "8%");
    assert_eq!(fell.direction, Some(Direction::Down));
    assert_eq!(fell.value, Some(8.0));
    assert_eq!(fact(&out, "6%").direction, Some(Direction::Up));
    assert_eq!(fact(&out, "-4.5%").direction, Some(Direction::Down));
    // Near misses: the level a move reached, and a level that is no move.
    assert_eq!(fact(&out, "$35 billion").direction, None);
    assert_eq!(fact(&out, "31%").direction, None);
}
