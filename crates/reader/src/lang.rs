//! A small language guesser for pages that do not declare their language.
//!
//! First by script (Hangul → `ko`, kana → `ja`, Han only → `zh`, Cyrillic → `ru`/`uk`,
//! Arabic, Hebrew, Greek, Thai, Devanagari), then, for Latin script, by counting very
//! common function words of a few languages. Returns `None` when the text is too short
//! or no language stands out: a missing answer is better than a wrong one.

/// Function words per Latin-script language; all are frequent and short.
const STOPWORDS: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "the", "and", "of", "to", "in", "is", "that", "for", "it", "with", "was", "on", "as",
            "said", "its", "by", "from", "has", "have", "this", "are", "be", "at",
        ],
    ),
    (
        "pt",
        &[
            "de", "que", "não", "uma", "os", "do", "da", "em", "para", "com", "por", "mais", "foi",
            "ao", "dos", "das", "como", "também", "são", "pela",
        ],
    ),
    (
        "es",
        &[
            "de", "que", "el", "la", "los", "las", "en", "por", "con", "una", "del", "para", "es",
            "se", "como", "más", "pero", "fue", "al", "también",
        ],
    ),
    (
        "fr",
        &[
            "le", "la", "les", "de", "des", "et", "est", "une", "dans", "pour", "que", "qui",
            "sur", "pas", "du", "au", "avec", "sont", "ce", "il",
        ],
    ),
    (
        "de",
        &[
            "der", "die", "und", "das", "ist", "nicht", "mit", "den", "von", "zu", "ein", "eine",
            "auf", "für", "sich", "auch", "dem", "im", "wird", "sind",
        ],
    ),
    (
        "it",
        &[
            "il", "di", "che", "la", "per", "non", "una", "sono", "del", "della", "con", "anche",
            "gli", "nel", "alla", "più", "è", "ha", "le", "da",
        ],
    ),
    (
        "nl",
        &[
            "de", "het", "een", "van", "en", "niet", "dat", "is", "op", "voor", "met", "zijn",
            "ook", "maar", "wordt", "bij", "naar", "heeft",
        ],
    ),
    (
        "id",
        &[
            "yang", "dan", "di", "ini", "itu", "dengan", "untuk", "dari", "tidak", "akan", "pada",
            "juga", "dalam", "ada", "adalah", "karena", "oleh", "mereka",
        ],
    ),
];

/// How much text is looked at, in chars.
const SAMPLE_CHARS: usize = 20_000;

/// Guesses the language of `text`; `None` when unsure.
pub(crate) fn detect(text: &str) -> Option<&'static str> {
    detect_with(text, false)
}

/// Like [`detect`], but answers only when the evidence is strong: a non-Latin script,
/// or at least 50 words of Latin text where one language's function words outnumber
/// any other's two to one. Strong enough to overrule a page's declared language,
/// which templates often set to a default (`en`) whatever the article says.
pub(crate) fn detect_confident(text: &str) -> Option<&'static str> {
    detect_with(text, true)
}

fn detect_with(text: &str, strict: bool) -> Option<&'static str> {
    let mut counts = Scripts::default();
    for c in text.chars().take(SAMPLE_CHARS) {
        counts.add(c);
    }
    let letters = counts.total();
    if letters < 20 {
        return None;
    }
    let share = |n: usize| n as f64 / letters as f64;
    if share(counts.hangul) > 0.3 {
        return Some("ko");
    }
    if share(counts.kana) > 0.05 && share(counts.kana + counts.han) > 0.3 {
        return Some("ja");
    }
    if share(counts.han) > 0.3 {
        return Some("zh");
    }
    if share(counts.cyrillic) > 0.4 {
        return Some(if counts.ukrainian * 200 > counts.cyrillic {
            "uk"
        } else {
            "ru"
        });
    }
    for (n, code) in [
        (counts.arabic, "ar"),
        (counts.hebrew, "he"),
        (counts.greek, "el"),
        (counts.thai, "th"),
        (counts.devanagari, "hi"),
    ] {
        if share(n) > 0.4 {
            return Some(code);
        }
    }
    if share(counts.latin) < 0.5 {
        return None;
    }
    latin_language(text, strict)
}

