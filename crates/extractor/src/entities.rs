//! Named entities: gazetteer matches plus discovery of names the gazetteer lacks.
//!
//! Gazetteer names and aliases are found in one Aho-Corasick pass over the text
//! (case-sensitive, whole words, longest match first). Discovery then looks at each
//! sentence's tokens for:
//! - people after a title ("CEO Jane Doe", "executives A B and C D") or before one
//!   ("Jane Doe, chief executive of ..."), or next to a speech verb ("said Jane Doe");
//! - organisations with a corporate suffix ("Acme Robotics Inc.", "Foo Holdings"),
//!   and firms named as a source ("analysts at X", "according to X");
//! - product codes ("C8id", "MI300X", "Graviton5") and versioned names extending a
//!   known product ("Claude Opus 4.6" from "Claude").
//!
//! Within an article, a person's surname alone ("Jassy") counts as that person, and a
//! product name that is the prefix of a longer one ("Claude Opus" / "Claude Opus 4.6")
//! is merged into it. Every entity is reported once with its mention count.

use std::collections::BTreeMap;

use crate::fasthash::FastMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use factwire_core::{Entity, EntityKind};

use crate::gazetteer::{Gazetteer, Role};
use crate::lex::{Tk, Token};

/// One entity known in this article.
#[derive(Debug, Clone)]
pub struct Ent {
    /// Canonical name.
    pub name: String,
    /// Kind.
    pub kind: EntityKind,
    /// Role (media, analyst, ...).
    pub role: Role,
    /// Canonical parent name.
    pub parent: Option<String>,
    /// Fiscal year end month.
    pub fiscal_year_end: Option<u8>,
    /// Surface forms seen.
    pub forms: Vec<String>,
    /// Mentions.
    pub mentions: u32,
    /// Byte offset of the first mention.
    pub first: usize,
    /// Merged into another entity (index).
    pub merged_into: Option<usize>,
    /// Discovered from a product-code shape ("C8id"): never a fact's subject.
    pub code: bool,
}

/// One mention: byte span and entity index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mention {
    /// Start byte.
    pub s: usize,
    /// End byte.
    pub e: usize,
    /// Index into the article's entity list.
    pub ent: usize,
}

/// Compiled gazetteer matcher.
#[derive(Debug, Clone)]
pub struct Matcher {
    ac: Option<AhoCorasick>,
    /// Pattern id → gazetteer entry index.
    pat_entry: Vec<usize>,
}

impl Matcher {
    /// Compiles all names and aliases of `g`.
    pub fn new(g: &Gazetteer) -> Self {
        let mut pats = Vec::new();
        let mut pat_entry = Vec::new();
        for (i, e) in g.entries().iter().enumerate() {
            for p in std::iter::once(&e.name).chain(e.aliases.iter()) {
                pats.push(p.clone());
                pat_entry.push(i);
            }
        }
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&pats)
            .ok();
        Matcher { ac, pat_entry }
    }
}

const TITLES: &[&str] = &[
    "CEO",
    "CFO",
    "COO",
    "CTO",
    "CIO",
    "CISO",
    "CMO",
    "CRO",
    "President",
    "president",
    "Chairman",
    "chairman",
    "Chairwoman",
    "chairwoman",
    "Chair",
    "founder",
    "Founder",
    "cofounder",
    "co-founder",
    "Co-founder",
    "executive",
    "executives",
    "Executive",
    "analyst",
    "analysts",
    "Analyst",
    "economist",
    "strategist",
    "spokesperson",
    "spokeswoman",
    "spokesman",
    "VP",
    "SVP",
    "EVP",
    "director",
    "Director",
    "Secretary",
    "Senator",
    "Sen.",
    "Rep.",
    "Minister",
    "Commissioner",
    "officer",
    "Officer",
    "head",
    "Head",
    "manager",
    "partner",
    "investor",
    "chief",
    "Chief",
    "engineer",
    "scientist",
    "researcher",
    "professor",
    "Professor",
    "leader",
    "boss",
    "CEOs",
    "Dr",
    "Mr",
    "Ms",
    "Mrs",
    "Governor",
    "Gov",
    "Mayor",
    "Treasurer",
    "General",
    "Counsel",
    "counsel",
];

const SPEECH: &[&str] = &[
    "said",
    "says",
    "told",
    "wrote",
    "noted",
    "added",
    "explained",
    "argued",
    "stated",
    "commented",
    "observed",
    "cautioned",
    "warned",
    "predicted",
    "believes",
    "thinks",
];

const ORG_SUFFIX: &[&str] = &[
    "Inc",
    "Corp",
    "Corporation",
    "Ltd",
    "LLC",
    "plc",
    "PLC",
    "AG",
    "SE",
    "GmbH",
    "NV",
    "SA",
    "Co",
    "Limited",
    "LLP",
    "LP",
];

