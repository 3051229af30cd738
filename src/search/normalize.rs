//! One normalization for index text and queries alike, so that what a person types matches what
//! was published however either was written: NFKC (full-width `２０２４ＧＤＰ` → `2024gdp`),
//! Traditional → Simplified, lowercase, and no white space between Han characters (`李　强` → `李强`).
//!
//! Display text is never changed; [`Normalized::spans`] maps every normalized character back to the
//! bytes of the original it came from, so matches found in normalized text can be highlighted in the
//! published one.

use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;
use unicode_normalization::UnicodeNormalization;

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
    /// One bit per Basic Multilingual Plane character: set when T2S converts that character. Text
    /// with none of them (most Simplified text) skips the phrase-aware conversion, which is the
    /// slowest step of normalizing.
    converts: Vec<u64>,
}

impl std::fmt::Debug for Normalizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Normalizer")
    }
}

/// Han characters, the ones white space between is dropped.
pub fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{20000}'..='\u{2FFFF}' | '\u{F900}'..='\u{FAFF}' | '〇')
}

impl Normalizer {
    pub fn new() -> Normalizer {
        // The conversion tables are compiled into the binary; failing to load them is a build defect.
        let t2s = OpenCC::from_config(BuiltinConfig::T2s).expect("embedded OpenCC t2s tables load");
        // Convert every BMP character once, one a line so no phrase spans two, and note which change.
        let all: Vec<char> = (0x80u32..0x10000).filter_map(char::from_u32).filter(|&c| c != '\n').collect();
        let joined: String = all.iter().flat_map(|&c| [c, '\n']).collect();
        let converted = t2s.convert(&joined);
        let mut converts = vec![0u64; 0x10000 / 64];
        let mut mark = |c: char| converts[c as usize / 64] |= 1 << (c as usize % 64);
        let lines: Vec<&str> = converted.split('\n').collect();
        if lines.len() == all.len() + 1 {
            for (&c, line) in all.iter().zip(&lines) {
                let mut buf = [0u8; 4];
                if *line != c.encode_utf8(&mut buf) {
                    mark(c);
                }
            }
        } else {
            // Never seen; if conversion ever joins lines, convert everything non-ASCII.
            all.iter().for_each(|&c| mark(c));
        }
        Normalizer { t2s, converts }
    }

    /// Whether Traditional → Simplified may change `c`.
    fn may_convert(&self, c: char) -> bool {
        let i = c as usize;
        i >= 0x10000 || self.converts[i / 64] & (1 << (i % 64)) != 0
    }

    /// Normalizes `text`, keeping the map back to it.
    pub fn normalize(&self, text: &str) -> Normalized {
        // 1. NFKC, a character at a time so each output character knows its source.
        let mut nfkc = String::with_capacity(text.len());
        let mut spans: Vec<(u32, u32)> = Vec::with_capacity(text.len() / 2);
        for (i, c) in text.char_indices() {
            let span = (i as u32, (i + c.len_utf8()) as u32);
            if c.is_ascii() || ('\u{4E00}'..='\u{9FFF}').contains(&c) {
                nfkc.push(c);
                spans.push(span);
            } else {
                for n in std::iter::once(c).nfkc() {
                    nfkc.push(n);
                    spans.push(span);
                }
            }
        }
        // 2. Traditional → Simplified, phrase-aware over the whole text. The tables map characters
        // one to one in practice; where a conversion changes the length, fall back to converting a
        // character at a time so the map stays exact.
        let simplified = nfkc.chars().any(|c| self.may_convert(c)).then(|| self.t2s.convert(&nfkc));
        let (chars, spans): (Vec<char>, Vec<(u32, u32)>) = match simplified {
            Some(s) if s.chars().count() == spans.len() => (s.chars().collect(), spans),
            Some(_) => {
                let mut chars = Vec::with_capacity(spans.len());
                let mut out_spans = Vec::with_capacity(spans.len());
                for (c, span) in nfkc.chars().zip(spans) {
                    let mut buf = [0u8; 4];
                    for s in self.t2s.convert(c.encode_utf8(&mut buf)).chars() {
                        chars.push(s);
                        out_spans.push(span);
                    }
                }
                (chars, out_spans)
            }
            None => (nfkc.chars().collect(), spans),
        };
        // 3. Lowercase, and drop white space runs between two Han characters.
        let mut out = Normalized { text: String::with_capacity(nfkc.len()), spans: Vec::with_capacity(chars.len()) };
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c.is_whitespace() {
                let run_end = chars[i..].iter().position(|c| !c.is_whitespace()).map_or(chars.len(), |k| i + k);
                let between_han = i > 0 && is_han(chars[i - 1]) && run_end < chars.len() && is_han(chars[run_end]);
                if !between_han {
                    for k in i..run_end {
                        out.push(chars[k], spans[k]);
                    }
                }
                i = run_end;
                continue;
            }
            if c.is_uppercase() {
                for l in c.to_lowercase() {
                    out.push(l, spans[i]);
                }
            } else {
                out.push(c, spans[i]);
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
