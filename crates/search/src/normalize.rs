//! One normalization for index text and queries alike, so that what a person types matches what
//! was published however either was written: format characters dropped (invisible marks such as
//! U+200F or U+FEFF that a copy and paste carries along), NFKC (full-width `２０２４ＧＤＰ` → `2024gdp`,
//! `e` + U+0301 → `é`), Traditional → Simplified, lowercase, and no white space between Han characters
//! (`李　强` → `李强`).
//!
//! Display text is never changed; [`Normalized::spans`] maps every normalized character back to the
//! bytes of the original it came from, so matches found in normalized text can be highlighted in the
//! published one.

use std::collections::HashMap;

use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;
use unicode_normalization::char::{canonical_combining_class, decompose_compatible};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

use super::chars::is_han;

/// The normalized text, and for each of its characters (by byte offset) the original byte range.
#[derive(Debug, Default, Clone)]
pub struct Normalized {
    pub text: String,
    /// `(normalized byte offset, original start, original end)` for each normalized character. The
    /// characters folded from one combining sequence (`e` + U+0301 → `é`) all map to the whole
    /// sequence, format characters inside it included; a dropped format character between two
    /// sequences maps to nothing, but lies inside any range that spans it.
    pub spans: Vec<(u32, u32, u32)>,
}

impl Normalized {
    /// The original byte range of the normalized byte range `start..end` (char boundaries).
    pub fn original(&self, start: usize, end: usize) -> (usize, usize) {
        let find = |offset: usize| self.spans.partition_point(|&(n, _, _)| (n as usize) < offset);
        let first = find(start).min(self.spans.len().saturating_sub(1));
        let last = find(end).saturating_sub(1).max(first);
        (self.spans[first].1 as usize, self.spans[last].2 as usize)
    }
}

pub struct Normalizer {
    t2s: OpenCC,
    /// Traditional → Simplified, a character at a time, for the Basic Multilingual Plane: read off
    /// OpenCC's tables once at start. A character at a time, not phrase by phrase, so that the
    /// normalization of a substring is the substring of the normalization: `乾` alone and `乾` in
    /// `乾坤` convert alike, and a query always finds the text that contains it.
    simplified: HashMap<char, Box<str>>,
    /// The characters [`Self::simplified`] holds, a bit each: most Han text is Simplified already,
    /// and hashing every character to find that out was a quarter of the time normalizing took.
    traditional: Box<[u64]>,
    /// [`Kind`] of every BMP character, worked out once: most text outside ASCII and the main CJK
    /// block is CJK punctuation, and looking up its category, combining class and NFKC quick check
    /// for each occurrence made normalizing half again as slow.
    kinds: Box<[Kind]>,
}

/// How a character takes part in normalization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Its own NFKC, and it starts a combining sequence: kept as it is unless marks follow. ASCII and
    /// the main CJK block are, and skip the lookup.
    Stable,
    /// A format character: dropped.
    Format,
    /// Starts a combining sequence, and folds to something else (`，` → `,`).
    Folds,
    /// Continues the combining sequence before it: a combining mark, the halfwidth voiced mark
    /// (`ｶﾞ` → `ガ`), a Hangul vowel or final jamo.
    Continues,
}

impl std::fmt::Debug for Normalizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Normalizer")
    }
}

