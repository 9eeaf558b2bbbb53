//! The search thesaurus: the built-in business-news groups (`config/thesaurus.toml`)
//! plus, when the config names one, the user's own file in the same format
//! (`[search] thesaurus = "path"`), its groups added to the built-in ones.
//!
//! A group is a list of `terms` that an analyst would accept as the same need
//! (`layoffs`, `job cuts`, `redundancies`), with an optional `weight` in (0, 1] for
//! looser groups. Search expands a query word equal to one member into the others,
//! below the weight of the word typed (see `factwire_index::W_THESAURUS`).

use anyhow::{Context, anyhow};
use serde::Deserialize;

use crate::Fail;
use crate::config::Settings;

/// The built-in thesaurus.
const BUILTIN: &str = include_str!("../../../config/thesaurus.toml");

/// A thesaurus file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    group: Vec<Group>,
}

/// One `[[group]]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Group {
    terms: Vec<String>,
    weight: Option<f32>,
}

/// Groups and their weights, for [`factwire_index::SearchQuery::thesaurus`].
pub(crate) type Groups = Vec<(Vec<String>, f32)>;

/// The built-in groups plus the config's extra file.
pub(crate) fn load(settings: &Settings) -> Result<Groups, Fail> {
    let mut groups = parse(BUILTIN).map_err(|e| Fail::Work(e.context("built-in thesaurus")))?;
    if let Some(extra) = &settings.file.search.thesaurus {
        let path = settings.relative_to_config(extra);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("thesaurus {}", path.display()))
            .map_err(Fail::Input)?;
        let more = parse(&text)
            .with_context(|| format!("thesaurus {}", path.display()))
            .map_err(Fail::Input)?;
        groups.extend(more);
    }
    Ok(groups)
}

/// Parses and checks a thesaurus file: every group has two terms or more and a
/// weight in (0, 1].
fn parse(text: &str) -> anyhow::Result<Groups> {
    let file: File = toml::from_str(text)?;
    let mut out = Vec::with_capacity(file.group.len());
    for (i, g) in file.group.into_iter().enumerate() {
        let terms: Vec<String> = g
            .terms
            .into_iter()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        if terms.len() < 2 {
            return Err(anyhow!("group {}: needs at least two terms", i + 1));
        }
        let weight = g.weight.unwrap_or(1.0);
        if !(weight > 0.0 && weight <= 1.0) {
            return Err(anyhow!(
                "group {} ({}): weight {weight} is not in (0, 1]",
                i + 1,
                terms[0]
            ));
        }
        out.push((terms, weight));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_thesaurus_parses() {
        let g = parse(BUILTIN).unwrap();
        assert!(g.len() > 50, "{}", g.len());
        let jobs = g
            .iter()
            .find(|(t, _)| t.contains(&"layoffs".to_string()))
            .unwrap();
        assert!(jobs.0.contains(&"job cuts".to_string()));
        assert!(
            g.iter().any(
                |(t, _)| t.contains(&"centre".to_string()) && t.contains(&"center".to_string())
            )
        );
    }

    #[test]
    fn bad_groups_are_refused() {
        assert!(parse("[[group]]\nterms = [\"a\"]\n").is_err());
        assert!(parse("[[group]]\nterms = [\"a\", \"b\"]\nweight = 2.0\n").is_err());
        assert!(parse("[[group]]\nterms = [\"a\", \"b\"]\nweight = 0.0\n").is_err());
        assert!(parse("[[group]]\nwords = [\"a\", \"b\"]\n").is_err());
        assert_eq!(
            parse("[[group]]\nterms = [\"a\", \" b \"]\nweight = 0.5\n").unwrap(),
            vec![(vec!["a".to_string(), "b".to_string()], 0.5)]
        );
    }
}
