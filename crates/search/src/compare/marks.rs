//! The character-level difference between two paragraphs, as a reader wants it marked: whole
//! changed stretches, not a confetti of single characters that happen to agree.

use similar::{Algorithm, DiffTag, capture_diff_slices};

/// A stretch of a changed paragraph pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mark {
    /// In both.
    Same(String),
    /// Only in A: what B dropped.
    Removed(String),
    /// Only in B: what B added.
    Added(String),
}

/// The difference from `a` to `b`, with coincidental agreements folded into the change around them.
pub fn marks(a: &str, b: &str) -> Vec<Mark> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // (same, removed, added) stretches in order; a change is a removed and an added side.
    let mut runs: Vec<Run> = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, &a, &b) {
        let (tag, old, new) = op.as_tag_tuple();
        let removed: String = a[old.clone()].iter().collect();
        let added: String = b[new].iter().collect();
        match tag {
            DiffTag::Equal => runs.push(Run::Same(removed)),
            _ => match runs.last_mut() {
                Some(Run::Change(r, d)) => {
                    r.push_str(&removed);
                    d.push_str(&added);
                }
                _ => runs.push(Run::Change(removed, added)),
            },
        }
    }
    fold_short_agreements(&mut runs);
    let mut out = Vec::new();
    for run in runs {
        match run {
            Run::Same(s) => out.push(Mark::Same(s)),
            Run::Change(r, d) => {
                if !r.is_empty() {
                    out.push(Mark::Removed(r));
                }
                if !d.is_empty() {
                    out.push(Mark::Added(d));
                }
            }
        }
    }
    out
}

enum Run {
    Same(String),
    Change(String, String),
}

impl Run {
    fn weight(&self) -> usize {
        match self {
            Run::Same(s) => s.chars().count(),
            Run::Change(r, d) => r.chars().count().max(d.chars().count()),
        }
    }
}

/// An agreement between two changes that is no longer than either change (the `的` in two
/// rewritten clauses) reads as part of one rewrite: it is folded in, as diff-match-patch's
/// semantic cleanup does. Repeated until nothing folds.
fn fold_short_agreements(runs: &mut Vec<Run>) {
    loop {
        let mut folded = false;
        let mut i = 1;
        while i + 1 < runs.len() {
            let fold = matches!(runs[i], Run::Same(_))
                && matches!(runs[i - 1], Run::Change(..))
                && matches!(runs[i + 1], Run::Change(..))
                && runs[i].weight() <= runs[i - 1].weight()
                && runs[i].weight() <= runs[i + 1].weight();
            if !fold {
                i += 1;
                continue;
            }
            let Run::Change(r2, d2) = runs.remove(i + 1) else { unreachable!("checked above") };
            let Run::Same(s) = runs.remove(i) else { unreachable!("checked above") };
            if let Run::Change(r, d) = &mut runs[i - 1] {
                r.push_str(&s);
                r.push_str(&r2);
                d.push_str(&s);
                d.push_str(&d2);
            }
            folded = true;
        }
        if !folded {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(s: &str) -> Mark {
        Mark::Same(s.into())
    }
    fn removed(s: &str) -> Mark {
        Mark::Removed(s.into())
    }
    fn added(s: &str) -> Mark {
        Mark::Added(s.into())
    }

    #[test]
    fn a_replaced_word_is_one_removal_and_one_addition_in_place() {
        assert_eq!(
            marks("加快建设现代化产业体系。", "加快建设现代化经济体系。"),
            [same("加快建设现代化"), removed("产业"), added("经济"), same("体系。")]
        );
    }

    #[test]
    fn a_character_that_agrees_by_chance_inside_a_rewrite_is_part_of_the_rewrite() {
        // 的 is in both clauses, but the clause around it was rewritten whole.
        assert_eq!(
            marks("推动经济的平稳运行。", "保持物价的基本稳定。"),
            [removed("推动经济的平稳运行"), added("保持物价的基本稳定"), same("。")]
        );
    }

    #[test]
    fn pure_insertions_and_deletions_have_one_side_only() {
        assert_eq!(marks("稳就业。", "稳就业、保民生。"), [same("稳就业"), added("、保民生"), same("。")]);
        assert_eq!(marks("稳就业、保民生。", "稳就业。"), [same("稳就业"), removed("、保民生"), same("。")]);
        assert_eq!(marks("", ""), []);
    }
}
