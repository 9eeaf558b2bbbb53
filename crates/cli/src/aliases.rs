//! The gazetteer's names as `search` needs them: each entry's canonical name with its
//! aliases, without parsing the whole gazetteer.
//!
//! `search` uses the gazetteer only to expand a query (`AWS` also finds "Amazon Web
//! Services") and to turn `--entity` aliases into canonical names. Parsing the
//! built-in gazetteer (`config/entities.toml`, about 770 entries) with the TOML parser
//! costs about as much as the search itself on a small index, and a search is one
//! process. So when the config adds no gazetteer file of its own, [`Aliases::load`]
//! reads the built-in file's `name = "..."` and `aliases = [...]` lines directly. That
//! file keeps each key on one line with plain double-quoted strings; any line this
//! reader does not recognise makes it give up, and the full parser
//! ([`crate::config::Settings::gazetteer`]) is used instead. A test checks that both
//! give the same groups and the same canonical names.

use factwire_extractor::Gazetteer;

use crate::Fail;
use crate::config::Settings;

/// The built-in gazetteer, the same file `factwire-extractor` compiles in.
const BUILTIN: &str = include_str!("../../../config/entities.toml");

/// Alias groups `[canonical, aliases...]`, in gazetteer order, with each entry's
/// parent (the canonical name of its owner), if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Aliases {
    groups: Vec<Vec<String>>,
    parents: Vec<Option<String>>,
}

impl Aliases {
    /// The groups of the gazetteer `settings` name: the built-in one read line by line
    /// when nothing is layered over it, otherwise the full parse.
    pub(crate) fn load(settings: &Settings) -> Result<Aliases, Fail> {
        if settings.file.extract.entities.is_none()
            && let Some((groups, parents)) = scan(BUILTIN)
        {
            return Ok(Aliases { groups, parents });
        }
        Ok(Aliases::from_gazetteer(&settings.gazetteer()?))
    }

    /// The groups of a parsed gazetteer.
    pub(crate) fn from_gazetteer(g: &Gazetteer) -> Aliases {
        Aliases {
            groups: g.alias_groups(),
            parents: g.entries().iter().map(|e| e.parent.clone()).collect(),
        }
    }

    /// The canonical name for `name` (a canonical name or an alias), case-insensitively,
    /// as [`Gazetteer::canonical`] answers it: canonical names first, then aliases (a
    /// later entry's alias wins).
    pub(crate) fn canonical(&self, name: &str) -> Option<&str> {
        let key = name.trim().to_lowercase();
        let by_name = self
            .groups
            .iter()
            .find(|g| g.first().is_some_and(|n| n.to_lowercase() == key));
        let group = by_name.or_else(|| {
            self.groups
                .iter()
                .rev()
                .find(|g| g.iter().skip(1).any(|a| a.to_lowercase() == key))
        })?;
        group.first().map(String::as_str)
    }

    /// The entities related by ownership, for [`factwire_index::SearchQuery::related`]:
    /// per entry with a known parent, the entry's names with the parent's. Aliases are
    /// the same entity ([`Aliases::into_groups`]); a parent and its divisions or
    /// products are related, which search weighs lower.
    pub(crate) fn related(&self) -> Vec<Vec<String>> {
        let by_name: std::collections::HashMap<String, usize> = self
            .groups
            .iter()
            .enumerate()
            .filter_map(|(i, g)| g.first().map(|n| (n.to_lowercase(), i)))
            .collect();
        let mut out = Vec::new();
        for (group, parent) in self.groups.iter().zip(&self.parents) {
            let Some(p) = parent
                .as_deref()
                .and_then(|p| by_name.get(&p.to_lowercase()))
            else {
                continue;
            };
            let mut related = group.clone();
            related.extend(self.groups[*p].iter().cloned());
            out.push(related);
        }
        out
    }

    /// The groups, for [`factwire_index::SearchQuery::synonyms`].
    pub(crate) fn into_groups(self) -> Vec<Vec<String>> {
        self.groups
    }
}

/// One `[[entity]]` table as [`scan`] reads it: name, aliases, parent.
type Scanned = (Option<String>, Vec<String>, Option<String>);

