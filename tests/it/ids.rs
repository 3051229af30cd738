//! Ids follow what an element says, not the line it is on: an edit elsewhere in a file keeps them,
//! so shared links, daily positions and a reload's diff see only what an admin really changed.

use std::collections::HashSet;

use digestbot_corpus::Digest;
use digestbot_search::library::{Library, Target};

use crate::support::{bench_library, fixture, fixture_library, parse_bytes, passage_id, section_id, speech_id};

/// Every speech, section and passage of a digest in order: its id, and what it says (for a
/// section without heading, that it opens the speech or else its first passage, which is what the
/// id scheme keys it by).
fn elements(digest: &Digest) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for s in &digest.speeches {
        out.push((s.id.clone(), format!("speech {} @ {:?}", s.title, s.speaker)));
        for (c, section) in s.sections.iter().enumerate() {
            let what = match (&section.heading, section.passages.first()) {
                (Some(heading), _) => format!("heading {heading}"),
                (None, _) if c == 0 => format!("introduction of {}", s.title),
                (None, first) => format!("section opening {}", first.map_or("", |p| p.text())),
            };
            out.push((section.id.clone(), what));
        }
        for section in &s.sections {
            out.extend(section.passages.iter().map(|p| (p.id.clone(), format!("passage {}", p.text()))));
        }
    }
    out
}

fn seed_text() -> String {
    std::fs::read_to_string(fixture("corpus/anhui-renda-huiyi.txt")).unwrap()
}

fn parsed(text: &str) -> Digest {
    let (digest, problems) = parse_bytes("anhui-renda-huiyi.txt", text.as_bytes());
    assert!(problems.is_empty(), "{problems:?}");
    digest.unwrap()
}

fn ids(digest: &Digest) -> Vec<String> {
    elements(digest).into_iter().map(|(id, _)| id).collect()
}

#[test]
fn editing_a_passage_near_the_top_of_a_file_changes_only_that_passages_id() {
    let text = seed_text();
    let before = parsed(&text);
    // A typo fixed in the first paragraph, and a blank line left behind, which moves every line
    // below it.
    let edited = text.replacen("上次省委人大工作会议以来", "上一次省委人大工作会议以来", 1).replacen(
        "\n一、强化制度自信",
        "\n\n一、强化制度自信",
        1,
    );
    let after = parsed(&edited);
    let (old, new) = (elements(&before), elements(&after));
    assert_eq!(old.len(), new.len());
    let changed: Vec<_> = old.iter().zip(&new).filter(|(o, n)| o.0 != n.0).map(|(o, n)| (&o.1, &n.1)).collect();
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(changed[0].1.starts_with("passage 上一次省委人大工作会议以来"), "{changed:?}");
}

#[test]
fn inserting_a_paragraph_keeps_every_other_id() {
    let text = seed_text();
    let before = ids(&parsed(&text));
    let inserted = "这是编辑新加的一段话。";
    let after = parsed(&text.replacen("\n一、强化制度自信", &format!("\n{inserted}\n一、强化制度自信"), 1));
    let mut after_ids = ids(&after);
    let new_passage = elements(&after).into_iter().find(|(_, what)| what.ends_with(inserted)).unwrap().0;
    after_ids.retain(|id| *id != new_passage);
    assert_eq!(after_ids, before);
}

#[test]
fn repeated_identical_paragraphs_get_distinct_ids() {
    let repeated = "（此处有删节）";
    let text = format!(
        "摘登\n第一篇讲话\n张三\n{repeated}\n一段话。\n{repeated}\n{repeated}\n第二篇讲话\n李四\n{repeated}\n一段话。\n"
    );
    let digest = parsed(&text);
    let all = ids(&digest);
    assert_eq!(all.iter().collect::<HashSet<_>>().len(), all.len(), "{all:?}");
    let passages: Vec<_> = elements(&digest).into_iter().filter(|(_, what)| what.starts_with("passage")).collect();
    assert_eq!(passages.len(), 6, "{passages:?}");
    // Deleting a later repeat keeps the ids of the ones before it.
    let shorter = parsed(&text.replacen(&format!("{repeated}\n{repeated}\n第二篇"), &format!("{repeated}\n第二篇"), 1));
    let kept: HashSet<_> = ids(&shorter).into_iter().collect();
    assert_eq!(all.iter().filter(|id| !kept.contains(*id)).count(), 1);
}