const ORG_TAIL: &[&str] = &[
    "Group",
    "Holdings",
    "Technologies",
    "Technology",
    "Systems",
    "Networks",
    "Labs",
    "Capital",
    "Partners",
    "Ventures",
    "Securities",
    "Research",
    "Bank",
    "Financial",
    "Energy",
    "Semiconductor",
    "Semiconductors",
    "Electronics",
    "Software",
    "Solutions",
    "Communications",
    "Telecom",
    "Analytics",
    "Robotics",
    "Motors",
    "Airlines",
    "Insurance",
    "Investments",
    "Advisors",
    "Associates",
    "Management",
    "Markets",
    "Intelligence",
    "Computing",
    "Microsystems",
    "Industries",
    "Institute",
    "University",
    "Foundation",
    "Agency",
    "Authority",
    "Commission",
    "Council",
    "Ministry",
    "Department",
    "Association",
    "Consulting",
    "Media",
    "Platforms",
    "Interactive",
];

/// Words that are never part of a discovered name.
/// Capitalised adjectives that are never a company on their own.
const DEMONYMS: &[&str] = &[
    "German",
    "French",
    "British",
    "American",
    "Chinese",
    "Japanese",
    "Indian",
    "European",
    "Asian",
    "Korean",
    "Canadian",
    "Australian",
    "Spanish",
    "Italian",
    "Dutch",
    "Swiss",
    "Swedish",
    "Russian",
    "Brazilian",
    "Mexican",
    "Israeli",
    "Irish",
    "Scottish",
    "Welsh",
    "English",
    "African",
    "Arab",
    "Saudi",
    "Taiwanese",
    "Singaporean",
    "Western",
    "Eastern",
    "Northern",
    "Southern",
    "Global",
    "National",
    "International",
    "Federal",
    "Pakistani",
    "Turkish",
    "Polish",
    "Nordic",
    "Emirati",
    "Democratic",
    "Republican",
    "Democrats",
    "Republicans",
    "Christmas",
    "Easter",
    "Internet",
    "Web",
    "Cloud",
    "Street",
];

const HONORIFICS: &[&str] = &["Mr", "Ms", "Mrs", "Dr", "Sir", "Dame", "Lord", "Prof", "Mx"];

const NAME_STOP: &[&str] = &[
    "Mr",
    "Ms",
    "Mrs",
    "Dr",
    "Sir",
    "Dame",
    "Lord",
    "Prof",
    "Mx",
    "The",
    "A",
    "An",
    "In",
    "On",
    "At",
    "For",
    "And",
    "But",
    "Or",
    "Its",
    "It",
    "This",
    "That",
    "These",
    "Those",
    "As",
    "If",
    "When",
    "While",
    "With",
    "By",
    "From",
    "To",
    "Of",
    "Yet",
    "So",
    "We",
    "He",
    "She",
    "They",
    "I",
    "Our",
    "Their",
    "His",
    "Her",
    "CEO",
    "CFO",
    "AI",
    "Inc",
    "Corp",
    "Q",
    "FY",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Chief",
    "Executive",
    "Officer",
    "President",
    "Vice",
    "Senior",
    "Director",
    "Analyst",
    "Analysts",
];

const TIERS: &[&str] = &[
    "Opus", "Sonnet", "Haiku", "Pro", "Flash", "Ultra", "Nano", "Mini", "mini", "Max", "Lite",
    "Turbo", "Instant", "Plus", "Air", "Omni", "Scout", "Maverick", "Behemoth", "Premier", "Micro",
    "Thinking", "Deep", "Think", "Codex", "Sora",
];

const F_TITLE: u8 = 1;
const F_SPEECH: u8 = 2;
const F_SUFFIX: u8 = 4;
const F_TAIL: u8 = 8;
const F_STOP: u8 = 16;
const F_TIER: u8 = 32;

/// Word → which of the lists above it is in (one hash look-up instead of scans).
fn word_flags() -> &'static FastMap<&'static str, u8> {
    static FLAGS: std::sync::OnceLock<FastMap<&'static str, u8>> = std::sync::OnceLock::new();
    FLAGS.get_or_init(|| {
        let mut m: FastMap<&'static str, u8> = FastMap::default();
        for (list, f) in [
            (TITLES, F_TITLE),
            (SPEECH, F_SPEECH),
            (ORG_SUFFIX, F_SUFFIX),
            (ORG_TAIL, F_TAIL),
            (NAME_STOP, F_STOP),
            (TIERS, F_TIER),
        ] {
            for w in list {
                *m.entry(w).or_insert(0) |= f;
            }
        }
        m
    })
}

fn has(w: &str, flag: u8) -> bool {
    word_flags().get(w).is_some_and(|f| f & flag != 0)
}

fn is_cap_word(w: &str) -> bool {
    let mut cs = w.chars();
    cs.next().is_some_and(char::is_uppercase) && w.chars().count() >= 2
}