impl Normalizer {
    pub fn new() -> Normalizer {
        // The conversion tables are compiled into the binary; failing to load them is a build defect.
        let t2s = OpenCC::from_config(BuiltinConfig::T2s).expect("embedded OpenCC t2s tables load");
        // Convert every BMP character once, one a line so no phrase spans two.
        let all: Vec<char> = (0x80u32..0x10000).filter_map(char::from_u32).filter(|&c| c != '\n').collect();
        let joined: String = all.iter().flat_map(|&c| [c, '\n']).collect();
        let converted = t2s.convert(&joined);
        let lines: Vec<&str> = converted.split('\n').collect();
        let mut simplified = HashMap::new();
        if lines.len() == all.len() + 1 {
            for (&c, line) in all.iter().zip(&lines) {
                let mut buf = [0u8; 4];
                if *line != c.encode_utf8(&mut buf) && !line.is_empty() {
                    simplified.insert(c, Box::from(*line));
                }
            }
        } else {
            // Never seen: conversion joined lines. Convert each character on its own instead.
            for &c in &all {
                let mut buf = [0u8; 4];
                let one = t2s.convert(c.encode_utf8(&mut buf));
                if one.chars().ne(std::iter::once(c)) && !one.is_empty() {
                    simplified.insert(c, one.into_boxed_str());
                }
            }
        }
        let kinds = (0..0x10000u32).map(|c| char::from_u32(c).map_or(Kind::Stable, kind_of)).collect();
        let mut traditional = vec![0u64; 0x10000 / 64].into_boxed_slice();
        for &c in simplified.keys() {
            traditional[c as usize / 64] |= 1 << (c as usize % 64);
        }
        Normalizer { t2s, simplified, traditional, kinds }
    }

    /// Appends the Simplified form of `c` to `out`, each character with `span`.
    fn simplify(&self, c: char, span: (u32, u32), out: &mut Vec<(char, (u32, u32))>) {
        if (c as u32) < 0x80 {
            out.push((c, span));
        } else if (c as u32) < 0x10000 {
            if (self.traditional[c as usize / 64] >> (c as usize % 64)) & 1 == 1 {
                out.extend(self.simplified[&c].chars().map(|s| (s, span)));
            } else {
                out.push((c, span));
            }
        } else {
            // Outside the BMP (rare CJK extensions): ask OpenCC about this one character.
            let mut buf = [0u8; 4];
            out.extend(self.t2s.convert(c.encode_utf8(&mut buf)).chars().map(|s| (s, span)));
        }
    }

    fn kind(&self, c: char) -> Kind {
        match self.kinds.get(c as usize) {
            Some(&k) => k,
            None => kind_of(c),
        }
    }

    /// Appends the NFKC of a combining sequence (its first character and that one's kind, the
    /// characters continuing it, the original bytes it spans), each folded character simplified and
    /// mapped to the whole sequence.
    fn fold(&self, (first, kind): (char, Kind), rest: &[char], span: (u32, u32), out: &mut Vec<(char, (u32, u32))>) {
        if kind == Kind::Stable && rest.is_empty() {
            self.simplify(first, span, out);
        } else {
            let sequence = std::iter::once(first).chain(rest.iter().copied());
            // NFKC makes no format character out of others (Unicode 18); the filter keeps it so.
            for n in sequence.nfkc().filter(|&n| self.kind(n) != Kind::Format) {
                self.simplify(n, span, out);
            }
        }
    }

    /// Normalizes `text`, keeping the map back to it.
    pub fn normalize(&self, text: &str) -> Normalized {
        // 1. Drop format characters, 2. NFKC and 3. Traditional → Simplified, one combining sequence
        // at a time: NFKC composes a letter with the marks that follow it (`e` + U+0301 → `é`), so
        // only a whole sequence folds as it would in the whole text, and it still knows its source.
        // A format character is dropped before composing, so that it cannot split a sequence.
        let mut chars: Vec<(char, (u32, u32))> = Vec::with_capacity(text.len() / 2);
        let mut first: Option<(char, Kind)> = None;
        let mut rest: Vec<char> = Vec::new();
        let mut span = (0u32, 0u32);
        for (i, c) in text.char_indices() {
            let here = (i as u32, (i + c.len_utf8()) as u32);
            let kind = if c.is_ascii() || ('\u{4E00}'..='\u{9FFF}').contains(&c) { Kind::Stable } else { self.kind(c) };
            match kind {
                Kind::Format => {}
                Kind::Continues if first.is_some() => {
                    rest.push(c);
                    span.1 = here.1;
                }
                _ => {
                    if let Some(first) = first {
                        self.fold(first, &rest, span, &mut chars);
                        rest.clear();
                    }
                    first = Some((c, kind));
                    span = here;
                }
            }
        }
        if let Some(first) = first {
            self.fold(first, &rest, span, &mut chars);
        }
        // 4. Lowercase, and drop white space runs between two Han characters.
        let mut out = Normalized { text: String::with_capacity(text.len()), spans: Vec::with_capacity(chars.len()) };
        let mut i = 0;
        while i < chars.len() {
            let (c, span) = chars[i];
            if c.is_whitespace() {
                let run_end = chars[i..].iter().position(|(c, _)| !c.is_whitespace()).map_or(chars.len(), |k| i + k);
                let between_han = i > 0 && is_han(chars[i - 1].0) && run_end < chars.len() && is_han(chars[run_end].0);
                if !between_han {
                    for &(w, span) in &chars[i..run_end] {
                        out.push(w, span);
                    }
                }
                i = run_end;
                continue;
            }
            if c.is_uppercase() {
                for l in c.to_lowercase() {
                    out.push(l, span);
                }
            } else {
                out.push(c, span);
            }
            i += 1;
        }
        out
    }