/// Reads `[name, aliases...]` and the parent per `[[entity]]` table from gazetteer
/// text that keeps every key on one line; `None` at the first line it does not
/// understand.
#[allow(clippy::type_complexity)]
fn scan(text: &str) -> Option<(Vec<Vec<String>>, Vec<Option<String>>)> {
    let mut groups: Vec<Vec<String>> = Vec::new();
    let mut parents: Vec<Option<String>> = Vec::new();
    let mut current: Option<Scanned> = None;
    let mut finish = |entry: Option<Scanned>| -> Option<()> {
        if let Some((name, aliases, parent)) = entry {
            let mut group = vec![name?];
            group.extend(aliases);
            groups.push(group);
            parents.push(parent);
        }
        Some(())
    };
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line == "[[entity]]" {
            finish(current.take())?;
            current = Some((None, Vec::new(), None));
            continue;
        }
        let (key, value) = line.split_once('=')?;
        let entry = current.as_mut()?;
        match key.trim() {
            "name" => entry.0 = Some(string(value.trim())?.trim().to_string()),
            "aliases" => {
                let mut rest = value.trim().strip_prefix('[')?.strip_suffix(']')?.trim();
                while !rest.is_empty() {
                    let (item, after) = rest.strip_prefix('"')?.split_once('"')?;
                    if item.contains('\\') {
                        return None;
                    }
                    entry.1.push(item.trim().to_string());
                    let after = after.trim_start();
                    rest = match after.strip_prefix(',') {
                        Some(more) => more.trim_start(),
                        None if after.is_empty() => after,
                        None => return None,
                    };
                }
            }
            "parent" => entry.2 = Some(string(value.trim())?.trim().to_string()),
            "kind" | "role" | "fiscal_year_end" => {}
            _ => return None,
        }
    }
    finish(current.take())?;
    Some((groups, parents))
}

/// A plain double-quoted TOML string without escapes (what the built-in file uses);
/// anything else is not understood.
fn string(v: &str) -> Option<&str> {
    let inner = v.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.contains(['"', '\\'])).then_some(inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scanning_the_builtin_file_equals_parsing_it() {
        let g = Gazetteer::builtin();
        let (groups, parents) = scan(BUILTIN).expect("the built-in gazetteer is line-readable");
        let scanned = Aliases { groups, parents };
        assert_eq!(scanned, Aliases::from_gazetteer(&g));
        // Relations: AWS is related to Amazon, its parent.
        let related = scanned.related();
        assert!(
            related
                .iter()
                .any(|r| r.contains(&"AWS".to_string()) && r.contains(&"Amazon".to_string())),
            "{related:?}"
        );
        assert!(scanned.groups.len() > 500);
        for e in g.entries() {
            for n in std::iter::once(&e.name).chain(&e.aliases) {
                assert_eq!(scanned.canonical(n), g.canonical(n), "{n}");
                let upper = n.to_uppercase();
                assert_eq!(scanned.canonical(&upper), g.canonical(&upper), "{upper}");
            }
        }
        assert_eq!(scanned.canonical(" aws "), Some("Amazon Web Services"));
        assert_eq!(scanned.canonical("no such name"), None);
    }

    #[test]
    fn unknown_shapes_give_up() {
        let ok = "# c\n[[entity]]\nname = \"A\"\nkind = \"org\"\naliases = [\"B, b\", \"C\"]\n\
                  [[entity]]\nname = \"D\"\naliases = []\n";
        let want: Vec<Vec<String>> = vec![
            vec!["A".into(), "B, b".into(), "C".into()],
            vec!["D".into()],
        ];
        assert_eq!(scan(ok), Some((want, vec![None, None])));
        for bad in [
            "[[entity]]\nname = 'A'\n",
            "[[entity]]\nname = \"A\\u0041\"\n",
            "[[entity]]\nname = \"A\"\naliases = [\n\"B\"]\n",
            "[[entity]]\nkind = \"org\"\n",
            "name = \"A\"\n",
            "[[entity]]\nname = \"A\"\nnickname = \"B\"\n",
            "[[entity]]\nname = \"A\"\naliases = [\"B\" \"C\"]\n",
            "[[entity]]\nname = \"A\"\naliases = [\"B\\\"\"]\n",
            "[other]\n",
        ] {
            assert_eq!(scan(bad), None, "{bad}");
        }
    }
}
