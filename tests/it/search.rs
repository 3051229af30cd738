//! Search finds every passage that contains what was typed, ranks whole words first, and answers
//! bad input clearly.

use std::collections::BTreeSet;

use digestbot_search::library::{Library, SearchError};
use digestbot_search::{QueryError, words};

use crate::support::{analyzer, bench_library, fixture_library};

/// A passage as the truth sees it: id, normalized text, context, speaker and speech title.
type Normal = (String, String, String, String, String);

/// Every passage id, in corpus order, with the normalized text and context a query must be in.
/// Normalizing a large corpus takes a while in a debug build: each corpus is normalized once.
fn passages(library: &Library) -> &'static [Normal] {
    static CACHE: std::sync::Mutex<Vec<(usize, &'static [Normal])>> = std::sync::Mutex::new(Vec::new());
    let key = library as *const Library as usize;
    let mut cache = CACHE.lock().unwrap();
    if let Some((_, normal)) = cache.iter().find(|(k, _)| *k == key) {
        return normal;
    }
    let normal: &'static [Normal] = Box::leak(normalize_all(library).into_boxed_slice());
    cache.push((key, normal));
    normal
}

fn normalize_all(library: &Library) -> Vec<Normal> {
    let n = &analyzer().normalizer;
    let mut out = Vec::new();
    for d in &library.corpus.digests {
        for s in &d.speeches {
            let speaker = s.speaker_name().unwrap_or("");
            for c in &s.sections {
                let context = [s.title.as_str(), speaker, c.heading.as_deref().unwrap_or("")].map(|part| n.text(part));
                for p in &c.passages {
                    out.push((
                        p.id.clone(),
                        n.text(p.text()),
                        context.join("\u{1}"),
                        n.text(speaker),
                        n.text(&s.title),
                    ));
                }
            }
        }
    }
    out
}

/// The substring truth: passages whose normalized text (or speech title, speaker, heading)
/// contains every term, from speeches a `@` filter keeps.
fn truth(library: &Library, raw: &str) -> BTreeSet<String> {
    let q = digestbot_search::parse_query(&analyzer().normalizer, raw).unwrap();
    passages(library)
        .iter()
        .filter(|(_, text, context, speaker, title)| {
            q.terms.iter().all(|t| text.contains(t.as_str()) || context.contains(t.as_str()))
                && (q.speakers.is_empty()
                    || q.speakers.iter().any(|s| speaker.contains(s.as_str()) || title.contains(s.as_str())))
        })
        .map(|(id, ..)| id.clone())
        .collect()
}

fn found(library: &Library, raw: &str) -> (usize, Vec<String>) {
    let results = library.search(raw, 0, 100_000).unwrap_or_else(|e| panic!("{raw}: {e:?}"));
    let ids = results.hits.iter().map(|h| h.loc.resolve(&library.corpus).unwrap().passage.id.clone()).collect();
    (results.total, ids)
}

fn assert_recall(library: &Library, queries: &[&str]) {
    for raw in queries {
        let expected = truth(library, raw);
        let (total, ids) = found(library, raw);
        let got: BTreeSet<String> = ids.iter().cloned().collect();
        assert_eq!(got.len(), ids.len(), "{raw}: a passage is listed twice");
        assert_eq!(total, ids.len(), "{raw}: the total is not the number of hits");
        let missed: Vec<_> = expected.difference(&got).take(3).collect();
        let extra: Vec<_> = got.difference(&expected).take(3).collect();
        assert!(missed.is_empty() && extra.is_empty(), "{raw}: missed {missed:?}, extra {extra:?}");
    }
}

#[test]
fn every_seed_passage_containing_the_query_is_found_and_nothing_else() {
    let library = fixture_library();
    assert_recall(
        library,
        &[
            "人大代表",
            "人民代表大会",
            "代表大会",
            "人民代表",
            "合肥",
            "预算",
            "习近平",
            "郝倩淑",
            "一线",
            "税",
            "法",
            "人",
            "3129户",
            "228名",
            "2.5",
            "人大 代表",
            "人大　监督 代表",
            "\"四个强化\"",
            "@合肥 人大",
            "@刘桥镇",
            "大有作为",
            "“四新”",
            "立法工作",
        ],
    );
    assert_eq!(found(library, "人大代表").0, 7);
    assert!(
        found(library, "合肥").1.len() > truth(library, "合肥").len() / 2,
        "the Hefei speech is found by its speaker"
    );
}

#[test]
fn every_bench_corpus_passage_containing_the_query_is_found_and_nothing_else() {
    let Some(library) = bench_library() else { return };
    assert_recall(
        library,
        &[
            "人民代表",
            "代表大会",
            "湾区",
            "碳中和",
            "税",
            "2024年",
            "习近平",
            "李强",
            "王毅",
            "人大代表",
            "预算",
            "乡村振兴",
            "高质量发展",
            "5%",
            "2.5%",
            "gdp",
            "5G",
            "人大 代表",
            "长江 生态 保护",
            "中国式现代化",
            "冬奥",
            "@央视 长江",
            "粤港澳大湾区",
            "新质生产力",
        ],
    );
    let (total, _) = found(library, "人民代表");
    assert!(total >= 300, "人民代表 inside 全国人民代表大会 must be found: {total}");
}

