//! Speech, section and passage ids, derived from what an element says rather than from the line it
//! starts on: fixing a typo near the top of a file must not move the id of every passage below it,
//! because ids are kept in shared deep links and in the daily reading positions, and a reload diff
//! compares them.
//!
//! An id is `{digest}_{kind}{hash}`: `kind` is `s`, `c` or `p` and `hash` 8 characters of base 32
//! (40 bits of FNV-1a) of a key:
//! - speech: its title and speaker;
//! - section: its speech's id, and its heading; without heading, a fixed marker when it opens the
//!   speech (an introduction), else its first passage's text;
//! - passage: its speech's id and its text.
//!
//! The nth element of a digest with the same key (a paragraph repeated in a speech), or the rare
//! one whose hash another already took, gets the hash of the key and n: deterministic, in corpus
//! order, and never two elements with one id.

use std::collections::HashSet;

use super::model::{Digest, Speech};

/// Characters of an id's hash: 40 bits, so that a digest of a few thousand elements has no
/// collision in practice, and `MAX_DIGEST_ID` + 2 + 8 = 32 characters at most.
const HASH_CHARS: usize = 8;

/// Crockford's base 32, lowercase: no `i`, `l`, `o`, `u`, which are easily misread in a link.
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// Line numbers ids were made of before they were derived from text (`_p47`; from 10⁸ on `x` and
/// base 36). Only `is_element_suffix` still knows them, so that no digest file name changes its id.
const DECIMAL_LINES: u32 = 100_000_000;

/// FNV-1a 64: a few lines, fixed forever. `DefaultHasher` may change with any Rust release, and
/// ids must not.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// The top 40 bits of `hash` in base 32 (FNV-1a mixes its high bits best).
fn hash_chars(hash: u64) -> String {
    (0..HASH_CHARS).map(|i| char::from(ALPHABET[((hash >> (59 - 5 * i)) & 31) as usize])).collect()
}

/// The key of an id, hashed as it is built: the FNV-1a of its parts joined, without building the
/// string (ids are made for every passage of the corpus at each load).
#[derive(Clone, Copy)]
struct Key(u64);

impl Key {
    fn new() -> Key {
        Key(fnv1a(b""))
    }

    /// `part` as it is.
    fn raw(self, part: &str) -> Key {
        Key(part.bytes().fold(self.0, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)))
    }

    /// `text` as an id sees it: white space dropped, so that re-indenting a paragraph, or spacing a
    /// name out (`李　强`), keeps its id. Deliberately not the search normalization, whose tables
    /// (NFKC, Traditional → Simplified) may grow with any release and would then re-id the whole
    /// corpus; an id's key must stay what it is.
    fn text(self, text: &str) -> Key {
        let mut buf = [0u8; 4];
        text.chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{feff}')
            .fold(self, |key, c| key.raw(c.encode_utf8(&mut buf)))
    }
}

/// The ids of one digest so far, by kind and the hash bits an id shows.
struct Ids<'a> {
    digest: &'a str,
    taken: HashSet<(char, u64)>,
}

impl Ids<'_> {
    /// The id for `key`: its hash, or when that is taken, the hash of `key` and the first `n`
    /// (2, 3, …) whose id is free.
    fn id(&mut self, kind: char, key: Key) -> String {
        let mut n = 1u32;
        loop {
            let hash = if n == 1 { key.0 } else { key.raw("\n#").raw(&n.to_string()).0 };
            // The id shows the top 40 bits: two hashes that agree there are one id.
            if self.taken.insert((kind, hash >> (64 - 5 * HASH_CHARS as u32))) {
                return format!("{}_{kind}{}", self.digest, hash_chars(hash));
            }
            n += 1;
        }
    }
}

/// Gives every speech, section and passage of `digest` its id. Keys join their parts with `\n`,
/// which no key text holds, so that no two different elements share a key.
pub fn assign(digest: &mut Digest) {
    let mut ids = Ids { digest: &digest.id, taken: HashSet::new() };
    for speech in &mut digest.speeches {
        let speaker = speech.speaker.as_deref().unwrap_or("");
        speech.id = ids.id('s', Key::new().text(&speech.title).raw("\n").text(speaker));
        let within = speech.id.rsplit_once('_').map_or("", |(_, hash)| hash).to_string();
        let within = Key::new().raw(&within).raw("\n");
        for (c, section) in speech.sections.iter_mut().enumerate() {
            let key = match (&section.heading, section.passages.first()) {
                (Some(heading), _) => within.raw("heading\n").text(heading),
                (None, _) if c == 0 => within.raw("introduction"),
                (None, Some(first)) => within.raw("opening\n").text(first.text()),
                (None, None) => within.raw("empty"),
            };
            section.id = ids.id('c', key);
        }
        for section in &mut speech.sections {
            for passage in &mut section.passages {
                passage.id = ids.id('p', within.text(passage.text()));
            }
        }
    }
}

/// Whether `suffix` (what follows the last `_`) reads like the end of an element id: `pab12cd34`,
/// or an id of the line-number era (`p47`, `px1njchs`), so that a digest named like one is hashed
/// and `Library::find` never mistakes a digest for an element.
pub fn is_element_suffix(suffix: &str) -> bool {
    let Some(rest) = suffix.strip_prefix(['s', 'c', 'p']) else { return false };
    if rest.len() == HASH_CHARS && rest.bytes().all(|b| ALPHABET.contains(&b)) {
        return true;
    }
    // Any run of digits, not just those that fit a u32: `a_p99999999999` reads as an element id too.
    if !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    legacy_line(suffix).is_some()
}

