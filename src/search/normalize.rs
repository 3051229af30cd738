//! One normalization for index text and queries alike, so that what a person types matches what
//! was published however either was written: NFKC (full-width `２０２４ＧＤＰ` → `2024gdp`),
//! Traditional → Simplified, lowercase, and no white space between Han characters (`李　强` → `李强`).
//!
//! Display text is never changed; [`Normalized::spans`] maps every normalized character back to the
//! bytes of the original it came from, so matches found in normalized text can be highlighted in the
//! published one.

use std::collections::HashMap;

use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;
use unicode_normalization::UnicodeNormalization;

use super::chars::is_han;

/// The normalized text, and for each of its characters (by byte offset) the original byte range.
#[derive(Debug, Default, Clone)]
pub struct Normalized {
    pub text: String,
    /// `(normalized byte offset, original start, original end)` for each normalized character.
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
        Normalizer { t2s, simplified }
    }

    /// Appends the Simplified form of `c` to `out`, each character with `span`.
    fn simplify(&self, c: char, span: (u32, u32), out: &mut Vec<(char, (u32, u32))>) {
        if (c as u32) < 0x80 {
            out.push((c, span));
        } else if (c as u32) < 0x10000 {
            match self.simplified.get(&c) {
                Some(s) => out.extend(s.chars().map(|s| (s, span))),
                None => out.push((c, span)),
            }
        } else {
            // Outside the BMP (rare CJK extensions): ask OpenCC about this one character.
            let mut buf = [0u8; 4];
            out.extend(self.t2s.convert(c.encode_utf8(&mut buf)).chars().map(|s| (s, span)));
        }
    }

    /// Normalizes `text`, keeping the map back to it.
    pub fn normalize(&self, text: &str) -> Normalized {
        // 1. NFKC and 2. Traditional → Simplified, a character at a time so each output character
        // knows its source.
        let mut chars: Vec<(char, (u32, u32))> = Vec::with_capacity(text.len() / 2);
        for (i, c) in text.char_indices() {
            let span = (i as u32, (i + c.len_utf8()) as u32);
            if c.is_ascii() || ('\u{4E00}'..='\u{9FFF}').contains(&c) {
                self.simplify(c, span, &mut chars);
            } else {
                for n in std::iter::once(c).nfkc() {
                    self.simplify(n, span, &mut chars);
                }
            }
        }
        // 3. Lowercase, and drop white space runs between two Han characters.
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
}