    /// Just the normalized text.
    pub fn text(&self, text: &str) -> String {
        self.normalize(text).text
    }
}

/// Unicode's format characters (category Cf): direction marks and overrides (U+200E, U+202E),
/// zero-width spaces and joiners (U+200B–U+200D, U+2060, U+FEFF), the soft hyphen (U+00AD) and
/// the like. Invisible in the published text, so no query can be expected to type them.
fn is_format(c: char) -> bool {
    c.general_category() == GeneralCategory::Format
}

fn kind_of(c: char) -> Kind {
    if is_format(c) {
        Kind::Format
    } else if !starts_sequence(c) {
        Kind::Continues
    } else if is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes {
        Kind::Stable
    } else {
        Kind::Folds
    }
}

/// Whether NFKC of a text is that of the text before `c` followed by that of the text from `c` on:
/// `c` folds to a starter that composes with nothing before it.
fn starts_sequence(c: char) -> bool {
    if canonical_combining_class(c) != 0 {
        return false;
    }
    match is_nfkc_quick(std::iter::once(c)) {
        IsNormalized::Yes => true,
        IsNormalized::Maybe => false,
        IsNormalized::No => {
            // It folds to other characters: what counts is the first of them, which folds no further.
            let mut first = None;
            decompose_compatible(c, |d| {
                first.get_or_insert(d);
            });
            first.is_some_and(|d| d != c && starts_sequence(d))
        }
    }
}

impl Default for Normalizer {
    fn default() -> Self {
        Normalizer::new()
    }
}

