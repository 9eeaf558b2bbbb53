//! Digests as Markdown and as one self-contained HTML page.
//!
//! The HTML page carries its own stylesheet and draws charts as inline SVG, so it
//! can be mailed or opened from disk with nothing else. All text from articles is
//! escaped.

use std::fmt::Write;

use super::charts::{ChartScale, Granularity};
#[cfg(test)]
use super::figures::Point;
use super::figures::{KeyFigure, Series};
use super::{Digest, Story};

/// Key figures shown per story.
const FIGURES_SHOWN: usize = 8;

/// The digest as Markdown: a heading per story, its summary, outlets with links and a
/// table of key figures, disagreements marked `⚠`.
pub fn render_markdown(d: &Digest) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", md_escape(&d.title));
    let _ = writeln!(out, "{}\n", window_line(d));
    for s in &d.stories {
        let _ = writeln!(
            out,
            "## {}. [{}]({})\n",
            s.rank,
            md_escape(&s.headline),
            s.url
        );
        let _ = writeln!(out, "{}\n", meta_line(s));
        if !s.summary.is_empty() {
            let _ = writeln!(out, "{}\n", md_escape(&s.summary.join(" ")));
        }
        let _ = writeln!(out, "**Outlets:**\n");
        for o in &s.outlets {
            let name = o.source.as_deref().unwrap_or("unknown outlet");
            let title = o.title.as_deref().unwrap_or(&o.url);
            let copy = if o.copy_of.is_some() {
                " *(syndicated copy)*"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "- {}: [{}]({}){copy}",
                md_escape(name),
                md_escape(title),
                md_url(&o.url)
            );
        }
        out.push('\n');
        if !s.key_figures.is_empty() {
            let _ = writeln!(out, "**Key figures:**\n");
            let _ = writeln!(
                out,
                "| Subject | Metric | Period | Value | Articles | Note |"
            );
            let _ = writeln!(out, "|---|---|---|---|---|---|");
            for f in s.key_figures.iter().take(FIGURES_SHOWN) {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} |",
                    md_escape(&f.subject),
                    md_escape(&metric_label(&f.metric)),
                    f.period.as_deref().unwrap_or("–"),
                    md_escape(&f.text),
                    f.articles,
                    md_escape(&note(f))
                );
            }
            out.push('\n');
        }
    }
    if d.stories.is_empty() {
        out.push_str("No stories in this window.\n");
    }
    out
}

/// The digest as one HTML page with inline CSS and SVG charts.
pub fn render_html(d: &Digest) -> String {
    let mut out = String::with_capacity(16 * 1024);
    let title = esc(&d.title);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n\
         <header><h1>{title}</h1><p class=\"window\">{}</p></header>\n",
        esc(&window_line(d))
    );
    if d.stories.is_empty() {
        out.push_str("<p class=\"empty\">No stories in this window.</p>\n");
    }
    for s in &d.stories {
        story_html(&mut out, s);
    }
    out.push_str(
        "<footer>Summaries are sentences quoted from the articles. Figures flagged \
         ⚠ differ between outlets beyond rounding.</footer>\n</main>\n</body>\n</html>\n",
    );
    out
}