/// The line an id of the line-number era (`p47`, `px1njchs`) starts on, with its kind.
fn legacy_line(suffix: &str) -> Option<(char, u32)> {
    let kind = suffix.chars().next().filter(|k| matches!(k, 's' | 'c' | 'p'))?;
    let rest = &suffix[1..];
    let line = match rest.strip_prefix('x') {
        Some(digits) => u32::from_str_radix(digits, 36).ok().filter(|&n| n >= DECIMAL_LINES && base36(n) == digits)?,
        None if !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()) => rest.parse().ok()?,
        None => return None,
    };
    Some((kind, line))
}

/// The id now of what an id of the line-number era (`anhui-renda-huiyi_p47`, given as its
/// `suffix` `p47`) named in `digest`: the element of that kind that starts on that line. Links
/// shared and daily positions saved before ids were derived from text so still lead where they
/// did, as long as the file has not changed since.
pub fn legacy_id<'d>(digest: &'d Digest, suffix: &str) -> Option<&'d str> {
    let (kind, line) = legacy_line(suffix)?;
    for speech in &digest.speeches {
        if kind == 's' && speech_start(speech) == Some(line) {
            return Some(&speech.id);
        }
        for section in &speech.sections {
            let first =
                section.heading_line.as_ref().map(|l| l.no).or_else(|| section.passages.first().map(|p| p.line.no));
            if kind == 'c' && first == Some(line) {
                return Some(&section.id);
            }
            if let Some(passage) = section.passages.iter().find(|p| kind == 'p' && p.line.no == line) {
                return Some(&passage.id);
            }
        }
    }
    None
}

/// The first line of a speech: its title, or whatever of it comes first without one.
fn speech_start(speech: &Speech) -> Option<u32> {
    let heads = speech.title_line.iter().chain(&speech.occasion_lines).chain(&speech.speaker_lines);
    let sections = speech.sections.iter().flat_map(|c| c.heading_line.iter().chain(c.passages.iter().map(|p| &p.line)));
    heads.chain(sections).map(|l| l.no).min()
}

fn base36(mut n: u32) -> String {
    let mut digits = Vec::new();
    while n > 0 {
        digits.push(char::from_digit(n % 36, 36).unwrap_or('0'));
        n /= 36;
    }
    digits.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MAX_DIGEST_ID;

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn a_hash_is_eight_characters_of_the_alphabet_and_uses_the_high_bits() {
        assert_eq!(hash_chars(0), "00000000");
        assert_eq!(hash_chars(u64::MAX), "zzzzzzzz");
        assert_eq!(hash_chars(1 << 63), "g0000000");
        assert_eq!(hash_chars((1 << 24) - 1), "00000000", "the low 24 bits are dropped");
        assert_eq!(hash_chars(1 << 24), "00000001");
    }

    #[test]
    fn a_taken_id_goes_to_the_next_free_hash_of_the_same_key_and_never_repeats() {
        let mut ids = Ids { digest: "d", taken: HashSet::new() };
        let first = ids.id('p', Key::new().raw("k"));
        let again: Vec<String> = (0..50).map(|_| ids.id('p', Key::new().raw("k"))).collect();
        assert!(!again.contains(&first));
        assert_eq!(ids.taken.len(), 51, "every id is new");
        let mut fresh = Ids { digest: "d", taken: HashSet::new() };
        assert_eq!(fresh.id('p', Key::new().raw("k")), first, "the same key in the same order gets the same id");
        assert_eq!(fresh.id('p', Key::new().raw("k")), again[0]);
    }

    #[test]
    fn ids_stay_within_32_characters_for_the_longest_digest_id() {
        let longest = "a".repeat(MAX_DIGEST_ID);
        let mut ids = Ids { digest: &longest, taken: HashSet::new() };
        for kind in ['s', 'c', 'p'] {
            for _ in 0..1000 {
                let id = ids.id(kind, Key::new().raw("the same text every time"));
                assert!(id.len() == 32 && id.is_ascii(), "{id} is {} characters", id.len());
                assert!(is_element_suffix(id.rsplit_once('_').unwrap().1), "{id}");
            }
        }
    }

    #[test]
    fn white_space_does_not_change_a_key_but_any_other_character_does() {
        assert_eq!(Key::new().text("　　李　强 说\t好").0, fnv1a("李强说好".as_bytes()));
        assert_ne!(Key::new().text("李强。").0, Key::new().text("李强，").0);
        assert_eq!(Key::new().raw("ab").raw("c").0, fnv1a(b"abc"));
    }

    #[test]
    fn element_suffixes_are_hashes_and_the_line_numbers_of_old_ids() {
        for suffix in ["pab12cd34", "c00000000", "szzzzzzzz", "p47", "s1", "px1njchs", "px1z141z3"] {
            assert!(is_element_suffix(suffix), "{suffix}");
        }
        for other in
            ["x", "p", "px", "pp", "px1", "pxinhua", "pX1NJCHS", "pab12cd3", "pab12cd345", "pabcdefgi", "qab12cd34"]
        {
            assert!(!is_element_suffix(other), "{other}");
        }
    }
}
