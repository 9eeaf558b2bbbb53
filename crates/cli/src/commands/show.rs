//! `factwire show`: one stored article.

use anyhow::anyhow;
use factwire_store::{Store, StoredArticle};

use super::existing_data;
use crate::args::{Format, GlobalArgs, ShowArgs};
use crate::output::{Table, json_one, no_csv, num, opt};
use crate::{CmdResult, Fail, write_stdout};

pub fn run(global: &GlobalArgs, a: ShowArgs) -> CmdResult {
    no_csv(a.format, "show")?;
    let (_, dd) = existing_data(global)?;
    let store = Store::open_for_reading(&dd.store_path()).map_err(|e| {
        Fail::Work(anyhow::Error::new(e).context(dd.store_path().display().to_string()))
    })?;
    let work = |e: factwire_store::Error| Fail::Work(anyhow::Error::new(e).context("store"));
    let found = if let Ok(id) = a.article.parse::<i64>() {
        store.article(id).map_err(work)?
    } else {
        let key = factwire_fetcher::normalize_url(&a.article);
        match key {
            Some(k) => match store.article_by_url(&k).map_err(work)? {
                Some(x) => Some(x),
                None => store.article_by_url(&a.article).map_err(work)?,
            },
            None => store.article_by_url(&a.article).map_err(work)?,
        }
    };
    let Some(art) = found else {
        return Err(Fail::Input(anyhow!(
            "{}: no such article in the store",
            a.article
        )));
    };
    let out = match a.format {
        Format::Table => table(&art),
        _ => {
            let mut v = serde_json::to_value(&art.record)
                .map_err(|e| Fail::Work(anyhow::Error::new(e).context("json output")))?;
            if let Some(obj) = v.as_object_mut() {
                obj.insert("id".into(), art.id.into());
                obj.insert("source".into(), art.source.clone().into());
                obj.insert("fetched_at".into(), art.fetched_at.clone().into());
                obj.insert("feed_url".into(), art.feed_url.clone().into());
            }
            json_one(&v, a.format)?
        }
    };
    write_stdout(&out)
}

fn table(a: &StoredArticle) -> String {
    let r = &a.record;
    let mut s = String::new();
    s.push_str(&format!(
        "#{}  {}\n",
        a.id,
        r.title.as_deref().unwrap_or("(untitled)")
    ));
    s.push_str(&format!(
        "url        {}\n",
        r.url.as_deref().unwrap_or(&a.key)
    ));
    for (k, v) in [
        ("source", &a.source),
        ("site", &r.site_name),
        ("byline", &r.byline),
        ("published", &r.published),
        ("language", &r.language),
    ] {
        if let Some(v) = v {
            s.push_str(&format!("{k:<10} {v}\n"));
        }
    }
    s.push_str(&format!(
        "words      {}\n\nSummary\n",
        r.text.split_whitespace().count()
    ));
    for line in &r.summary {
        s.push_str(&format!("  • {line}\n"));
    }
    s.push_str("\nEntities\n");
    let mut t = Table::new(vec!["name", "kind", "mentions", "aliases"]);
    for e in &r.entities {
        t.row(vec![
            e.name.clone(),
            e.kind.as_str().to_string(),
            e.mentions.to_string(),
            e.aliases.join(", "),
        ]);
    }
    s.push_str(&t.render());
    s.push_str("\nFacts\n");
    let mut t = Table::new(vec![
        "kind", "text", "value", "unit", "subject", "metric", "period",
    ]);
    for f in &r.facts {
        let value = f
            .date
            .clone()
            .or_else(|| f.value.is_none().then(|| opt(&f.period)));
        t.row(vec![
            f.kind.as_str().to_string(),
            f.text.clone(),
            value.unwrap_or_else(|| match f.value_max {
                Some(_) => format!("{}–{}", num(f.value), num(f.value_max)),
                None => num(f.value),
            }),
            opt(&f.unit),
            opt(&f.subject),
            opt(&f.metric),
            opt(&f.period),
        ]);
    }
    s.push_str(&t.render());
    s
}
