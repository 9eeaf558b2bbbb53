//! Near-duplicate fingerprints: 64-bit SimHash over word shingles.
//!
//! A syndicated copy of an article (a wire story reprinted by another outlet, with its
//! own first line, a different credit line, a corrected word) is not byte-identical to
//! the original, so an exact content hash misses it. SimHash (Charikar 2002, as used
//! by Manku et al. for web crawling) maps a document to 64 bits such that documents
//! sharing most of their features differ in few bits:
//!
//! 1. the text is cut into words (lower-cased letters and digits), and the words into
//!    overlapping [`SHINGLE`]-word shingles, each counted once;
//! 2. each shingle is hashed to 64 bits with a fixed, documented hash (FNV-1a, then a
//!    SplitMix64 finaliser so every bit is well mixed). The fingerprint is stored, so
//!    the hash must never change between versions;
//! 3. for every bit position, shingles with that bit set vote +1 and the others −1;
//!    the fingerprint has the bit set where the vote is positive.
//!
//! The Hamming distance between two fingerprints estimates the angle between the two
//! shingle sets: a copy that changes 5% of its shingles lands a few bits away, while
//! two different articles on the same story share few 3-word shingles and land about
//! 32 bits apart. [`NEAR_DUPLICATE_BITS`] is the cut-off the pipeline uses.
//!
//! Texts with fewer than [`MIN_SHINGLES`] shingles get no fingerprint: a two-line
//! brief says too little to call anything its copy.
//!
//! ```
//! use factwire_core::fingerprint::{distance, simhash};
//! let a = "Amazon Web Services grew 24% in the fourth quarter, its fastest pace in \
//!          thirteen quarters, as demand for AI capacity outran supply. Revenue rose \
//!          to $35.6 billion and operating income to $12.5 billion, the company said.";
//! let copy = format!("{a} This story was first published by a wire service.");
//! let other = "Microsoft said Azure revenue grew 39% while capital spending reached a \
//!              record as the company races to add data-centre capacity for OpenAI and \
//!              other customers, and analysts asked when the spending would pay off.";
//! let (fa, fc, fo) = (simhash(a).unwrap(), simhash(&copy).unwrap(), simhash(other).unwrap());
//! assert!(distance(fa, fc) < distance(fa, fo));
//! ```

/// Words per shingle.
pub const SHINGLE: usize = 3;

/// Fewest distinct shingles a text needs to get a fingerprint.
pub const MIN_SHINGLES: usize = 24;

/// Fingerprints at most this many bits apart are near-duplicates. Measured on the
/// fixture corpus: reprints with a changed first line, credit line or a few edited
/// words land 0-9 bits from their original; distinct articles, even on one story,
/// land 20 or more bits apart.
pub const NEAR_DUPLICATE_BITS: u32 = 10;

/// Number of differing bits between two fingerprints.
pub fn distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// Whether two fingerprints are close enough to call the texts near-duplicates.
pub fn is_near_duplicate(a: u64, b: u64) -> bool {
    distance(a, b) <= NEAR_DUPLICATE_BITS
}

/// The SimHash fingerprint of `text`, or `None` when it has fewer than
/// [`MIN_SHINGLES`] distinct shingles.
pub fn simhash(text: &str) -> Option<u64> {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() < SHINGLE {
        return None;
    }
    let mut hashes: Vec<u64> = words
        .windows(SHINGLE)
        .map(|w| {
            let mut h = FNV_OFFSET;
            for (i, word) in w.iter().enumerate() {
                if i > 0 {
                    h = fnv1a(h, b" ");
                }
                h = fnv1a_lowercase(h, word);
            }
            splitmix64(h)
        })
        .collect();
    hashes.sort_unstable();
    hashes.dedup();
    if hashes.len() < MIN_SHINGLES {
        return None;
    }
    let mut votes = [0i32; 64];
    for h in &hashes {
        for (bit, v) in votes.iter_mut().enumerate() {
            // +1 where the bit is set, -1 where it is not, without a branch.
            *v += ((h >> bit & 1) as i32) * 2 - 1;
        }
    }
    Some(
        votes
            .iter()
            .enumerate()
            .filter(|(_, v)| **v > 0)
            .fold(0u64, |acc, (bit, _)| acc | 1 << bit),
    )
}

/// FNV-1a over the UTF-8 bytes of `word` lower-cased char by char, without building
/// the lower-cased string (ASCII, nearly every word, takes the fast path).
fn fnv1a_lowercase(mut h: u64, word: &str) -> u64 {
    if word.is_ascii() {
        for b in word.bytes() {
            h ^= u64::from(b.to_ascii_lowercase());
            h = h.wrapping_mul(FNV_PRIME);
        }
        return h;
    }
    let mut buf = [0u8; 4];
    for c in word.chars().flat_map(char::to_lowercase) {
        h = fnv1a(h, c.encode_utf8(&mut buf).as_bytes());
    }
    h
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv1a(mut h: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "Amazon Web Services reported revenue of $35.6 billion for the \
        fourth quarter, up 24% from a year earlier, the fastest growth in thirteen \
        quarters. Operating income rose to $12.5 billion. Chief executive Andy Jassy \
        said capacity was the main constraint and that the company would double its \
        power footprint by 2027. Analysts had expected revenue of $34.9 billion. The \
        backlog of contracted but unrecognised revenue reached $244 billion, and the \
        company said it would spend about $200 billion on capital projects this year, \
        most of it on data centres, chips and networking for artificial intelligence.";

    const GOLDEN: u64 = 0xc20d_5098_5d8d_6114;

    #[test]
    fn the_hash_is_stable_across_versions() {
        // Stored in SQLite: changing the hash would orphan every stored fingerprint.
        let f = simhash(STORY).unwrap();
        assert_eq!(f, GOLDEN, "{f:#x}");
        assert_eq!(
            simhash(&STORY.to_uppercase()),
            Some(f),
            "case does not matter"
        );
        let accented = STORY.replace("Services", "Sérvices Zürich Ωmega");
        assert_eq!(
            simhash(&accented.to_uppercase()),
            simhash(&accented),
            "nor outside ASCII"
        );
    }

    #[test]
    fn reprints_are_near_and_other_articles_far() {
        let f = simhash(STORY).unwrap();
        let reprint = format!(
            "SEATTLE (Wire) - {} Reporting by a staff writer; editing by the desk.",
            STORY.replace("thirteen", "13")
        );
        let g = simhash(&reprint).unwrap();
        assert!(is_near_duplicate(f, g), "distance {}", distance(f, g));
        let other = "Microsoft said Azure and other cloud services revenue grew 39% in \
            the quarter, ahead of forecasts, while capital expenditure reached a record \
            $37.5 billion as the company raced to add data-centre capacity for OpenAI \
            and its other customers. Chief financial officer Amy Hood said demand \
            continued to exceed supply and that the constraint would last at least \
            through the end of the fiscal year, and analysts pressed her on margins.";
        let o = simhash(other).unwrap();
        assert!(!is_near_duplicate(f, o), "distance {}", distance(f, o));
    }

    #[test]
    fn short_texts_have_no_fingerprint() {
        assert_eq!(simhash(""), None);
        assert_eq!(simhash("AWS grew 24% in the quarter."), None);
    }
}