fn latin_language(text: &str, strict: bool) -> Option<&'static str> {
    let mut scores = [0usize; STOPWORDS.len()];
    let mut words = 0usize;
    let sample: String = text.chars().take(SAMPLE_CHARS).collect();
    for w in sample.split(|c: char| !c.is_alphabetic()) {
        if w.is_empty() {
            continue;
        }
        words += 1;
        let lw = w.to_lowercase();
        for (i, (_, list)) in STOPWORDS.iter().enumerate() {
            if list.contains(&lw.as_str()) {
                scores[i] += 1;
            }
        }
    }
    if words < if strict { 50 } else { 8 } {
        return None;
    }
    let (best, &top) = scores.iter().enumerate().max_by_key(|&(_, s)| *s)?;
    let second = scores
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != best)
        .map(|(_, &s)| s)
        .max()
        .unwrap_or(0);
    // Clear winner, and function words make up a real share of the text.
    let margin_ok = if strict {
        top >= second * 2
    } else {
        top * 4 >= second * 5
    };
    if top * 10 >= words && margin_ok {
        Some(STOPWORDS[best].0)
    } else {
        None
    }
}

#[derive(Default)]
struct Scripts {
    latin: usize,
    cyrillic: usize,
    ukrainian: usize,
    hangul: usize,
    kana: usize,
    han: usize,
    arabic: usize,
    hebrew: usize,
    greek: usize,
    thai: usize,
    devanagari: usize,
    other: usize,
}

impl Scripts {
    fn add(&mut self, c: char) {
        if !c.is_alphabetic() {
            return;
        }
        match c as u32 {
            0x41..=0x24F => self.latin += 1,
            0x370..=0x3FF => self.greek += 1,
            0x400..=0x4FF => {
                self.cyrillic += 1;
                if matches!(c, 'і' | 'ї' | 'є' | 'ґ' | 'І' | 'Ї' | 'Є' | 'Ґ') {
                    self.ukrainian += 1;
                }
            }
            0x590..=0x5FF => self.hebrew += 1,
            0x600..=0x6FF | 0x750..=0x77F => self.arabic += 1,
            0x900..=0x97F => self.devanagari += 1,
            0xE00..=0xE7F => self.thai += 1,
            0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => self.hangul += 1,
            0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => self.kana += 1,
            0x4E00..=0x9FFF | 0x3400..=0x4DBF => self.han += 1,
            _ => self.other += 1,
        }
    }

    fn total(&self) -> usize {
        self.latin
            + self.cyrillic
            + self.hangul
            + self.kana
            + self.han
            + self.arabic
            + self.hebrew
            + self.greek
            + self.thai
            + self.devanagari
            + self.other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_words() {
        assert_eq!(
            detect(
                "Amazon Web Services said on Thursday that its revenue grew by a quarter and the margin was wider."
            ),
            Some("en")
        );
        assert_eq!(
            detect(
                "A empresa disse que a receita da nuvem cresceu muito no trimestre e que não vai parar de investir em data centers."
            ),
            Some("pt")
        );
        assert_eq!(
            detect("Облачный бизнес компании вырос на двадцать процентов за квартал."),
            Some("ru")
        );
        assert_eq!(
            detect("클라우드 사업부의 매출이 지난 분기에 크게 증가했다고 회사가 밝혔다."),
            Some("ko")
        );
        assert_eq!(
            detect("クラウド事業の売上高は前年同期比で二割増えたと同社は発表した。"),
            Some("ja")
        );
        assert_eq!(detect("短"), None);
        assert_eq!(
            detect_confident("Облачный бизнес компании вырос на двадцать процентов."),
            Some("ru")
        );
        assert_eq!(
            detect_confident("The cloud grew and the margin was wider."),
            None
        );
        assert_eq!(detect("1234 5678 !!!"), None);
    }
}