fn story_html(out: &mut String, s: &Story) {
    let _ = write!(
        out,
        "<article>\n<div class=\"rank\">{}</div>\n<h2><a href=\"{}\">{}</a></h2>\n\
         <p class=\"meta\">{}</p>\n",
        s.rank,
        href(&s.url),
        esc(&s.headline),
        esc(&meta_line(s))
    );
    if !s.summary.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"summary\">{}</p>",
            esc(&s.summary.join(" "))
        );
    }
    if !s.entities.is_empty() {
        out.push_str("<p class=\"tags\">");
        for e in &s.entities {
            let _ = write!(out, "<span>{}</span>", esc(e));
        }
        out.push_str("</p>\n");
    }
    if !s.key_figures.is_empty() {
        out.push_str(
            "<table>\n<thead><tr><th>Subject</th><th>Metric</th><th>Period</th>\
             <th class=\"num\">Value</th><th class=\"num\">Articles</th><th>Note</th></tr></thead>\n<tbody>\n",
        );
        for f in s.key_figures.iter().take(FIGURES_SHOWN) {
            let class = if f.disagreement {
                " class=\"flag\""
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "<tr{class}><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td>{}</td></tr>",
                esc(&f.subject),
                esc(&metric_label(&f.metric)),
                esc(f.period.as_deref().unwrap_or("–")),
                esc(&f.text),
                f.articles,
                esc(&note(f))
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    for series in &s.series {
        out.push_str(&chart_svg(series));
    }
    out.push_str("<ul class=\"outlets\">\n");
    for o in &s.outlets {
        let name = o.source.as_deref().unwrap_or("unknown outlet");
        let title = o.title.as_deref().unwrap_or(&o.url);
        let copy = if o.copy_of.is_some() {
            " <em>syndicated copy</em>"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<li><b>{}</b> <a href=\"{}\">{}</a>{copy}</li>",
            esc(name),
            href(&o.url),
            esc(title)
        );
    }
    out.push_str("</ul>\n</article>\n");
}

/// A small bar chart of a series, as inline SVG: the caption above, one scale for
/// every bar, a labelled value axis with its zero line (bars below it for negative
/// values).
fn chart_svg(s: &Series) -> String {
    const W: f64 = 380.0;
    const H: f64 = 170.0;
    const LEFT: f64 = 58.0;
    const TOP: f64 = 22.0;
    const BOTTOM: f64 = 24.0;
    let scale = ChartScale::of(s);
    let finite = || s.points.iter().map(|p| p.value).filter(|v| v.is_finite());
    let hi = finite().fold(0.0f64, f64::max);
    let lo = finite().fold(0.0f64, f64::min);
    let span = (hi - lo).max(f64::MIN_POSITIVE);
    let plot = H - TOP - BOTTOM;
    let y_of = |v: f64| TOP + (hi - v) / span * plot;
    let zero = y_of(0.0);
    let slot = (W - LEFT) / s.points.len().max(1) as f64;
    let bar = (slot * 0.6).min(56.0);
    let caption = chart_caption(s, &scale);
    let mut out = String::new();
    let _ = write!(
        out,
        "<figure class=\"chart\"><figcaption>{}</figcaption>\
         <svg viewBox=\"0 0 {W} {H}\" width=\"{W}\" height=\"{H}\" role=\"img\" \
         aria-label=\"{}\"><title>{}</title>",
        esc(&caption),
        esc(&caption),
        esc(&caption)
    );
    // The value axis: a line, the top and bottom values, the zero line.
    let _ = write!(
        out,
        "<line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{b:.1}\" class=\"axis\"/>\
         <line x1=\"{LEFT}\" y1=\"{zero:.1}\" x2=\"{W}\" y2=\"{zero:.1}\" class=\"axis\"/>",
        b = TOP + plot
    );
    let mut ticks = vec![hi, 0.0];
    if lo < 0.0 {
        ticks.push(lo);
    }
    for t in ticks {
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" class=\"tick\">{}</text>",
            LEFT - 4.0,
            y_of(t) + 4.0,
            esc(&scale.label(t))
        );
    }
    for (i, point) in s.points.iter().enumerate() {
        let v = if point.value.is_finite() {
            point.value
        } else {
            0.0
        };
        let (top, h) = if v >= 0.0 {
            (y_of(v), zero - y_of(v))
        } else {
            (zero, y_of(v) - zero)
        };
        let x = LEFT + slot * i as f64 + (slot - bar) / 2.0;
        let cx = x + bar / 2.0;
        let label_y = if v >= 0.0 { top - 5.0 } else { top + h + 13.0 };
        let _ = write!(
            out,
            "<rect x=\"{x:.1}\" y=\"{top:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\" rx=\"3\">\
             <title>{}: {}</title></rect>\
             <text x=\"{cx:.1}\" y=\"{label_y:.1}\" class=\"v\">{}</text>\
             <text x=\"{cx:.1}\" y=\"{:.1}\" class=\"p\">{}</text>",
            esc(&point.period),
            esc(if point.text.is_empty() {
                &point.period
            } else {
                &point.text
            }),
            esc(&scale.label(v)),
            H - 7.0,
            esc(&point.period)
        );
    }
    out.push_str("</svg></figure>\n");
    out
}

/// `AWS revenue by quarter (USD, billions)`.
fn chart_caption(s: &Series, scale: &ChartScale) -> String {
    let by = match s.granularity {
        Granularity::Quarter => "by quarter",
        Granularity::FiscalQuarter => "by fiscal quarter",
        Granularity::Half => "by half-year",
        Granularity::FiscalHalf => "by fiscal half-year",
        Granularity::Month => "by month",
        Granularity::Year => "by year",
        Granularity::FiscalYear => "by fiscal year",
    };
    let mut c = format!("{} {} {by}", s.subject, metric_label(&s.metric));
    if !scale.axis.is_empty() {
        let _ = write!(c, " ({})", scale.axis);
    }
    c
}

/// `4 articles · 3 outlets · 2026-02-05 21:30 to 2026-02-06 08:00`.
fn meta_line(s: &Story) -> String {
    let mut parts = vec![
        plural(s.articles, "article"),
        plural(s.outlet_count, "outlet"),
    ];
    match (&s.first_published, &s.last_published) {
        (Some(a), Some(b)) if a != b => parts.push(format!("{} to {}", short(a), short(b))),
        (Some(a), _) => parts.push(short(a)),
        _ => {}
    }
    parts.join(" · ")
}

fn window_line(d: &Digest) -> String {
    let range = match (&d.since, &d.until) {
        (Some(a), Some(b)) => format!("{} to {}", short(a), short(b)),
        (Some(a), None) => format!("since {}", short(a)),
        (None, Some(b)) => format!("until {}", short(b)),
        (None, None) => "all stored articles".to_string(),
    };
    format!(
        "{} in {} from {range}",
        plural(d.stories.len(), "story"),
        plural(d.articles, "article")
    )
}

/// What the Note column says about a figure: values outside rounding flagged `⚠`
/// with their outlets, then values that agree after rounding.
fn note(f: &KeyFigure) -> String {
    let mut parts: Vec<String> = Vec::new();
    let flagged: Vec<String> = f
        .variants
        .iter()
        .filter(|v| v.flagged)
        .map(|v| format!("{} ({})", v.text, v.sources.join(", ")))
        .collect();
    if !flagged.is_empty() {
        parts.push(format!("⚠ also reported: {}", flagged.join("; ")));
    }
    let rounded: Vec<&str> = f
        .variants
        .iter()
        .filter(|v| v.consistent && v.text != f.text)
        .map(|v| v.text.as_str())
        .collect();
    if !rounded.is_empty() {
        parts.push(format!("{} consistent after rounding", rounded.join(", ")));
    }
    parts.join("; ")
}

/// A metric name for people: `operating_income` → `operating income`.
fn metric_label(m: &str) -> String {
    m.replace('_', " ")
}

/// A URL safe inside a Markdown link target; only `http(s)` links are kept, any
/// other scheme (`javascript:`) becomes `#`.
fn md_url(u: &str) -> String {
    if !is_web_url(u) {
        return "#".to_string();
    }
    u.replace(' ', "%20")
        .replace('(', "%28")
        .replace(')', "%29")
}

/// An `href` attribute value: the escaped URL for `http(s)` links, `#` otherwise.
fn href(u: &str) -> String {
    if is_web_url(u) {
        esc(u)
    } else {
        "#".to_string()
    }
}

fn is_web_url(u: &str) -> bool {
    let lower = u.trim_start().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

fn plural(n: usize, word: &str) -> String {
    match (n, word) {
        (1, _) => format!("1 {word}"),
        (_, "story") => format!("{n} stories"),
        _ => format!("{n} {word}s"),
    }
}

/// `2026-02-05T21:30:00Z` → `2026-02-05 21:30`.
fn short(t: &str) -> String {
    let t = t.trim();
    match (t.get(0..10), t.get(11..16)) {
        (Some(d), Some(hm)) => format!("{d} {hm}"),
        _ => t.to_string(),
    }
}

/// Escapes text for HTML element content and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes the characters Markdown would read as markup or table cells.
fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '|' | '[' | ']' | '*' | '_' | '`' | '<' | '>') {
            out.push('\\');
        }
        out.push(if c == '\n' { ' ' } else { c });
    }
    out
}