#[test]
fn traditional_and_full_width_forms_find_the_same_passages() {
    let libraries: Vec<&Library> = [Some(fixture_library()), bench_library()].into_iter().flatten().collect();
    for library in libraries {
        for (variant, plain) in [
            ("人民代表大會", "人民代表大会"),
            ("人大代錶", "人大代表"),
            ("２０２４年", "2024年"),
            ("ＧＤＰ", "gdp"),
            ("國務院", "国务院"),
            ("監督", "监督"),
            ("合肥　市委", "合肥 市委"),
        ] {
            assert_eq!(found(library, variant).1, found(library, plain).1, "{variant} vs {plain}");
        }
    }
    assert!(!found(fixture_library(), "監督").1.is_empty());
}

/// Whether the passage holds every jieba word of the query as a word of its own (search mode).
fn whole_word(library: &Library, id: &str, raw: &str) -> bool {
    let a = analyzer();
    let p = passages(library).iter().find(|p| p.0 == id).unwrap();
    let passage_words = words(&a.jieba, &p.1);
    let term = a.normalizer.text(raw);
    a.jieba
        .cut(&term, false)
        .iter()
        .filter(|w| digestbot_search::is_word(w.word))
        .all(|w| passage_words.contains(&w.word))
}

#[test]
fn passages_with_the_query_as_a_whole_word_rank_first() {
    let library = fixture_library();
    for raw in ["人大", "代表", "监督", "立法", "人民"] {
        let (_, ids) = found(library, raw);
        let flags: Vec<bool> = ids.iter().map(|id| whole_word(library, id, raw)).collect();
        assert!(
            flags.windows(2).all(|w| w[0] || !w[1]),
            "{raw}: a whole-word match ranks after a partial one: {flags:?}"
        );
        assert!(flags.contains(&true) || raw == "人民", "{raw}: no whole-word match at all");
    }
    if let Some(library) = bench_library() {
        for raw in ["代表大会", "湾区", "人民代表", "碳中和"] {
            let (_, ids) = found(library, raw);
            let flags: Vec<bool> = ids.iter().map(|id| whole_word(library, id, raw)).collect();
            let first_partial = flags.iter().position(|f| !f).unwrap_or(flags.len());
            assert!(flags[first_partial..].iter().all(|f| !f), "{raw}: whole-word match after a partial one");
        }
    }
}

#[test]
fn equal_scores_keep_corpus_order_and_pages_join_up() {
    let library = fixture_library();
    let (_, ids) = found(library, "@人大");
    let order: Vec<String> = passages(library).iter().map(|p| p.0.clone()).filter(|id| ids.contains(id)).collect();
    assert_eq!(ids, order, "a filter alone scores everything alike: corpus order");
    let (_, all) = found(library, "人大");
    let mut paged = Vec::new();
    for page in 0..all.len().div_ceil(5) {
        let results = library.search("人大", page * 5, 5).unwrap();
        paged.extend(results.hits.iter().map(|h| h.loc.resolve(&library.corpus).unwrap().passage.id.clone()));
    }
    assert_eq!(paged, all);
}

#[test]
fn snippets_show_the_match_highlighted_in_the_published_text() {
    let library = fixture_library();
    let results = library.search("人大代表 票决", 0, 10).unwrap();
    assert_eq!(results.total, 1);
    let s = &results.hits[0].snippet;
    assert!(s.text.chars().count() <= digestbot_search::SNIPPET_CHARS + 2);
    let marked: Vec<&str> = s.highlights.iter().map(|&(a, b)| &s.text[a..b]).collect();
    assert_eq!(marked, ["人大代表票决"], "adjacent matches merge");
    let results = library.search("人大代表", 0, 10).unwrap();
    for hit in &results.hits {
        let marked: Vec<&str> = hit.snippet.highlights.iter().map(|&(a, b)| &hit.snippet.text[a..b]).collect();
        assert!(!marked.is_empty() && marked.iter().all(|m| *m == "人大代表"), "{marked:?}");
    }
}

