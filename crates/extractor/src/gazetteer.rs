//! The gazetteer: known names, their kinds, aliases and parents.
//!
//! The built-in list lives in `config/entities.toml` and is compiled into the binary;
//! users layer their own file on top with [`Gazetteer::extend`]. One entry:
//!
//! ```toml
//! [[entity]]
//! name = "Amazon Web Services"      # canonical name, printed in facts and entities
//! kind = "org"                      # org | person | product | place
//! aliases = ["AWS"]                 # other spellings, matched case-sensitively
//! parent = "Amazon"                 # optional: the owning entity
//! fiscal_year_end = 12              # optional: month its fiscal year ends (orgs)
//! role = "media"                    # optional: media | analyst | index | segment | event | law
//! ```
//!
//! `role` marks names that are never the subject of a company figure (news outlets,
//! analyst firms), and names that are recognised but not reported as entities
//! (stock indexes, reporting segments, events, laws: `index`, `segment`, `event`,
//! `law`), so that discovery does not mistake them for companies. Indexes and segments
//! can still be the subject of a figure ("Microsoft Intelligent Cloud").

use std::collections::HashMap;

use factwire_core::EntityKind;
use serde::Deserialize;

use crate::{Error, Result};

/// What an entry is, beyond its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A company, division, person, product or place (the default).
    Plain,
    /// A news outlet or wire service: reported, never a fact's subject.
    Media,
    /// An analyst or research firm: reported, never a fact's subject.
    Analyst,
    /// A stock index: a possible subject ("the Nasdaq 100's 20% gain"), not reported.
    Index,
    /// A reporting segment ("Intelligent Cloud"): a possible subject, not reported.
    Segment,
    /// An event or conference: recognised, not reported.
    Event,
    /// A law or regulation: recognised, not reported.
    Law,
}

impl Role {
    fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "plain" => Role::Plain,
            "media" => Role::Media,
            "analyst" => Role::Analyst,
            "index" => Role::Index,
            "segment" => Role::Segment,
            "event" => Role::Event,
            "law" => Role::Law,
            _ => return None,
        })
    }

    /// Whether entities with this role are printed in `entities`.
    pub fn reported(self) -> bool {
        matches!(self, Role::Plain | Role::Media | Role::Analyst)
    }

    /// Whether entities with this role can be the subject of a fact.
    pub fn can_be_subject(self) -> bool {
        matches!(self, Role::Plain | Role::Index | Role::Segment)
    }
}

/// One known name.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Canonical name.
    pub name: String,
    /// Entity kind (org, person, product, place).
    pub kind: EntityKind,
    /// Other spellings.
    pub aliases: Vec<String>,
    /// Canonical name of the owner, if any (`AWS` → `Amazon`).
    pub parent: Option<String>,
    /// Month (1-12) in which the organisation's fiscal year ends; `None` = December.
    pub fiscal_year_end: Option<u8>,
    /// Media, analyst, index, event, law or plain.
    pub role: Role,
}

/// A set of known entity names, indexed by canonical name and by alias.
#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    entries: Vec<Entry>,
    by_name: HashMap<String, usize>,
    /// Lower-cased alias → entry (later entries win).
    by_alias: HashMap<String, usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    entity: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    name: String,
    kind: String,
    #[serde(default)]
    aliases: Vec<String>,
    parent: Option<String>,
    fiscal_year_end: Option<u8>,
    role: Option<String>,
}

const BUILTIN: &str = include_str!("../../../config/entities.toml");

impl Gazetteer {
    /// The built-in gazetteer (`config/entities.toml`, compiled in).
    ///
    /// Never panics: the file is checked by this crate's tests; were it ever broken,
    /// the result would be an empty gazetteer.
    pub fn builtin() -> Gazetteer {
        Gazetteer::from_toml_str(BUILTIN).unwrap_or_default()
    }

