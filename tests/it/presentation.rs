//! The wording of the bot lives in its wording files: the core's `text.rs` (with the corpus naming
//! in `naming.rs`), one `text.rs` beside each service (`daily/`, `admin/`, `research/`, `watch/`), and the binary's
//! `src/text.rs`. Elsewhere, only the parser's line markers (`crates/corpus/`) and the normalizer's
//! tables may hold Chinese text; tests may too.

use std::path::{Path, PathBuf};

use crate::support::root;

/// The wording files.
const WORDING: &[&str] = &[
    "src/text.rs",
    "crates/core/src/text.rs",
    "crates/core/src/naming.rs",
    "crates/core/src/daily/text.rs",
    "crates/core/src/admin/text.rs",
    "crates/core/src/research/text.rs",
    "crates/core/src/watch/text.rs",
];

/// Where Chinese text may be written outside the wording files, and why.
const ALLOWED: &[&str] = &[
    // The genre's own markers: 编者按, 一、, （一）, 来源：…
    "crates/corpus/",
    // Traditional → Simplified tables and their notes, the stopword list, and the test data of
    // verifying and trends: the search floor says nothing to users.
    "crates/search/src/",
    // Test data: users and groups as Telegram describes them, for tests and benches only.
    "crates/testkit/",
    // The export crate's tests: terms to chart and rows to write, not wording.
    "crates/export/src/chart_tests.rs",
    "crates/export/src/xlsx_tests.rs",
    "crates/export/src/csv.rs",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{2ffff}')
}

/// The string and character literals of Rust source before its `#[cfg(test)]` module, with their
/// line numbers; comments are skipped. A small lexer: enough for this crate's code.
fn literals(source: &str) -> Vec<(usize, String)> {
    let code = source.split("#[cfg(test)]").next().unwrap_or("");
    let chars: Vec<char> = code.chars().collect();
    let (mut out, mut line, mut i) = (Vec::new(), 1, 0);
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
        }
        if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        let raw_hashes = (c == 'r')
            .then(|| chars[i + 1..].iter().take_while(|&&h| h == '#').count())
            .filter(|&n| chars.get(i + 1 + n) == Some(&'"') && (i == 0 || !chars[i - 1].is_alphanumeric()));
        if let Some(hashes) = raw_hashes {
            let close: String = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
            let start = i + 2 + hashes;
            let rest: String = chars[start..].iter().collect();
            let end = rest.find(&close).unwrap_or(rest.len());
            let literal: String = rest[..end].to_string();
            line += literal.matches('\n').count();
            i = start + literal.chars().count() + close.chars().count();
            out.push((line, literal));
            continue;
        }
        if c == '"' {
            let mut literal = String::new();
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    literal.push(chars[i]);
                    i += 1;
                }
                if chars[i] == '\n' {
                    line += 1;
                }
                literal.push(chars[i]);
                i += 1;
            }
            out.push((line, literal));
        } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
            out.push((line, chars[i + 1].to_string()));
            i += 2;
        }
        i += 1;
    }
    out
}

#[test]
fn the_lexer_finds_literals_and_skips_comments() {
    let source = "// 注释 \"不是\"\nlet a = \"甲\"; let b = '乙'; let c = r#\"丙\"#; // \"丁\"\n#[cfg(test)]\n\"戊\"";
    let found: Vec<String> = literals(source).into_iter().map(|(_, l)| l).collect();
    assert_eq!(found, ["甲", "乙", "丙"]);
}

#[test]
fn no_user_facing_text_lives_outside_the_wording_files() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    rust_files(&root().join("crates"), &mut files);
    assert!(files.iter().any(|f| f.ends_with("crates/corpus/src/lib.rs")), "the crates are scanned too");
    for wording in WORDING {
        assert!(root().join(wording).is_file(), "{wording} is a wording file that is not there");
    }
    let mut found = Vec::new();
    for path in files {
        let relative = path.strip_prefix(root()).unwrap().to_string_lossy().replace('\\', "/");
        if WORDING.contains(&relative.as_str()) || ALLOWED.iter().any(|allowed| relative.starts_with(allowed)) {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        for (line, literal) in literals(&source) {
            if literal.chars().any(is_han) {
                found.push(format!("{relative}:{line}: {literal:?}"));
            }
        }
    }
    assert!(found.is_empty(), "user-facing text outside the wording files:\n{}", found.join("\n"));
}
