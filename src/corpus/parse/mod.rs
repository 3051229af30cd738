//! Parsing one digest file into the model.
//!
//! Structure is inferred from the layout the genre is published in (see the README); where that
//! cannot decide, a few line prefixes make it explicit. Every non-blank line ends up in exactly one
//! place of the model, text unchanged, and nothing here panics on any input.

mod digest;
mod front_matter;
mod furniture;
mod markup;
mod openings;
mod sections;
mod speeches;

use super::decode::decode;
use super::model::{Digest, Problem, Severity, trim};

/// Longer lines are not paragraphs: the file is most likely not a digest.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Line numbers below this are written in decimal: 8 digits at most, so that an id stays within
/// `MAX_DIGEST_ID` + 10 = 32 characters. Ids already shared in deep links are all of this form.
const DECIMAL_LINES: u32 = 100_000_000;

/// The id of a speech (`kind` `s`), section (`c`) or passage (`p`) of digest `digest_id` that
/// starts on line `line`: `anhui-renda-huiyi_p47`. From line 10⁸ on, which only a file of over
/// 95 MB can reach, the number is `x` and base 36 (`_px1njchs`): at most 8 characters for any `u32`.
pub fn element_id(digest_id: &str, kind: char, line: u32) -> String {
    if line < DECIMAL_LINES {
        format!("{digest_id}_{kind}{line}")
    } else {
        format!("{digest_id}_{kind}x{}", base36(line))
    }
}

fn base36(mut n: u32) -> String {
    let mut digits = Vec::new();
    while n > 0 {
        digits.push(char::from_digit(n % 36, 36).unwrap_or('0'));
        n /= 36;
    }
    digits.iter().rev().collect()
}

/// Whether `suffix` (what follows the last `_`) reads like the end of an element id: `p47`, or
/// exactly what `element_id` writes for a line from 10⁸ on (`px1njchs`), so that no other name
/// than those changes its id.
pub fn is_element_suffix(suffix: &str) -> bool {
    let Some(number) = suffix.strip_prefix(['s', 'c', 'p']) else { return false };
    match number.strip_prefix('x') {
        Some(digits) => u32::from_str_radix(digits, 36).is_ok_and(|n| n >= DECIMAL_LINES && base36(n) == digits),
        None => !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()),
    }
}

/// What parsing one file produced: the digest (unless the file could not be read as text at all)
/// and the problems found on the way.
pub struct Parsed {
    pub digest: Option<Digest>,
    pub problems: Vec<Problem>,
}

/// The problems found in one file, in the order they were found.
struct ProblemLog<'a> {
    file: &'a str,
    problems: Vec<Problem>,
}

impl ProblemLog<'_> {
    fn add(&mut self, line: u32, severity: Severity, message: impl Into<String>) {
        self.problems.push(Problem { file: self.file.to_string(), line, severity, message: message.into() });
    }
}

/// Parses one file. `file` is its path relative to the corpus directory; `id` the digest id the
/// loader chose for it.
pub fn parse(file: &str, id: &str, bytes: &[u8]) -> Parsed {
    let mut log = ProblemLog { file, problems: Vec::new() };
    let digest = parse_in(&mut log, id, bytes);
    Parsed { digest, problems: log.problems }
}

fn parse_in(log: &mut ProblemLog<'_>, id: &str, bytes: &[u8]) -> Option<Digest> {
    let decoded = match decode(bytes) {
        Ok(decoded) => decoded,
        Err(e) => {
            log.add(e.line, Severity::Error, e.message);
            return None;
        }
    };
    if let Some((line, count)) = decoded.replaced {
        log.add(
            line,
            Severity::Error,
            format!("invalid UTF-8 ({count} place(s) in the file, the first on this line); shown as � until the file is fixed"),
        );
    }
    let text: &str = &decoded.text;
    if trim(text).is_empty() {
        log.add(0, Severity::Error, "is empty");
        return None;
    }
    let lines = numbered_lines(log, text)?;
    let (front_matter, body_start) = front_matter::read(log, &lines)?;
    let source = markup::source_lines(&lines[body_start..]);
    if source.is_empty() {
        log.add(0, Severity::Error, "has front matter but no text");
        return None;
    }
    Some(digest::build(log, id, decoded.encoding, front_matter, &source))
}

/// The file's lines with their 1-based numbers, line terminators dropped; None (with the problem
/// logged) when a line is too long to be a paragraph.
fn numbered_lines<'a>(log: &mut ProblemLog<'_>, text: &'a str) -> Option<Vec<(u32, &'a str)>> {
    let mut lines = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if raw.len() > MAX_LINE_BYTES {
            log.add(
                no,
                Severity::Error,
                format!(
                    "line is {} bytes long, more than a paragraph can be ({MAX_LINE_BYTES}); file not loaded",
                    raw.len()
                ),
            );
            return None;
        }
        lines.push((no, raw));
    }
    Some(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{LARGEST_MAX_FILE_MB, MAX_DIGEST_ID};

    #[test]
    fn element_ids_of_ordinary_files_are_the_decimal_line_number() {
        assert_eq!(element_id("anhui-renda-huiyi", 'p', 47), "anhui-renda-huiyi_p47");
        assert_eq!(element_id("a", 's', 1), "a_s1");
        assert_eq!(element_id("a", 'c', 99_999_999), "a_c99999999");
    }

    #[test]
    fn element_ids_of_very_long_files_are_distinct_and_read_as_element_ids() {
        assert_eq!(element_id("a", 'p', 100_000_000), "a_px1njchs");
        assert_eq!(element_id("a", 'p', u32::MAX), "a_px1z141z3");
        let ids: std::collections::HashSet<_> =
            (99_999_990..100_000_010).chain(u32::MAX - 10..=u32::MAX).map(|n| element_id("a", 'p', n)).collect();
        assert_eq!(ids.len(), 31);
        for id in &ids {
            assert!(is_element_suffix(id.rsplit_once('_').unwrap().1), "{id}");
        }
        for other in
            ["x", "p", "px", "pp", "px1", "pxinhua", "pxabc", "pX1NJCHS", "px+1njchs", "px01njchs", "px1z141z4"]
        {
            assert!(!is_element_suffix(other), "{other}");
        }
    }

    #[test]
    fn element_ids_stay_within_32_characters_up_to_the_last_line_a_file_can_have() {
        let longest = "a".repeat(MAX_DIGEST_ID);
        let last_line = u32::try_from(u64::from(LARGEST_MAX_FILE_MB) * 1024 * 1024 + 1).unwrap();
        for line in [99_999_999, 100_000_000, 100_000_004, last_line, u32::MAX] {
            for kind in ['s', 'c', 'p'] {
                let id = element_id(&longest, kind, line);
                assert!(id.len() <= 32 && id.is_ascii(), "{id} is {} characters", id.len());
            }
        }
    }
}