    /// Parses a gazetteer file (see the module docs for the format).
    ///
    /// Errors name the line and key: a TOML syntax error, an unknown key, a bad `kind`,
    /// `role` or `fiscal_year_end`, or an empty name.
    pub fn from_toml_str(s: &str) -> Result<Gazetteer> {
        let raw: RawFile = toml::from_str(s).map_err(|e| Error::Toml {
            message: e.to_string().trim().to_string(),
        })?;
        let mut g = Gazetteer::default();
        for (i, r) in raw.entity.into_iter().enumerate() {
            let at = |key: &str, value: String| Error::Entry {
                index: i + 1,
                name: r.name.clone(),
                key: key.to_string(),
                value,
            };
            if r.name.trim().is_empty() {
                return Err(at("name", r.name.clone()));
            }
            let kind = EntityKind::parse(&r.kind).ok_or_else(|| at("kind", r.kind.clone()))?;
            let role = match &r.role {
                None => Role::Plain,
                Some(s) => Role::parse(s).ok_or_else(|| at("role", s.clone()))?,
            };
            if let Some(m) = r.fiscal_year_end
                && !(1..=12).contains(&m)
            {
                return Err(at("fiscal_year_end", m.to_string()));
            }
            if let Some(a) = r.aliases.iter().find(|a| a.trim().is_empty()) {
                return Err(at("aliases", a.clone()));
            }
            g.push(Entry {
                name: r.name.trim().to_string(),
                kind,
                aliases: r.aliases.iter().map(|a| a.trim().to_string()).collect(),
                parent: r.parent.map(|p| p.trim().to_string()),
                fiscal_year_end: r.fiscal_year_end,
                role,
            });
        }
        Ok(g)
    }

    /// Adds `other`'s entries on top of these: an entry whose canonical name already
    /// exists replaces the old one; new entries are appended.
    pub fn extend(&mut self, other: Gazetteer) {
        for e in other.entries {
            self.push(e);
        }
    }

    fn push(&mut self, e: Entry) {
        let key = e.name.to_lowercase();
        let i = match self.by_name.get(&key) {
            Some(&i) => {
                // Drop the replaced entry's aliases from the index.
                self.by_alias.retain(|_, v| *v != i);
                self.entries[i] = e;
                i
            }
            None => {
                self.by_name.insert(key, self.entries.len());
                self.entries.push(e);
                self.entries.len() - 1
            }
        };
        for a in &self.entries[i].aliases {
            self.by_alias.insert(a.to_lowercase(), i);
        }
    }

    /// `[canonical, aliases...]` for each entry, for search query expansion.
    pub fn alias_groups(&self) -> Vec<Vec<String>> {
        self.entries
            .iter()
            .map(|e| {
                let mut v = vec![e.name.clone()];
                v.extend(e.aliases.iter().cloned());
                v
            })
            .collect()
    }

    /// The canonical name for `name` (a canonical name or an alias), case-insensitively.
    pub fn canonical(&self, name: &str) -> Option<&str> {
        let key = name.trim().to_lowercase();
        if let Some(&i) = self.by_name.get(&key) {
            return Some(&self.entries[i].name);
        }
        self.by_alias
            .get(&key)
            .map(|&i| self.entries[i].name.as_str())
    }

    /// All entries, in file order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry with this canonical name (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.by_name
            .get(&name.to_lowercase())
            .map(|&i| &self.entries[i])
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_parses_and_is_substantial() {
        let g = Gazetteer::from_toml_str(BUILTIN).unwrap();
        assert!(g.len() > 100, "{}", g.len());
        assert_eq!(g.canonical("aws"), Some("Amazon Web Services"));
        assert_eq!(
            g.get("Amazon Web Services").unwrap().parent.as_deref(),
            Some("Amazon")
        );
    }

    #[test]
    fn errors_name_line_and_key() {
        let e = Gazetteer::from_toml_str("[[entity]]\nname = \"X\"\nkind = \"org\"\nfoo = 1\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("foo") && e.contains("line 4"), "{e}");
        let e = Gazetteer::from_toml_str("[[entity]]\nname = \"X\"\nkind = \"planet\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("kind") && e.contains("planet") && e.contains("X"),
            "{e}"
        );
        let e = Gazetteer::from_toml_str(
            "[[entity]]\nname = \"X\"\nkind = \"org\"\nfiscal_year_end = 13\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("fiscal_year_end"), "{e}");
        assert!(Gazetteer::from_toml_str("[[entity]\n").is_err());
    }

    #[test]
    fn extend_replaces_and_appends() {
        let mut g = Gazetteer::from_toml_str(
            "[[entity]]\nname = \"Acme\"\nkind = \"org\"\naliases = [\"Acme Inc\"]\n",
        )
        .unwrap();
        let user = Gazetteer::from_toml_str(
            "[[entity]]\nname = \"acme\"\nkind = \"org\"\naliases = [\"Acme Corp\"]\n\
             [[entity]]\nname = \"Widget\"\nkind = \"product\"\nparent = \"acme\"\n",
        )
        .unwrap();
        g.extend(user);
        assert_eq!(g.len(), 2);
        assert_eq!(g.canonical("ACME CORP"), Some("acme"));
        assert_eq!(g.canonical("Acme Inc"), None);
        assert_eq!(
            g.alias_groups(),
            vec![
                vec!["acme".to_string(), "Acme Corp".into()],
                vec!["Widget".into()]
            ]
        );
    }
}