/// Builds the article's entity list and mentions.
pub struct Finder<'a> {
    text: &'a str,
    g: &'a Gazetteer,
    m: &'a Matcher,
    ents: Vec<Ent>,
    by_key: FastMap<String, usize>,
    mentions: Vec<Mention>,
    /// Start → end of every mention, for overlap checks.
    spans: BTreeMap<usize, usize>,
    /// End byte → mention, for gazetteer product mentions (extension candidates).
    product_ends: Vec<Mention>,
    /// "Mr Greenspan": (start, end) of the whole form and of the surname.
    honorific: Vec<(usize, usize, usize, usize)>,
    /// Single capitalised names with company evidence ("Zalando’s", "Acme said").
    orgish: Vec<(usize, usize)>,
    /// How many mentions the gazetteer pass made (they come first, in text order).
    gaz_count: usize,
    /// Cursor into `product_ends` (sentences are discovered in text order).
    pe_cursor: usize,
}

impl<'a> Finder<'a> {
    /// A finder over `text`.
    pub fn new(text: &'a str, g: &'a Gazetteer, m: &'a Matcher) -> Self {
        Finder {
            text,
            g,
            m,
            ents: Vec::new(),
            by_key: FastMap::default(),
            mentions: Vec::new(),
            spans: BTreeMap::new(),
            product_ends: Vec::new(),
            pe_cursor: 0,
            gaz_count: 0,
            honorific: Vec::new(),
            orgish: Vec::new(),
        }
    }

    fn ent_for(&mut self, name: &str, kind: EntityKind, at: usize) -> usize {
        let key = name.to_lowercase();
        if let Some(&i) = self.by_key.get(&key) {
            return i;
        }
        let (role, parent, fy) = match self.g.get(name) {
            Some(e) => (e.role, e.parent.clone(), e.fiscal_year_end),
            None => (Role::Plain, None, None),
        };
        self.ents.push(Ent {
            name: name.to_string(),
            kind,
            role,
            parent,
            fiscal_year_end: fy,
            forms: Vec::new(),
            mentions: 0,
            first: at,
            merged_into: None,
            code: false,
        });
        self.by_key.insert(key, self.ents.len() - 1);
        self.ents.len() - 1
    }

    fn add_mention(&mut self, s: usize, e: usize, ent: usize) {
        if self.covered(s, e) {
            return;
        }
        let form = self.text[s..e].to_string();
        let en = &mut self.ents[ent];
        en.mentions += 1;
        en.first = en.first.min(s);
        if form != en.name && !en.forms.contains(&form) {
            en.forms.push(form);
        }
        self.mentions.push(Mention { s, e, ent });
        self.spans.insert(s, e);
    }

    fn covered(&self, s: usize, e: usize) -> bool {
        // Mentions never overlap, so only the last one starting before `e` can.
        self.spans
            .range(..e)
            .next_back()
            .is_some_and(|(_, &me)| me > s)
    }

    fn remove_mention(&mut self, m: Mention) {
        // Mentions are appended in text order by the gazetteer pass, so the one to drop
        // is found by binary search; it is emptied here and swept out in `finish`.
        let gaz = &self.mentions[..self.gaz_count.min(self.mentions.len())];
        if let Ok(k) = gaz.binary_search_by_key(&m.s, |x| x.s) {
            if self.mentions[k] == m {
                self.mentions[k].e = self.mentions[k].s;
            }
        } else if let Some(k) = self.mentions.iter().rposition(|x| x == &m) {
            self.mentions[k].e = self.mentions[k].s;
        }
        self.spans.remove(&m.s);
        self.ents[m.ent].mentions = self.ents[m.ent].mentions.saturating_sub(1);
    }