const CSS: &str = "
:root{--ink:#1d2329;--muted:#5f6b76;--line:#e3e7eb;--accent:#1f6feb;--flag:#b54708;--bg:#fbfbf9}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:17px/1.6 Georgia,'Iowan Old Style','Times New Roman',serif}
main{max-width:46rem;margin:0 auto;padding:2.5rem 1.25rem 4rem}
header h1{font:700 2.1rem/1.2 -apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:0 0 .3rem;letter-spacing:-.01em}
.window,.meta,footer,figcaption{font:14px/1.5 -apple-system,'Segoe UI',Helvetica,Arial,sans-serif;color:var(--muted)}
article{position:relative;border-top:1px solid var(--line);padding:1.6rem 0 1.2rem 3rem}
.rank{position:absolute;left:0;top:1.7rem;width:2.1rem;height:2.1rem;border-radius:50%;background:var(--ink);color:#fff;font:700 15px/2.1rem sans-serif;text-align:center}
h2{font:700 1.35rem/1.3 -apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:0 0 .25rem}
h2 a{color:var(--ink);text-decoration:none}h2 a:hover{color:var(--accent)}
.summary{margin:.6rem 0}
.tags span{display:inline-block;font:12px/1 sans-serif;background:#eef2f6;color:#34414d;border-radius:99px;padding:.35em .7em;margin:0 .3em .3em 0}
table{width:100%;border-collapse:collapse;margin:.8rem 0;font:14px/1.4 -apple-system,'Segoe UI',Helvetica,Arial,sans-serif}
th{text-align:left;color:var(--muted);font-weight:600;border-bottom:2px solid var(--line);padding:.35rem .5rem}
td{border-bottom:1px solid var(--line);padding:.35rem .5rem;vertical-align:top}
.num{text-align:right;font-variant-numeric:tabular-nums}
tr.flag td{background:#fff6ed}tr.flag td:last-child{color:var(--flag);font-weight:600}
.outlets{list-style:none;padding:0;margin:.6rem 0 0;font:14px/1.5 -apple-system,'Segoe UI',Helvetica,Arial,sans-serif}
.outlets li{padding:.15rem 0}.outlets b{color:var(--muted);font-weight:600;margin-right:.3rem}
.outlets a{color:var(--accent);text-decoration:none}.outlets em{color:var(--muted)}
figure.chart{margin:.8rem 0}figure.chart svg{max-width:100%;height:auto;display:block}
figure.chart figcaption{font:600 13px/1.4 sans-serif;color:var(--muted);margin-bottom:.2rem}
svg rect{fill:var(--accent);opacity:.85}svg .axis{stroke:var(--line);stroke-width:1}
svg text{font:12px sans-serif;fill:var(--ink);text-anchor:middle}svg text.p{fill:var(--muted)}
svg text.tick{text-anchor:end;fill:var(--muted);font-size:11px}
footer{border-top:1px solid var(--line);margin-top:2rem;padding-top:1rem}
@media (prefers-color-scheme:dark){
:root{--ink:#e6e9ec;--muted:#9aa5b1;--line:#2e353c;--accent:#6ea8fe;--flag:#f5a35c;--bg:#15191d}
.rank{background:#e6e9ec;color:#15191d}.tags span{background:#232a31;color:#c9d1d9}
tr.flag td{background:#3a2a1c}
}
@media print{body{background:#fff}article{break-inside:avoid}}
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(md_escape("a|b [c]"), "a\\|b \\[c\\]");
        assert_eq!(short("2026-02-05T21:30:00Z"), "2026-02-05 21:30");
        assert_eq!(plural(2, "story"), "2 stories");
        assert_eq!(href("javascript:alert(1)"), "#");
        assert_eq!(
            href("https://a.example/?a=1&b=2"),
            "https://a.example/?a=1&amp;b=2"
        );
        assert_eq!(
            md_url("https://a.example/x (1)"),
            "https://a.example/x%20%281%29"
        );
        assert_eq!(md_url(" JavaScript:x"), "#");
    }

    #[test]
    fn chart_has_one_bar_per_point() {
        let s = Series {
            subject: "Helio <Corp>".into(),
            metric: "capex".into(),
            unit: Some("USD".into()),
            granularity: Granularity::Year,
            articles: 2,
            points: vec![
                Point {
                    period: "2025".into(),
                    value: 83e9,
                    text: "$83 billion".into(),
                },
                Point {
                    period: "2026".into(),
                    value: 120e9,
                    text: String::new(),
                },
            ],
        };
        let svg = chart_svg(&s);
        assert_eq!(svg.matches("<rect").count(), 2);
        // One scale: both bars in billions, the axis says so, the caption comes first.
        assert!(svg.contains(">$120bn<"), "{svg}");
        assert!(svg.contains(">$83bn<"), "{svg}");
        assert!(svg.contains("Helio &lt;Corp&gt; capex by year (USD, billions)"));
        assert!(svg.find("<figcaption>") < svg.find("<svg"));
        assert!(
            svg.contains("$83 billion"),
            "the figure as written, on hover"
        );
    }
}