#[test]
fn a_reload_diff_sees_ids_change_only_where_text_changed() {
    let text = seed_text();
    let before = elements(&parsed(&text));
    let edited = text
        .replacen("三、强化一线定位", "三、强化一线的定位", 1)
        .replacen("\n扩大开门立法。", "\n扩大开门立法，", 1)
        .replacen("\n持续强化政治能力。", "\n删去的段落\n持续强化政治能力。", 1);
    let edited = {
        // And a whole paragraph deleted.
        let mut lines: Vec<&str> = edited.lines().collect();
        lines.retain(|line| !line.starts_with("注重提升履职有效性"));
        lines.join("\n")
    };
    let after = elements(&parsed(&edited));
    let old_ids: HashSet<_> = before.iter().map(|(id, _)| id).collect();
    let new_ids: HashSet<_> = after.iter().map(|(id, _)| id).collect();
    let old_what: HashSet<_> = before.iter().map(|(_, what)| what).collect();
    let new_what: HashSet<_> = after.iter().map(|(_, what)| what).collect();
    let gone: Vec<_> = before.iter().filter(|(id, _)| !new_ids.contains(id)).map(|(_, what)| what).collect();
    let added: Vec<_> = after.iter().filter(|(id, _)| !old_ids.contains(id)).map(|(_, what)| what).collect();
    assert!(gone.iter().all(|what| !new_what.contains(what)), "only what changed loses its id: {gone:?}");
    assert!(added.iter().all(|what| !old_what.contains(what)), "only what is new gets one: {added:?}");
    // The section whose heading changed, a paragraph edited, and one gone or one new.
    assert_eq!(gone.len(), 3, "{gone:?}");
    assert_eq!(added.len(), 3, "{added:?}");
    for (id, what) in after.iter().filter(|(_, what)| old_what.contains(what)) {
        let old = before.iter().find(|(_, w)| w == what).unwrap();
        assert_eq!(&old.0, id, "{what}");
    }
}

fn assert_resolves_every_id(library: &Library) {
    for (d, digest) in library.corpus.digests.iter().enumerate() {
        assert_eq!(library.find(&digest.id), Some(Target::Digest { digest: d }));
        for (s, speech) in digest.speeches.iter().enumerate() {
            assert_eq!(library.find(&speech.id), Some(Target::Speech { digest: d, speech: s }), "{}", speech.id);
            for (c, section) in speech.sections.iter().enumerate() {
                let target = Some(Target::Section { digest: d, speech: s, section: c });
                assert_eq!(library.find(&section.id), target, "{}", section.id);
                for passage in &section.passages {
                    match library.find(&passage.id) {
                        Some(Target::Passage(loc)) => {
                            assert_eq!(loc.resolve(&library.corpus).unwrap().passage.id, passage.id)
                        }
                        other => panic!("{} found as {other:?}", passage.id),
                    }
                }
            }
        }
    }
}

#[test]
fn library_find_resolves_every_id_of_the_fixture_corpus_to_itself() {
    assert_resolves_every_id(fixture_library());
}

#[test]
fn ids_are_ascii_at_most_32_characters_and_unique_over_the_bench_corpus() {
    let Some(library) = bench_library() else { return };
    let mut seen = HashSet::new();
    for digest in &library.corpus.digests {
        let (ids, _): (Vec<_>, Vec<_>) = elements(digest).into_iter().unzip();
        for id in std::iter::once(digest.id.clone()).chain(ids) {
            assert!(id.len() <= 32, "{id} is {} characters", id.len());
            assert!(id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{id}");
            assert!(seen.insert(id.clone()), "{id} names two elements");
        }
    }
    assert!(seen.len() > 100_000, "{} ids", seen.len());
    // `find` reads a digest's elements in turn: every 25th digest is enough to show it.
    let sample = Library::from_corpus(
        digestbot_corpus::Corpus {
            digests: library.corpus.digests.iter().step_by(25).cloned().collect(),
            problems: Vec::new(),
        },
        crate::support::analyzer(),
    );
    assert_resolves_every_id(&sample.unwrap());
}

#[test]
fn ids_of_the_line_number_era_still_lead_to_what_they_named_while_the_file_is_unchanged() {
    let library = fixture_library();
    let find = |id: &str| library.find(id);
    let passage = passage_id("一是坚持党的领导");
    assert_eq!(find("anhui-renda-huiyi_p47"), find(&passage));
    assert_eq!(find("anhui-renda-huiyi_c7"), find(&section_id("一、强化制度自信")));
    assert_eq!(find("anhui-renda-huiyi_s16"), find(&speech_id("肩负革命老区绿色振兴使命")));
    assert_eq!(find("anhui-renda-huiyi_s4"), find(&speech_id("坚持“四个强化”")));
    assert_eq!(find("anhui-renda-huiyi_c6"), Some(Target::Section { digest: 0, speech: 0, section: 0 }));
    for nothing in ["anhui-renda-huiyi_p5", "anhui-renda-huiyi_p99999", "anhui-renda-huiyi_c8", "anhui-renda-huiyi_p"] {
        assert_eq!(find(nothing), None, "{nothing}");
    }
}