    /// Gazetteer pass over the whole text.
    pub fn gazetteer_pass(&mut self, blocked: &[(usize, usize)]) {
        let Some(ac) = self.m.ac.clone() else {
            return;
        };
        let text = self.text;
        let mut entry_ent: FastMap<usize, usize> = FastMap::default();
        for mat in ac.find_iter(text) {
            let (s, e) = (mat.start(), mat.end());
            let before = text[..s].chars().next_back();
            let after = text[e..].chars().next();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '@' || c == '/')
                || after.is_some_and(|c| c.is_alphanumeric() || c == '$' || c == '_')
            {
                continue;
            }
            // "U.S.-based": fine; "AWS" inside a URL: not.
            if crate::lex::overlaps(blocked, s, e) {
                continue;
            }
            let Some(&entry) = self.m.pat_entry.get(mat.pattern().as_usize()) else {
                continue;
            };
            let kind = self.g.entries()[entry].kind;
            let id = match entry_ent.get(&entry) {
                Some(&id) => id,
                None => {
                    let name = self.g.entries()[entry].name.clone();
                    let id = self.ent_for(&name, kind, s);
                    entry_ent.insert(entry, id);
                    id
                }
            };
            let before = self.mentions.len();
            self.add_mention(s, e, id);
            if kind == EntityKind::Product && self.mentions.len() > before {
                self.product_ends.push(Mention { s, e, ent: id });
            }
        }
        self.gaz_count = self.mentions.len();
    }

    /// Discovery pass over one sentence's tokens.
    ///
    /// At each token the steps below are tried in order; a step that finds a name
    /// says where to go on, the others let the next step look:
    /// 1. `Finder::product_extension`: "Claude" + "Opus 4.6" becomes one product;
    /// 2. `Finder::can_start_name`: only capitalised words and cue words go on;
    /// 3. `Finder::product_code`: "C8id", "MI300X", "Graviton5";
    /// 4. `Finder::honorific`: "Mr Nadella" (merged with the full name later);
    /// 5. `Finder::company_evidence`: "Zalando’s", "Acme said" (org candidates);
    /// 6. `Finder::cue_names`: "CEO Andy Jassy", "said Jane Doe", "analysts at X";
    /// 7. `Finder::name_shape`: "Acme Robotics Inc.", "Jane Doe, chief executive".
    pub fn discover(&mut self, toks: &[Token], heading: bool) {
        let mut i = 0;
        while i < toks.len() {
            if let Some(next) = self.product_extension(toks, i) {
                i = next;
                continue;
            }
            let Some(upper) = self.can_start_name(toks, i, heading) else {
                i += 1;
                continue;
            };
            if let Some(next) = self
                .product_code(toks, i)
                .or_else(|| self.honorific(toks, i, upper))
            {
                i = next;
                continue;
            }
            self.company_evidence(toks, i, heading);
            if !heading {
                self.cue_names(toks, i);
            }
            i = self.name_shape(toks, i, heading).unwrap_or(i + 1);
        }
    }

    /// A known product's extension ("Claude" + "Opus 4.6"): the token after it.
    fn product_extension(&mut self, toks: &[Token], i: usize) -> Option<usize> {
        let text = self.text;
        let t = toks[i];
        // Product extension of a known product: "Claude Opus 4.6".
        while self.pe_cursor < self.product_ends.len() && self.product_ends[self.pe_cursor].e < t.e
        {
            self.pe_cursor += 1;
        }
        let pe = self
            .product_ends
            .get(self.pe_cursor)
            .filter(|m| m.e == t.e)
            .copied();
        if let Some(m) = pe {
            let (end, ok) = self.extension(toks, i + 1);
            if ok {
                let s = m.s;
                let e = toks[end - 1].e;
                let name = text[s..e].to_string();
                let base = self.ents[m.ent].name.clone();
                self.remove_mention(m);
                let id = self.ent_for(&name, EntityKind::Product, s);
                self.ents[id].parent = Some(base);
                self.add_mention(s, e, id);
                return Some(end);
            }
        }
        None
    }

    /// Whether token `i` may start a name: a word, capitalised or a cue word outside
    /// headings. Returns whether it is capitalised.
    fn can_start_name(&self, toks: &[Token], i: usize, heading: bool) -> Option<bool> {
        let text = self.text;
        let w = |i: usize| toks.get(i).map_or("", |t| &text[t.s..t.e]);
        let t = toks[i];
        // Only words can start a name; lower-case ones only as titles or cues.
        if t.kind != Tk::Word {
            return None;
        }
        let upper = text[t.s..].chars().next().is_some_and(char::is_uppercase);
        if !upper {
            let word = w(i);
            let maybe = word_flags().contains_key(word)
                || matches!(
                    word,
                    "analysts"
                        | "analyst"
                        | "economists"
                        | "strategists"
                        | "according"
                        | "data"
                        | "estimates"
                        | "figures"
                        | "research"
                );
            if !maybe || heading {
                return None;
            }
        }
        Some(upper)
    }

    /// Product codes: "C8id", "MI300X", "Graviton5".
    fn product_code(&mut self, toks: &[Token], i: usize) -> Option<usize> {
        let text = self.text;
        let w = |i: usize| toks.get(i).map_or("", |t| &text[t.s..t.e]);
        let n = toks.len();
        let t = toks[i];
        // Product codes: "C8id", "MI300X", "Graviton5".
        if t.kind == Tk::Word
            && i + 1 < n
            && toks[i + 1].kind == Tk::Num
            && !toks[i + 1].space
            && !self.covered(t.s, toks[i + 1].e)
        {
            let word = w(i);
            let mut end = i + 2;
            if end < n && toks[end].kind == Tk::Word && !toks[end].space && w(end).len() <= 3 {
                end += 1;
            }
            let glued_more = end < n && !toks[end].space && toks[end].kind != Tk::Punct;
            let digits = w(i + 1);
            let code_like = (word.chars().all(|c| c.is_ascii_uppercase()) && word.len() <= 3)
                || (is_cap_word(word)
                    && word.chars().skip(1).all(|c| c.is_lowercase())
                    && word.len() >= 4
                    && end == i + 2);
            let period_like = matches!(word, "Q" | "H" | "FY" | "CY" | "FQ" | "FH" | "COVID");
            let b2b = end == i + 3 && digits == "2" && w(i + 2).len() == 1;
            if code_like
                && !period_like
                && !b2b
                && !glued_more
                && digits.len() <= 4
                && !digits.contains(',')
                && (t.space || i == 0)
            {
                let s = t.s;
                let e = toks[end - 1].e;
                let name = text[s..e].to_string();
                let id = self.ent_for(&name, EntityKind::Product, s);
                if self.g.get(&name).is_none() {
                    self.ents[id].code = true;
                }
                self.add_mention(s, e, id);
                return Some(end);
            }
        }
        None
    }

    /// "Mr Satya Nadella": noted for merging with the full name; the token after it.
    fn honorific(&mut self, toks: &[Token], i: usize, upper: bool) -> Option<usize> {
        let text = self.text;
        let w = |i: usize| toks.get(i).map_or("", |t| &text[t.s..t.e]);
        let n = toks.len();
        let t = toks[i];
        if upper && HONORIFICS.contains(&w(i)) {
            let mut j = i + 1;
            if w(j) == "." && toks.get(j).is_some_and(|t| !t.space) {
                j += 1;
            }
            if j < n && toks[j].kind == Tk::Word && is_cap_word(w(j)) && !has(w(j), F_STOP) {
                // The surname is the last capitalised word: "Mr Satya Nadella".
                let mut k = j;
                while k + 1 < n
                    && toks[k + 1].kind == Tk::Word
                    && toks[k + 1].space
                    && is_cap_word(w(k + 1))
                    && !has(w(k + 1), F_STOP)
                    && k + 1 - j < 2
                {
                    k += 1;
                }
                self.honorific.push((t.s, toks[k].e, toks[k].s, toks[k].e));
                return Some(k + 1);
            }
        }
        None
    }

    /// Company evidence for a capitalised name ("Zalando’s", "Acme said").
    fn company_evidence(&mut self, toks: &[Token], i: usize, heading: bool) {
        let text = self.text;
        let w = |i: usize| toks.get(i).map_or("", |t| &text[t.s..t.e]);
        let n = toks.len();
        let t = toks[i];
        // Company evidence for a capitalised name: "Zalando’s", "Acme said".
        if t.kind == Tk::Word
            && !heading
            && i > 0
            && t.s < text.len()
            && text.as_bytes()[t.s].is_ascii_uppercase()
            && is_cap_word(w(i))
            && !(toks[i - 1].kind == Tk::Word && is_cap_word(w(i - 1)))
            && !has(w(i), F_STOP)
            && !self.covered(t.s, t.e)
        {
            let mut k = i;
            while k + 1 < n
                && k - i < 2
                && toks[k + 1].kind == Tk::Word
                && toks[k + 1].space
                && is_cap_word(w(k + 1))
                && !has(w(k + 1), F_STOP)
            {
                k += 1;
            }
            let after = w(k + 1);
            let possessive = matches!(after, "’" | "'")
                && w(k + 2) == "s"
                && toks.get(k + 1).is_some_and(|t| !t.space);
            let verb = matches!(
                after,
                "reported"
                    | "announced"
                    | "posted"
                    | "launched"
                    | "unveiled"
                    | "acquired"
                    | "raised"
                    | "agreed"
                    | "expects"
                    | "plans"
                    | "reports"
                    | "announces"
                    | "launches"
                    | "acquires"
                    | "raises"
                    | "employs"
                    | "operates"
                    | "shares"
                    | "stock"
            ) || (matches!(after, "said" | "says") && k == i);
            let after_amp = i > 0 && matches!(w(i - 1), "&" | "-" | "/");
            if (possessive || verb)
                && !after_amp
                && !DEMONYMS.contains(&w(i))
                && !self.covered(t.s, toks[k].e)
            {
                self.orgish.push((t.s, toks[k].e));
            }
        }
    }

    /// Names a cue word introduces: titles, speech verbs, sources.
    fn cue_names(&mut self, toks: &[Token], i: usize) {
        let text = self.text;
        let w = |i: usize| toks.get(i).map_or("", |t| &text[t.s..t.e]);
        let n = toks.len();
        let t = toks[i];
        if t.kind == Tk::Word {
            let word = w(i);
            let flags = word_flags().get(word).copied().unwrap_or(0);
            // Title then name: "CEO Andy Jassy", "executives A B and C D".
            if flags & F_TITLE != 0 {
                let mut j = i + 1;
                // "chief executive officer Jane Doe"
                while j < n
                    && matches!(
                        w(j),
                        "executive"
                            | "officer"
                            | "financial"
                            | "operating"
                            | "technology"
                            | "Executive"
                            | "Officer"
                            | "Financial"
                    )
                {
                    j += 1;
                }
                while let Some((s_tok, e_tok)) = self.name_at(toks, j) {
                    if e_tok - s_tok >= 2 {
                        self.person(toks, s_tok, e_tok);
                    }
                    // "A B and C D", "A B, C D and E F"
                    if (w(e_tok) == "and" || w(e_tok) == ",") && e_tok + 1 < n {
                        j = e_tok + 1;
                        if w(j) == "and" {
                            j += 1;
                        }
                        continue;
                    }
                    break;
                }
            }
            // "said Jane Doe"
            if flags & F_SPEECH != 0
                && let Some((s_tok, e_tok)) = self.name_at(toks, i + 1)
                && e_tok - s_tok >= 2
                && (e_tok >= n || matches!(w(e_tok), "," | "." | "in" | "on" | "at"))
            {
                self.person(toks, s_tok, e_tok);
            }
            // "analysts at X", "according to X", "data from X"
            let src = (matches!(word, "analysts" | "analyst" | "economists" | "strategists")
                && w(i + 1) == "at")
                || (word == "according" && w(i + 1) == "to")
                || (matches!(word, "data" | "estimates" | "figures" | "research")
                    && w(i + 1) == "from");
            if src && let Some((s_tok, e_tok)) = self.name_at(toks, i + 2) {
                let s = toks[s_tok].s;
                let e = toks[e_tok - 1].e;
                let name = text[s..e].to_string();
                let looks_person = e_tok - s_tok == 2
                    && matches!(w(e_tok), ",")
                    && toks.get(e_tok + 1).is_some_and(|_| {
                        has(w(e_tok + 1), F_TITLE)
                            || w(e_tok + 1) == "a"
                            || w(e_tok + 1) == "an"
                            || w(e_tok + 1) == "the"
                    });
                if !looks_person && !self.covered(s, e) && self.g.canonical(&name).is_none() {
                    let id = self.ent_for(&name, EntityKind::Org, s);
                    if word.starts_with("analyst") {
                        self.ents[id].role = Role::Analyst;
                    }
                    self.add_mention(s, e, id);
                }
            }
        }
    }

    /// A name by its shape: a corporate suffix or tail word (org), or two or three
    /// capitalised words before a title or speech verb (person). The token after it.
    fn name_shape(&mut self, toks: &[Token], i: usize, heading: bool) -> Option<usize> {
        let text = self.text;
        let w = |i: usize| toks.get(i).map_or("", |t| &text[t.s..t.e]);
        let t = toks[i];
        // Names: "Jane Doe, chief executive", "Jane Doe said", "Acme Robotics Inc."
        // A heading may still be a transcript's speaker line ("Jane Doe -- CFO").
        let dash_next = |k: usize| matches!(w(k), "-" | "—" | "–");
        if t.kind == Tk::Word
            && is_cap_word(w(i))
            && !self.covered(t.s, t.e)
            && let Some((s_tok, e_tok)) = self.name_at(toks, i)
            && (!heading || dash_next(e_tok))
        {
            {
                let last = w(e_tok - 1);
                let after = w(e_tok);
                let s = toks[s_tok].s;
                let e = toks[e_tok - 1].e;
                let len = e_tok - s_tok;
                // Corporate suffix.
                let suffix_tok = if has(after, F_SUFFIX)
                    && !toks
                        .get(e_tok)
                        .is_none_or(|t| !t.space && t.kind == Tk::Word)
                {
                    Some(e_tok)
                } else {
                    None
                };
                if let Some(k) = suffix_tok {
                    let mut end = toks[k].e;
                    if w(k + 1) == "." && toks.get(k + 1).is_some_and(|t| !t.space) {
                        end = toks[k + 1].e;
                    }
                    let _ = end;
                    let name = text[s..e].to_string();
                    if self.g.canonical(&name).is_none() {
                        let id = self.ent_for(&name, EntityKind::Org, s);
                        self.add_mention(s, e, id);
                    }
                    return Some(e_tok);
                }
                if len >= 2 && has(last, F_TAIL) && self.g.canonical(&text[s..e]).is_none() {
                    let name = text[s..e].to_string();
                    let id = self.ent_for(&name, EntityKind::Org, s);
                    self.add_mention(s, e, id);
                    return Some(e_tok);
                }
                // Person: two or three capitalised words then ", <title>" or "said".
                if (2..=3).contains(&len) && !has(last, F_TAIL) {
                    // "Jane Doe, chief executive", "Jane Doe -- Chief Financial Officer".
                    let title_after = matches!(after, "," | "-" | "—" | "–")
                        && (1..=4).any(|k| has(w(e_tok + k), F_TITLE));
                    let speech_after = has(after, F_SPEECH);
                    if title_after || speech_after {
                        self.person(toks, s_tok, e_tok);
                        return Some(e_tok);
                    }
                }
            }
        }
        None
    }

    /// The product-extension tail after a known product: tiers and version numbers.
    fn extension(&self, toks: &[Token], mut j: usize) -> (usize, bool) {
        let text = self.text;
        let start = j;
        let mut any = false;
        while j < toks.len() && toks[j].space {
            let t = toks[j];
            let w = &text[t.s..t.e];
            let version = t.kind == Tk::Num
                && w.len() <= 4
                && !w.contains(',')
                && toks
                    .get(j + 1)
                    .is_none_or(|n| n.space || n.kind == Tk::Punct)
                && toks.get(j + 1).is_none_or(|n| &text[n.s..n.e] != "%");
            if version || has(w, F_TIER) {
                any = true;
                j += 1;
                continue;
            }
            break;
        }
        (j, any && j > start)
    }

    /// A run of capitalised words starting at `i` (with initials "J." and
    /// hyphenated parts), not crossing stop words; (start, end) token indices.
    fn name_at(&self, toks: &[Token], i: usize) -> Option<(usize, usize)> {
        let text = self.text;
        let mut j = i;
        let mut words = 0;
        while j < toks.len() && words < 4 {
            let t = toks[j];
            let w = &text[t.s..t.e];
            if t.kind != Tk::Word || !w.chars().next().is_some_and(char::is_uppercase) {
                break;
            }
            let initial = w.chars().count() == 1
                && toks
                    .get(j + 1)
                    .is_some_and(|n| !n.space && &text[n.s..n.e] == ".");
            if (has(w, F_STOP) && !(initial && words > 0)) || (words > 0 && !t.space) {
                break;
            }
            // Initial "J." or hyphenated "Lip-Bu".
            let mut k = j + 1;
            if w.chars().count() == 1 {
                if k < toks.len() && &text[toks[k].s..toks[k].e] == "." && !toks[k].space {
                    k += 1;
                } else {
                    break;
                }
            }
            while k + 1 < toks.len()
                && &text[toks[k].s..toks[k].e] == "-"
                && !toks[k].space
                && !toks[k + 1].space
                && toks[k + 1].kind == Tk::Word
                && text[toks[k + 1].s..]
                    .chars()
                    .next()
                    .is_some_and(char::is_uppercase)
            {
                k += 2;
            }
            // Possessive ends the name: "Jassy’s".
            words += 1;
            j = k;
            if j < toks.len() && matches!(&text[toks[j].s..toks[j].e], "’" | "'") && !toks[j].space
            {
                break;
            }
        }
        (j > i).then_some((i, j))
    }

    fn person(&mut self, toks: &[Token], s_tok: usize, e_tok: usize) {
        let s = toks[s_tok].s;
        let e = toks[e_tok - 1].e;
        if self.covered(s, e) {
            return;
        }
        let name = self.text[s..e].to_string();
        let kind = match self.g.get(&name) {
            Some(en) => en.kind,
            None => EntityKind::Person,
        };
        if kind != EntityKind::Person {
            return;
        }
        let id = self.ent_for(&name, EntityKind::Person, s);
        self.add_mention(s, e, id);
    }

    /// Final pass: surnames of people seen in full ("Jassy"), and product prefixes.
    pub fn finish(&mut self, toks: &[Token]) {
        let mut surnames: FastMap<String, Option<usize>> = FastMap::default();
        for (i, en) in self.ents.iter().enumerate() {
            if en.kind != EntityKind::Person || en.mentions == 0 {
                continue;
            }
            if let Some(last) = en.name.split_whitespace().last()
                && last != en.name
                && last.len() > 2
            {
                surnames
                    .entry(last.to_string())
                    .and_modify(|v| *v = None)
                    .or_insert(Some(i));
            }
        }
        // "Mr Greenspan": the person with that surname, or a new person "Greenspan".
        for (s, e, ss, se) in std::mem::take(&mut self.honorific) {
            let sur = self.text[ss..se].to_string();
            let id = match surnames.get(&sur) {
                Some(Some(id)) => *id,
                _ => {
                    let id = self.ent_for(&sur, EntityKind::Person, s);
                    if self.ents[id].kind != EntityKind::Person {
                        continue;
                    }
                    surnames.insert(sur, Some(id));
                    id
                }
            };
            self.add_mention(s, e, id);
        }
        // Capitalised names with company evidence, unless they are someone's surname
        // or a known name.
        for (s, e) in std::mem::take(&mut self.orgish) {
            let name = self.text[s..e].to_string();
            if surnames.contains_key(&name) || self.covered(s, e) {
                continue;
            }
            let kind = match self.g.get(&name) {
                Some(en) => en.kind,
                None => EntityKind::Org,
            };
            let id = self.ent_for(&name, kind, s);
            self.add_mention(s, e, id);
            // Later mentions of the same name count too.
            surnames.entry(name).or_insert(Some(id));
        }
        if !surnames.is_empty() {
            for t in toks {
                if t.kind != Tk::Word {
                    continue;
                }
                let w = &self.text[t.s..t.e];
                if !w.as_bytes()[0].is_ascii_uppercase() {
                    continue;
                }
                if let Some(Some(id)) = surnames.get(w).copied() {
                    self.add_mention(t.s, t.e, id);
                }
            }
        }
        // Product prefixes: "Claude Opus" → "Claude Opus 4.6".
        let n = self.ents.len();
        for a in 0..n {
            if self.ents[a].kind != EntityKind::Product || self.ents[a].mentions == 0 {
                continue;
            }
            let an = self.ents[a].name.clone();
            let target = (0..n).find(|&b| {
                b != a
                    && self.ents[b].kind == EntityKind::Product
                    && self.ents[b].mentions > 0
                    && self.ents[b].name.starts_with(&an)
                    && self.ents[b].name[an.len()..].starts_with(' ')
                    && self.g.get(&an).is_none()
            });
            if let Some(b) = target {
                let forms = std::mem::take(&mut self.ents[a].forms);
                let m = self.ents[a].mentions;
                self.ents[a].mentions = 0;
                self.ents[a].merged_into = Some(b);
                let eb = &mut self.ents[b];
                eb.mentions += m;
                if !eb.forms.contains(&an) {
                    eb.forms.push(an);
                }
                for f in forms {
                    if !eb.forms.contains(&f) {
                        eb.forms.push(f);
                    }
                }
                for mm in &mut self.mentions {
                    if mm.ent == a {
                        mm.ent = b;
                    }
                }
            }
        }
        self.mentions.retain(|m| m.e > m.s);
        self.mentions.sort_by_key(|m| m.s);
    }

    /// The entities and the mentions (sorted by position).
    pub fn into_parts(self) -> (Vec<Ent>, Vec<Mention>) {
        (self.ents, self.mentions)
    }
}

