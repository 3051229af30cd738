//! The shapes this genre is published in parse into the structure a reader sees in them.

use crate::support::{
    assert_outlines, assert_same_text, bench_library, fixture, fixture_corpus, outline, parse_bytes, parse_path, root,
};

#[test]
fn the_seed_is_one_digest_of_four_speeches_with_their_numbered_sections() {
    let corpus = digestbot_corpus::load_dir(&fixture_corpus()).unwrap();
    assert!(corpus.problems.is_empty(), "{:?}", corpus.problems);
    assert_eq!(corpus.digests.len(), 1);
    let d = &corpus.digests[0];
    assert_eq!(d.title, "省委人大工作会议交流材料摘登");
    assert_eq!(d.editor.as_deref(), Some("郝倩淑"));
    assert_eq!(d.date, None, "the seed gives no year, so no date may be invented");
    assert_eq!(d.note.len(), 1);
    let speakers: Vec<_> = d.speeches.iter().map(|s| s.speaker_name().unwrap()).collect();
    assert_eq!(speakers, ["中共合肥市委", "六安市人大常委会", "宁国市人大常委会", "濉溪县刘桥镇人大"]);
    let numbered: Vec<usize> =
        d.speeches.iter().map(|s| s.sections.iter().filter(|c| c.heading.is_some()).count()).collect();
    assert_eq!(numbered, [4, 6, 4, 4]);
    for s in &d.speeches {
        assert!(s.sections[0].heading.is_none(), "every speech opens with an introduction");
    }
    let inline = &d.speeches[3].sections[1];
    assert_eq!(inline.heading.as_deref(), Some("一是坚持党的领导,把牢政治方向"));
    assert!(inline.passages[0].text().starts_with("一是坚持党的领导,把牢政治方向。镇党委"));
}

#[test]
fn each_published_shape_parses_to_its_expected_outline() {
    assert_outlines(&fixture("shapes"), outline, 5);
}

#[test]
fn crlf_bom_and_gb18030_files_parse_like_their_utf8_original() {
    let original = std::fs::read(fixture("shapes/report.txt")).unwrap();
    let text = String::from_utf8(original.clone()).unwrap();
    let (digest, problems) = parse_bytes("report.txt", &original);
    let expected = outline(&digest.unwrap(), &problems);

    let crlf_bom = [b"\xEF\xBB\xBF".as_slice(), text.replace('\n', "\r\n").as_bytes()].concat();
    let (gb, _, unmappable) = encoding_rs::GB18030.encode(&text);
    assert!(!unmappable);
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    for (what, bytes) in [("CRLF with BOM", crlf_bom), ("GB18030", gb.into_owned()), ("UTF-16LE", utf16)] {
        let (digest, problems) = parse_bytes("report.txt", &bytes);
        let digest = digest.unwrap_or_else(|| panic!("{what}: not loaded: {problems:?}"));
        assert_same_text(&outline(&digest, &problems), &expected, what);
        let first = &digest.speeches[0].sections[0].passages[1];
        assert_eq!(
            first.line.text, "　　现在，我代表国务院，向大会报告政府工作，请审议，并请全国政协委员提出意见。",
            "{what}"
        );
    }
}

#[test]
fn front_matter_overrides_and_adds_to_what_the_text_says() {
    let (digest, problems) = parse_path(&fixture("shapes/ordinal.txt"));
    let digest = digest.unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(digest.title, "县级人大工作座谈会发言摘登");
    assert_eq!(digest.title_line.as_ref().unwrap().text, "座谈会发言摘登", "the title line stays in the model");
    assert_eq!(digest.url.as_deref(), Some("https://example.org/digest/42"));
    assert_eq!(digest.title_line.as_ref().unwrap().no, 7, "line numbers count the front matter");
}

/// Every id of a corpus, in corpus order.
fn ids(corpus: &digestbot_corpus::Corpus) -> Vec<String> {
    let mut ids = Vec::new();
    for d in &corpus.digests {
        ids.push(d.id.clone());
        for s in &d.speeches {
            ids.push(s.id.clone());
            for c in &s.sections {
                ids.push(c.id.clone());
                ids.extend(c.passages.iter().map(|p| p.id.clone()));
            }
        }
    }
    ids
}

/// FNV-1a of the ids one a line: one number stands for a whole corpus's ids.
fn fingerprint(ids: &[String]) -> (usize, u64) {
    let hash =
        ids.join("\n").bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    (ids.len(), hash)
}

#[test]
fn ids_are_short_ascii_and_the_same_on_every_load() {
    let load = || digestbot_corpus::load_dir(&fixture_corpus()).unwrap();
    let first = ids(&load());
    assert_eq!(first, ids(&load()));
    let unique: std::collections::HashSet<_> = first.iter().collect();
    assert_eq!(unique.len(), first.len(), "ids are unique");
    for id in &first {
        assert!(id.len() <= 32 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{id}");
    }
}

#[test]
fn ids_already_shared_in_deep_links_never_change() {
    // Pinned when ids were first derived from text (they followed line numbers before): any change
    // here breaks links people have shared and the daily reading positions.
    let shipped = ids(&digestbot_corpus::load_dir(&root().join("corpus")).unwrap());
    assert_eq!(fingerprint(&shipped), (53, 0x628c_d1f8_010e_861a));
    for id in ["anhui-renda-huiyi_spv62kmzg", "anhui-renda-huiyi_cdqqbqag3", "anhui-renda-huiyi_p946vwwvn"] {
        assert!(shipped.contains(&id.to_string()), "{id}");
    }
    let shapes = ids(&digestbot_corpus::load_dir(&fixture("shapes")).unwrap());
    assert_eq!(fingerprint(&shapes), (90, 0xfc8e_58bb_11c5_bfc1));
    let Some(bench) = bench_library() else { return };
    assert_eq!(fingerprint(&ids(&bench.corpus)), (130_588, 0x76d7_3514_0cd3_f9c8));
}

#[test]
fn the_shipped_corpus_loads_without_problems() {
    let corpus = digestbot_corpus::load_dir(&root().join("corpus")).unwrap();
    assert!(!corpus.digests.is_empty());
    assert!(corpus.problems.is_empty(), "{:?}", corpus.problems);
}
