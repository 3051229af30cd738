//! The reading plan: every section of every digest, one a day. Chats hold their place by entry id,
//! never by index, so a corpus reload that adds or removes digests keeps everyone where they were.

use std::collections::HashMap;

use digestbot_corpus::Corpus;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A digest's editor's note (shown when the digest opens).
    Note {
        digest: usize,
    },
    Section {
        digest: usize,
        speech: usize,
        section: usize,
    },
}

/// One day's reading. A note's id is its digest's id; a section's, the section's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: String,
    pub kind: EntryKind,
}

#[derive(Debug, Clone, Default)]
pub struct Plan {
    entries: Vec<Entry>,
    positions: HashMap<String, usize>,
    digests: Vec<String>,
}

impl Plan {
    /// The digests in `digest_order` that still exist first, in that order (the order chats have
    /// been reading in), then the rest in corpus order, so a new digest joins at the end even when
    /// its file sorts first. Each digest contributes its note, if it has one, then every section
    /// of every speech.
    pub fn build(corpus: &Corpus, digest_order: &[String]) -> Plan {
        let by_id: HashMap<&str, usize> = corpus.digests.iter().enumerate().map(|(i, d)| (d.id.as_str(), i)).collect();
        let mut taken = vec![false; corpus.digests.len()];
        let mut order = Vec::with_capacity(corpus.digests.len());
        let known = digest_order.iter().filter_map(|id| by_id.get(id.as_str()).copied());
        for i in known.chain(0..corpus.digests.len()) {
            if !std::mem::replace(&mut taken[i], true) {
                order.push(i);
            }
        }

        let mut plan = Plan::default();
        for digest in order {
            let d = &corpus.digests[digest];
            plan.digests.push(d.id.clone());
            if !d.note.is_empty() {
                plan.push(Entry { id: d.id.clone(), kind: EntryKind::Note { digest } });
            }
            for (speech, s) in d.speeches.iter().enumerate() {
                for (section, c) in s.sections.iter().enumerate() {
                    plan.push(Entry { id: c.id.clone(), kind: EntryKind::Section { digest, speech, section } });
                }
            }
        }
        plan
    }

    fn push(&mut self, entry: Entry) {
        // Ids are unique in a loaded corpus; were one not, its first place is the one to keep.
        self.positions.entry(entry.id.clone()).or_insert(self.entries.len());
        self.entries.push(entry);
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, index: usize) -> Option<&Entry> {
        self.entries.get(index)
    }

    pub fn position(&self, id: &str) -> Option<usize> {
        self.positions.get(id).copied()
    }

    /// Entry ids in order: what the store keeps to remap positions after the next reload.
    pub fn ids(&self) -> Vec<String> {
        self.entries.iter().map(|e| e.id.clone()).collect()
    }

    /// Digest ids in plan order, digests without entries included.
    pub fn digest_order(&self) -> Vec<String> {
        self.digests.clone()
    }

    /// The entry after `index`, and whether reaching it starts the plan over. (0, true) for an
    /// empty plan, too.
    pub fn after(&self, index: usize) -> (usize, bool) {
        match index.checked_add(1) {
            Some(next) if next < self.entries.len() => (next, false),
            _ => (0, true),
        }
    }

    /// Where a chat whose next entry was `id` stands in this plan: its index, or when it is gone
    /// the index of the first entry after it in `old` (the previous plan's ids) that is still
    /// here. (0, true) when none after it is left: the chat starts over. (0, false) when `id` is
    /// unknown to both plans. For many chats use [`Plan::remapper`].
    pub fn remap(&self, old: &[String], id: &str) -> (usize, bool) {
        if let Some(i) = self.position(id) {
            return (i, false);
        }
        match old.iter().position(|o| o == id) {
            Some(at) => old[at + 1..].iter().find_map(|o| self.position(o)).map_or((0, true), |i| (i, false)),
            None => (0, false),
        }
    }