/// The contract's entity list: reported entities with mentions, in first-mention order.
pub fn report(ents: &[Ent]) -> Vec<Entity> {
    let mut v: Vec<&Ent> = ents
        .iter()
        .filter(|e| e.mentions > 0 && e.role.reported() && e.merged_into.is_none())
        .collect();
    v.sort_by_key(|e| e.first);
    v.into_iter()
        .map(|e| Entity {
            name: e.name.clone(),
            kind: e.kind,
            aliases: e.forms.clone(),
            mentions: e.mentions,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::{Context, Extractor, Gazetteer};

    fn ents(t: &str) -> Vec<(String, &'static str, u32, Vec<String>)> {
        Extractor::new(Gazetteer::builtin())
            .extract(t, &Context::default())
            .entities
            .into_iter()
            .map(|e| (e.name, e.kind.as_str(), e.mentions, e.aliases))
            .collect()
    }

    fn names(t: &str) -> Vec<String> {
        ents(t).into_iter().map(|e| e.0).collect()
    }

    #[test]
    fn gazetteer_aliases_merge_and_count() {
        let e = ents("Amazon Web Services (AWS) grew. AWS’s margin rose. Amazon.com fell.");
        assert_eq!(e[0].0, "Amazon Web Services");
        assert_eq!(e[0].2, 3);
        assert_eq!(e[0].3, vec!["AWS".to_string()]);
        assert_eq!(e[1].0, "Amazon");
        // "US$" is a currency, not the United States.
        assert!(!names("It paid US$5 million.").contains(&"United States".to_string()));
    }

    #[test]
    fn people_from_titles_speech_and_surnames() {
        let e = ents(
            "In a memo, executives Priya Raman and Tom Okafor said so. CEO Jane Q. Doe agreed. \
             Raman later added detail. \"Fine,\" said Lee Park, adding more. \
             Mr Okafor declined. Mr Vance, a trader, did too.",
        );
        let find = |n: &str| e.iter().find(|x| x.0 == n).cloned();
        assert_eq!(find("Priya Raman").map(|x| (x.1, x.2)), Some(("person", 2)));
        assert_eq!(find("Tom Okafor").map(|x| x.2), Some(2));
        assert!(find("Jane Q. Doe").is_some());
        assert!(find("Lee Park").is_some());
        assert_eq!(find("Vance").map(|x| x.1), Some("person"));
        assert!(find("Mr Okafor").is_none());
    }

    #[test]
    fn organisations_products_and_near_misses() {
        let n = names(
            "Acme Robotics Inc. signed a deal. Analysts at Kestrel Partners were upbeat. \
             Zentrix’s revenue rose, and Zentrix said more. EC2 C8id and M8id instances \
             launched, with Claude Opus 4.6 on Bedrock. German shares fell. B2B sales grew.",
        );
        for want in [
            "Acme Robotics",
            "Kestrel Partners",
            "Zentrix",
            "C8id",
            "M8id",
            "Claude Opus 4.6",
        ] {
            assert!(n.contains(&want.to_string()), "{want} missing from {n:?}");
        }
        for bad in ["German", "B2B", "Claude"] {
            assert!(!n.contains(&bad.to_string()), "{bad} in {n:?}");
        }
    }

    #[test]
    fn transcript_speaker_lines() {
        let n = names("Dana Whitfield -- Chief Financial Officer\n\nThanks, everyone.");
        assert!(n.contains(&"Dana Whitfield".to_string()), "{n:?}");
    }
}