impl Normalized {
    fn push(&mut self, c: char, (start, end): (u32, u32)) {
        self.spans.push((self.text.len() as u32, start, end));
        self.text.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_traditional_upper_case_and_spaced_names_normalize_alike() {
        let n = Normalizer::new();
        assert_eq!(n.text("２０２４ＧＤＰ"), "2024gdp");
        assert_eq!(n.text("人民代表大會"), "人民代表大会");
        assert_eq!(n.text("國務院總理　李　強"), "国务院总理李强");
        assert_eq!(n.text("GDP 增长 5%"), "gdp 增长 5%");
        assert_eq!(n.text("ａｂｃ　ｄｅｆ"), "abc def");
    }

    #[test]
    fn a_substring_normalizes_like_it_does_in_context() {
        let n = Normalizer::new();
        for (whole, part) in [("乾坤", "乾"), ("乾隆皇帝", "乾隆"), ("後來的發展", "發展"), ("頭髮", "髮")]
        {
            assert!(n.text(whole).contains(&n.text(part)), "{part} in {whole}");
        }
    }

    #[test]
    fn every_normalized_character_maps_back_to_its_original_bytes() {
        let n = Normalizer::new();
        let original = "　　國務院總理　李強：２０２４年ＧＤＰ";
        let norm = n.normalize(original);
        let at = norm.text.find("李强").unwrap();
        let (s, e) = norm.original(at, at + "李强".len());
        assert_eq!(&original[s..e], "李強");
        let at = norm.text.find("2024年gdp").unwrap();
        let (s, e) = norm.original(at, at + "2024年gdp".len());
        assert_eq!(&original[s..e], "２０２４年ＧＤＰ");
    }

    #[test]
    fn format_characters_are_dropped_and_a_match_across_one_maps_over_it() {
        let n = Normalizer::new();
        assert_eq!(n.text("\u{200F}人大\u{FEFF}代\u{200B}表\u{202E}"), "人大代表");
        assert_eq!(n.text("soft\u{AD}ware \u{2066}GDP\u{2069}"), "software gdp");
        assert_eq!(n.text("李\u{200D}　强"), "李强", "a dropped character leaves the white space between Han");
        assert_eq!(n.text("\u{200B}\u{2060}"), "");
        let original = "推进人\u{200B}大代表";
        let norm = n.normalize(original);
        let at = norm.text.find("人大").unwrap();
        let (s, e) = norm.original(at, at + "人大".len());
        assert_eq!(&original[s..e], "人\u{200B}大");
    }

    #[test]
    fn a_letter_and_its_combining_marks_fold_together_and_map_back_whole() {
        let n = Normalizer::new();
        assert_eq!(n.text("cafe\u{301}"), n.text("café"));
        assert_eq!(n.text("CAFE\u{301}"), "café");
        assert_eq!(n.text("e\u{200F}\u{301}"), "é", "a format character does not split a sequence");
        assert_eq!(n.text("a\u{323}\u{302}"), n.text("a\u{302}\u{323}"), "marks are put in canonical order");
        assert_eq!(n.text("ｶﾞｲﾄﾞ"), "ガイド");
        assert_eq!(n.text("\u{1100}\u{1161}\u{11A8}"), "각");
        let original = "Cafe\u{301} 合肥";
        let norm = n.normalize(original);
        let at = norm.text.find('é').unwrap();
        let (s, e) = norm.original(at, at + 'é'.len_utf8());
        assert_eq!(&original[s..e], "e\u{301}");
    }

    use proptest::prelude::*;

    /// One normalizer for every case: building one converts the whole BMP.
    fn shared() -> &'static Normalizer {
        static NORMALIZER: std::sync::OnceLock<Normalizer> = std::sync::OnceLock::new();
        NORMALIZER.get_or_init(Normalizer::new)
    }

    /// Letters, marks that compose with them or reorder, halfwidth kana and voiced marks, Hangul
    /// jamo, full-width and compatibility forms: what folds across characters.
    fn composing_text() -> impl Strategy<Value = String> {
        let pieces = "aeoAEÅÉéｶﾊﾞﾟＥ\u{212B}\u{301}\u{308}\u{323}\u{1100}\u{1161}\u{11A8}\u{3131}\u{314F}\u{FF9E}人,1";
        prop::collection::vec(prop::sample::select(pieces.chars().collect::<Vec<_>>()), 0..16)
            .prop_map(|chars| chars.into_iter().collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn a_text_folds_as_nfkc_of_the_whole_and_maps_to_char_boundaries(text in composing_text()) {
            let n = shared();
            let norm = n.normalize(&text);
            let whole: String =
                text.nfkc().flat_map(|c| c.to_lowercase().collect::<Vec<_>>()).collect();
            prop_assert_eq!(&norm.text, &whole);
            prop_assert_eq!(norm.spans.len(), norm.text.chars().count());
            for (&(offset, start, end), (at, _)) in norm.spans.iter().zip(norm.text.char_indices()) {
                prop_assert_eq!(offset as usize, at);
                prop_assert!(start < end && text.is_char_boundary(start as usize) && text.is_char_boundary(end as usize));
            }
        }

        #[test]
        fn format_characters_anywhere_change_nothing(text in composing_text(), at in prop::collection::vec((0usize..20, 0usize..4), 0..6)) {
            let n = shared();
            let mut marked: Vec<char> = text.chars().collect();
            for (i, k) in at {
                marked.insert(i.min(marked.len()), ['\u{200F}', '\u{202E}', '\u{FEFF}', '\u{AD}'][k]);
            }
            let marked: String = marked.into_iter().collect();
            prop_assert_eq!(n.text(&marked), n.text(&text));
        }
    }
}