#[test]
fn bad_queries_get_a_clear_answer_and_never_a_panic() {
    let library = fixture_library();
    let error = |raw: &str| match library.search(raw, 0, 10) {
        Err(SearchError::Query(e)) => Some(e),
        Ok(_) => None,
        Err(e) => panic!("{raw}: {e:?}"),
    };
    assert_eq!(error(""), Some(QueryError::Empty));
    assert_eq!(error("   "), Some(QueryError::Empty));
    assert_eq!(error("。，！？…… ——"), Some(QueryError::NoWords));
    assert_eq!(error("😀🎉"), Some(QueryError::NoWords));
    assert!(matches!(error(&"人".repeat(10_000)), Some(QueryError::TooLong { .. })));
    // Query syntax of other engines is text: each of these finds what its words find.
    for (raw, words) in [
        ("\"人大", "人大"),
        ("人大\"", "人大"),
        ("人大:代表", "人大 代表"),
        ("(人大 代表)", "人大 代表"),
        ("人大*代表~", "人大 代表"),
        ("人大^监督", "人大 监督"),
        ("人大 -", "人大"),
    ] {
        let (total, ids) = found(library, raw);
        assert!(total > 0, "{raw}");
        assert_eq!((total, ids), found(library, words), "{raw}");
    }
    assert_eq!(found(library, "title:人大 AND (代表 OR *)"), found(library, "title 人大 and 代表 or"));
    for raw in ["\\", "{[(", "*"] {
        assert_eq!(error(raw), Some(QueryError::NoWords), "{raw}");
    }
    assert_eq!(found(library, "\"人大代表").1, found(library, "人大代表").1, "an unbalanced quote is text");
    assert_eq!(found(library, "(人大代表)").0, 7);
    assert!(digestbot_core::text::query_error(&QueryError::NoWords).contains("标点"));
}

#[test]
fn a_page_far_past_the_end_is_empty_and_costs_nothing() {
    let library = fixture_library();
    let results = library.search("人大", usize::MAX / 2, 10).unwrap();
    assert!(results.total > 10 && results.hits.is_empty());
    let results = library.search("人大", 3, usize::MAX).unwrap();
    assert_eq!(results.hits.len(), results.total - 3);
}

/// A one-speech digest in a temporary directory, one passage a line, indexed.
fn library_of(passages: &[&str]) -> (tempfile::TempDir, Library) {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("座谈会发言摘登\n做好新时代人大工作\n中共某市委\n{}\n", passages.join("\n"));
    std::fs::write(dir.path().join("digest.txt"), text).unwrap();
    let library = Library::load(dir.path(), analyzer()).unwrap();
    (dir, library)
}

/// The highlighted parts of each hit's snippet, hits in rank order.
fn marked(library: &Library, raw: &str) -> Vec<Vec<String>> {
    let results = library.search(raw, 0, 100).unwrap();
    results
        .hits
        .iter()
        .map(|h| h.snippet.highlights.iter().map(|&(a, b)| h.snippet.text[a..b].to_string()).collect())
        .collect()
}

#[test]
fn invisible_format_characters_in_a_query_find_what_the_plain_term_finds() {
    let library = fixture_library();
    for plain in ["人大", "人大代表", "预算", "习近平"] {
        let (total, ids) = found(library, plain);
        assert!(total > 0, "{plain}");
        let (first, rest) = plain.split_at(plain.chars().next().unwrap().len_utf8());
        for mark in ['\u{200F}', '\u{202E}', '\u{FEFF}', '\u{200B}', '\u{00AD}', '\u{2060}'] {
            for variant in [format!("{mark}{plain}"), format!("{plain}{mark}"), format!("{first}{mark}{rest}")] {
                assert_eq!(found(library, &variant), (total, ids.clone()), "{variant:?} vs {plain}");
            }
        }
    }
    assert_eq!(found(library, "人大").0, 26);
}

#[test]
fn a_format_character_inside_a_published_word_neither_hides_it_nor_shifts_its_highlight() {
    let (_dir, library) = library_of(&[
        "推进人\u{200B}大代表联络站建设。",
        "坚持和完善人民代表大\u{200F}会制度。",
        "\u{202E}人大\u{202C}代表\u{FEFF}履职。",
        "代表小组活动有序开展。",
    ]);
    let (total, _) = found(&library, "人大代表");
    assert_eq!(total, 2);
    let mut highlights = marked(&library, "人大代表");
    highlights.sort();
    assert_eq!(highlights, [vec!["人\u{200B}大代表".to_string()], vec!["人大\u{202C}代表".to_string()]]);
    assert_eq!(marked(&library, "人民代表大会"), [vec!["人民代表大\u{200F}会".to_string()]]);
    assert_eq!(marked(&library, "履职"), [vec!["履职".to_string()]]);
}

#[test]
fn precomposed_and_decomposed_accents_are_the_same_query_and_find_the_same_passages() {
    let (_dir, library) = library_of(&["在Café Lumière座谈。", "在Cafe\u{301} Lumie\u{300}re座谈。", "在cafe里座谈。"]);
    let n = &analyzer().normalizer;
    let parse = |raw: &str| digestbot_search::parse_query(n, raw).unwrap();
    assert_eq!(parse("café"), parse("cafe\u{301}"));
    assert_eq!(parse("lumière café"), parse("lumie\u{300}re CAFE\u{301}"));
    let (total, ids) = found(&library, "café");
    assert_eq!(total, 2, "{ids:?}");
    assert_eq!(found(&library, "cafe\u{301}"), (total, ids));
    let mut highlights = marked(&library, "café");
    highlights.sort();
    assert_eq!(highlights, [vec!["Cafe\u{301}".to_string()], vec!["Café".to_string()]], "marks stay with their letter");
}