    /// [`Plan::remap`] for many chats against the same `old`: O(old) once, then O(1) a chat.
    pub fn remapper<'a>(&'a self, old: &'a [String]) -> impl Fn(&str) -> (usize, bool) + 'a {
        // successor[j]: where the first surviving entry at or after old[j] is now.
        let mut successor = vec![None; old.len() + 1];
        for j in (0..old.len()).rev() {
            successor[j] = self.position(&old[j]).or(successor[j + 1]);
        }
        let mut in_old: HashMap<&str, usize> = HashMap::with_capacity(old.len());
        for (j, id) in old.iter().enumerate() {
            in_old.entry(id.as_str()).or_insert(j);
        }
        move |id| {
            if let Some(i) = self.position(id) {
                return (i, false);
            }
            match in_old.get(id) {
                Some(&j) => successor[j + 1].map_or((0, true), |i| (i, false)),
                None => (0, false),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use digestbot_corpus::{self as corpus, Digest, Line, Section, Speech};

    fn line(text: &str) -> Line {
        Line { no: 1, text: text.into() }
    }

    fn section(id: &str) -> Section {
        Section { id: id.into(), heading: None, heading_line: None, passages: Vec::new() }
    }

    /// A digest `id` with a note when `note`, and speeches holding sections `{id}_c{n}`.
    fn digest(id: &str, note: bool, speeches: &[&[u32]]) -> Digest {
        Digest {
            id: id.into(),
            file: format!("{id}.txt"),
            encoding: "utf-8",
            title: id.into(),
            title_line: None,
            title_more: None,
            kicker: Vec::new(),
            occasion: None,
            occasion_lines: Vec::new(),
            date: None,
            source: None,
            url: None,
            editor: None,
            note_label: None,
            note: if note { vec![line("note")] } else { Vec::new() },
            preamble: Vec::new(),
            trailer: Vec::new(),
            speeches: speeches
                .iter()
                .enumerate()
                .map(|(s, sections)| Speech {
                    id: format!("{id}_s{s}"),
                    title: id.into(),
                    title_line: None,
                    title_more: None,
                    kicker: Vec::new(),
                    byline: Vec::new(),
                    occasion: None,
                    occasion_lines: Vec::new(),
                    speaker: None,
                    speaker_lines: Vec::new(),
                    sections: sections.iter().map(|c| section(&format!("{id}_c{c}"))).collect(),
                })
                .collect(),
        }
    }

    fn corpus(digests: Vec<Digest>) -> Corpus {
        Corpus { digests, problems: Vec::new() }
    }

    fn strings(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    fn two_digests() -> Corpus {
        corpus(vec![digest("a", true, &[&[1, 2], &[3]]), digest("b", false, &[&[1, 2]])])
    }

    #[test]
    fn the_plan_reads_each_note_then_every_section_of_every_speech_in_corpus_order() {
        let plan = Plan::build(&two_digests(), &[]);
        assert_eq!(plan.ids(), strings(&["a", "a_c1", "a_c2", "a_c3", "b_c1", "b_c2"]));
        assert_eq!(plan.get(0).map(|e| e.kind), Some(EntryKind::Note { digest: 0 }));
        assert_eq!(plan.get(3).map(|e| e.kind), Some(EntryKind::Section { digest: 0, speech: 1, section: 0 }));
        assert_eq!(plan.get(5).map(|e| e.kind), Some(EntryKind::Section { digest: 1, speech: 0, section: 1 }));
        assert_eq!(plan.get(6), None);
        assert_eq!((plan.len(), plan.is_empty()), (6, false));
        assert_eq!(plan.position("a_c3"), Some(3));
        assert_eq!(plan.position("nope"), None);
        assert_eq!(plan.digest_order(), strings(&["a", "b"]));
    }

    #[test]
    fn the_seed_corpus_plan_opens_with_the_editors_note_and_lists_every_section_once() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/corpus");
        let corpus = corpus::load_dir(&dir).unwrap();
        let plan = Plan::build(&corpus, &[]);
        let first = &corpus.digests[0];
        let sections: usize = corpus.digests.iter().flat_map(|d| &d.speeches).map(|s| s.sections.len()).sum();
        let notes = corpus.digests.iter().filter(|d| !d.note.is_empty()).count();
        assert_eq!(plan.len(), sections + notes);
        assert!(!plan.is_empty());
        if !first.note.is_empty() {
            assert_eq!(plan.get(0), Some(&Entry { id: first.id.clone(), kind: EntryKind::Note { digest: 0 } }));
        }
        for (i, id) in plan.ids().iter().enumerate() {
            assert_eq!(plan.position(id), Some(i), "{id} is in the plan once");
        }
        let last = plan.get(plan.len() - 1).unwrap();
        let EntryKind::Section { digest, speech, section } = last.kind else { panic!("ends with a section") };
        assert_eq!(corpus.digests[digest].speeches[speech].sections[section].id, last.id);
    }

    #[test]
    fn a_new_digest_joins_at_the_end_even_when_it_sorts_first() {
        let before = Plan::build(&two_digests(), &[]);
        let mut grown = two_digests();
        grown.digests.insert(0, digest("0new", false, &[&[1]]));
        let after = Plan::build(&grown, &before.digest_order());
        assert_eq!(after.digest_order(), strings(&["a", "b", "0new"]));
        assert_eq!(after.ids(), strings(&["a", "a_c1", "a_c2", "a_c3", "b_c1", "b_c2", "0new_c1"]));
        assert_eq!(after.get(6).map(|e| e.kind), Some(EntryKind::Section { digest: 0, speech: 0, section: 0 }));
    }

    #[test]
    fn digests_gone_from_the_saved_order_are_skipped_and_duplicates_count_once() {
        let plan = Plan::build(&two_digests(), &strings(&["b", "gone", "b", "a"]));
        assert_eq!(plan.digest_order(), strings(&["b", "a"]));
        assert_eq!(plan.ids()[..3], strings(&["b_c1", "b_c2", "a"]));
    }

    #[test]
    fn an_empty_corpus_makes_an_empty_plan() {
        let plan = Plan::build(&Corpus::default(), &strings(&["a"]));
        assert!(plan.is_empty());
        assert_eq!(plan.get(0), None);
        assert_eq!(plan.after(0), (0, true));
        assert_eq!(plan.remap(&strings(&["a"]), "a"), (0, true));
    }

    #[test]
    fn after_the_last_entry_the_plan_starts_over_and_says_so() {
        let plan = Plan::build(&two_digests(), &[]);
        assert_eq!(plan.after(0), (1, false));
        assert_eq!(plan.after(4), (5, false));
        assert_eq!(plan.after(5), (0, true));
        assert_eq!(plan.after(usize::MAX), (0, true));
    }

    /// Remaps with both `remap` and `remapper`, which must agree.
    fn remap_both(plan: &Plan, old: &[String], id: &str) -> (usize, bool) {
        let one = plan.remap(old, id);
        assert_eq!(plan.remapper(old)(id), one, "remap and remapper disagree on {id}");
        one
    }

    #[test]
    fn a_chat_keeps_its_entry_across_a_reload_that_moves_it() {
        let old = Plan::build(&two_digests(), &[]);
        let mut grown = two_digests();
        grown.digests[0].speeches[0].sections.insert(0, section("a_c0"));
        let new = Plan::build(&grown, &old.digest_order());
        assert_eq!(remap_both(&new, &old.ids(), "b_c1"), (5, false));
        assert_eq!(remap_both(&new, &old.ids(), "a"), (0, false));
    }

    #[test]
    fn a_removed_section_moves_the_chat_to_the_next_one_still_there() {
        let old = Plan::build(&two_digests(), &[]);
        let mut shrunk = two_digests();
        shrunk.digests[0].speeches[0].sections.remove(1); // a_c2
        let new = Plan::build(&shrunk, &old.digest_order());
        assert_eq!(remap_both(&new, &old.ids(), "a_c2"), (new.position("a_c3").unwrap(), false));
    }

    #[test]
    fn a_removed_digest_moves_its_readers_to_the_digest_after_it() {
        let old = Plan::build(&two_digests(), &[]);
        let mut shrunk = two_digests();
        shrunk.digests.remove(0);
        let new = Plan::build(&shrunk, &old.digest_order());
        for id in ["a", "a_c1", "a_c3"] {
            assert_eq!(remap_both(&new, &old.ids(), id), (0, false), "{id}");
        }
        assert_eq!(new.get(0).map(|e| e.id.as_str()), Some("b_c1"));
    }

    #[test]
    fn when_everything_after_a_chat_is_gone_it_starts_over() {
        let old = Plan::build(&two_digests(), &[]);
        let mut shrunk = two_digests();
        shrunk.digests.remove(1);
        let new = Plan::build(&shrunk, &old.digest_order());
        assert_eq!(remap_both(&new, &old.ids(), "b_c1"), (0, true));
        assert_eq!(remap_both(&new, &old.ids(), "b_c2"), (0, true));
    }

    #[test]
    fn an_id_neither_plan_knows_goes_to_the_start_without_calling_it_a_new_round() {
        let old = Plan::build(&two_digests(), &[]);
        assert_eq!(remap_both(&old, &old.ids(), "never-existed"), (0, false));
        assert_eq!(remap_both(&old, &[], "never-existed"), (0, false));
    }

    #[test]
    fn remapping_many_chats_against_a_large_plan_agrees_with_remapping_one() {
        let big: Vec<Digest> = (0..1500).map(|i| digest(&format!("d{i:04}"), true, &[&[1, 2, 3], &[4, 5]])).collect();
        let old = Plan::build(&corpus(big.clone()), &[]);
        // Most digests go: without the successor table each chat would scan far ahead.
        let survivors: Vec<Digest> =
            big.into_iter().enumerate().filter(|(i, _)| i % 500 == 0).map(|(_, d)| d).collect();
        let new = Plan::build(&corpus(survivors), &old.digest_order());
        let ids = old.ids();
        let remap = new.remapper(&ids);
        for id in ids.iter().step_by(97) {
            assert_eq!(remap(id), new.remap(&ids, id), "{id}");
        }
        assert_eq!(remap("d0001"), (new.position("d0500").unwrap(), false));
        assert_eq!(remap("d1000"), (new.position("d1000").unwrap(), false));
        assert_eq!(remap("d1499_c5"), (0, true));
        assert_eq!(remap("elsewhere"), (0, false));
    }
}
