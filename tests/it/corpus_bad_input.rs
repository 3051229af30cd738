//! Bad files get a clear problem at `file:line`, never a panic, and cost nothing but themselves.

use digestbot_corpus::{Severity, load_dir};

use crate::support::fixture_corpus;

/// A corpus of the seed plus one bad file; returns the problems reported for the bad file.
fn problems_for(name: &str, bytes: &[u8]) -> Vec<(u32, Severity, String)> {
    let dir = tempfile::tempdir().unwrap();
    let seed = std::fs::read_dir(fixture_corpus()).unwrap().next().unwrap().unwrap().path();
    std::fs::copy(&seed, dir.path().join("seed.txt")).unwrap();
    std::fs::write(dir.path().join(name), bytes).unwrap();
    let corpus = load_dir(dir.path()).unwrap();
    let seed = corpus.digests.iter().find(|d| d.file == "seed.txt").expect("the good file still loads");
    assert_eq!(seed.speeches.len(), 4);
    corpus
        .problems
        .iter()
        .map(|p| {
            assert_eq!(p.file, name);
            assert_eq!(
                p.to_string(),
                format!("{name}:{}: {}: {}", p.line, format!("{:?}", p.severity).to_lowercase(), p.message)
            );
            (p.line, p.severity, p.message.clone())
        })
        .collect()
}

fn one_error(name: &str, bytes: &[u8], line: u32, words: &str) {
    let problems = problems_for(name, bytes);
    assert!(
        problems.iter().any(|(l, s, m)| *l == line && *s == Severity::Error && m.contains(words)),
        "{name}: expected an error at line {line} saying {words:?}, got {problems:?}"
    );
}

#[test]
fn an_empty_file_is_reported_as_empty() {
    one_error("empty.txt", b"", 0, "empty");
    one_error("blank.txt", "\n  \n\u{3000}\n".as_bytes(), 0, "empty");
}

#[test]
fn a_binary_file_is_reported_as_binary() {
    one_error("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", 0, "binary");
    let controls: Vec<u8> = (0..400u32).map(|i| (i % 8) as u8 + 1).collect();
    one_error("controls.txt", &controls, 0, "binary");
}

#[test]
fn a_file_with_only_a_title_has_no_speeches() {
    one_error("title.txt", "省委人大工作会议交流材料摘登\n".as_bytes(), 1, "no speeches");
}

#[test]
fn a_speech_without_speaker_loads_with_a_warning() {
    let problems =
        problems_for("nospeaker.txt", "摘登\n坚持“四个强化”人大大有作为\n上次会议以来，市委深入学习。\n".as_bytes());
    assert!(
        problems.iter().any(|(l, s, m)| *l == 2 && *s == Severity::Warning && m.contains("no speaker")),
        "{problems:?}"
    );
}

#[test]
fn a_ten_megabyte_line_is_refused_without_quoting_it() {
    let line = "人".repeat(10 * 1024 * 1024 / 3);
    let problems = problems_for("huge.txt", line.as_bytes());
    assert_eq!(problems.len(), 1, "{:?}", problems.iter().map(|p| &p.2).collect::<Vec<_>>());
    let (l, s, m) = &problems[0];
    assert_eq!((*l, *s), (1, Severity::Error));
    assert!(m.contains("bytes long") && m.len() < 200, "{m}");
}

#[test]
fn bytes_that_are_neither_utf8_nor_gb18030_are_reported_with_their_line() {
    one_error("latin.txt", b"title\nok line\n\xff\xfe\xfd broken\n", 3, "neither UTF-8 nor GB18030");
}

#[test]
fn a_utf8_file_with_one_broken_byte_loads_and_says_where() {
    let seed = std::fs::read(std::fs::read_dir(fixture_corpus()).unwrap().next().unwrap().unwrap().path()).unwrap();
    let mut broken = seed.clone();
    let at = broken.iter().position(|&b| b == b'\n').unwrap() + 1; // first byte of line 2
    broken[at] = 0xff;
    let problems = problems_for("broken.txt", &broken);
    assert!(
        problems.iter().any(|(l, s, m)| *l == 2 && *s == Severity::Error && m.contains("invalid UTF-8")),
        "{problems:?}"
    );
}

#[test]
fn broken_front_matter_is_reported_and_the_text_still_loads_when_it_can() {
    one_error("unclosed.txt", "+++\ntitle = \"x\"\n标题\n".as_bytes(), 1, "never closed");
    let bad_toml = "+++\ntitle = \"x\ndate = 2024-13-01\n+++\n标题\n发言标题\n中共合肥市委\n正文。\n";
    one_error("toml.txt", bad_toml.as_bytes(), 2, "not valid TOML");
    let bad_date = "+++\ntitle = \"x\"\ndate = \"2024年3月\"\n+++\n标题\n发言标题\n中共合肥市委\n正文。\n";
    one_error("date.txt", bad_date.as_bytes(), 3, "`date` must be a date");
}

#[test]
fn a_missing_corpus_directory_is_an_error_not_an_empty_corpus() {
    let err = load_dir(std::path::Path::new("/nonexistent/digests")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot read the corpus directory /nonexistent/digests: No such file or directory (os error 2)"
    );
    let file = tempfile::NamedTempFile::new().unwrap();
    let err = load_dir(file.path()).unwrap_err();
    assert!(err.to_string().ends_with("Not a directory (os error 20)"), "{err}");
}

#[test]
fn an_unreadable_folder_inside_the_corpus_is_a_problem_and_the_rest_still_loads() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let seed = std::fs::read_dir(fixture_corpus()).unwrap().next().unwrap().unwrap().path();
    std::fs::copy(&seed, dir.path().join("seed.txt")).unwrap();
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read_dir(&locked).is_ok() {
        eprintln!("skipped: running as root, every folder is readable");
        return;
    }
    let corpus = load_dir(dir.path()).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(corpus.digests.len(), 1);
    assert_eq!(corpus.problems.len(), 1);
    assert!(corpus.problems[0].to_string().starts_with("locked:0: error: is a folder that cannot be read"));
}

#[test]
fn gb18030_decoding_errors_point_at_the_line_of_the_bad_bytes() {
    let (text, _, _) = encoding_rs::GB18030.encode("省委人大工作会议交流材料摘登\n坚持人大\n中共合肥市委\n正文。\n");
    let mut bytes = text.into_owned();
    bytes.extend_from_slice(b"\xff\xff broken\n");
    one_error("gbk.txt", &bytes, 5, "neither UTF-8 nor GB18030");
}
