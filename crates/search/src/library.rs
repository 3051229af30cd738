//! The library: a corpus and the index built from it, always together, so every passage a search
//! returns exists in the corpus it is read from. (Reloading swaps whole libraries.)

use std::path::Path;
use std::sync::Arc;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::corpus::{self, Corpus, Digest, LoadOptions, Loc};
use crate::{Analyzer, IndexError, QueryError, Results, SearchIndex, parse_query};

#[derive(Debug)]
pub struct Library {
    pub corpus: Corpus,
    pub index: SearchIndex,
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The person's query cannot be searched; tell them why (in the core's wording).
    #[error("the query cannot be searched: {0:?}")]
    Query(QueryError),
    /// The index failed: not their fault.
    #[error(transparent)]
    Index(#[from] IndexError),
}

/// Why a library could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    /// The corpus directory cannot be read: there is nothing to serve.
    #[error(transparent)]
    Corpus(#[from] corpus::LoadError),
    #[error(transparent)]
    Index(#[from] IndexError),
}

impl Library {
    /// Loads every digest below `dir` with the default options and indexes it.
    pub fn load(dir: &Path, analyzer: Arc<Analyzer>) -> Result<Library, LibraryError> {
        Library::load_with(dir, LoadOptions::default(), analyzer)
    }

    /// Loads every digest below `dir` and indexes it. Problems with files are in `corpus.problems`.
    pub fn load_with(dir: &Path, options: LoadOptions, analyzer: Arc<Analyzer>) -> Result<Library, LibraryError> {
        let corpus = corpus::load_dir_with(dir, options).map_err(LibraryError::Corpus)?;
        Library::from_corpus(corpus, analyzer).map_err(LibraryError::Index)
    }

    pub fn from_corpus(corpus: Corpus, analyzer: Arc<Analyzer>) -> Result<Library, IndexError> {
        let index = SearchIndex::build(&corpus, analyzer)?;
        Ok(Library { corpus, index })
    }

    /// The library of `corpus`, a later version of `current`'s, indexed by updating `current`'s
    /// index (see [`SearchIndex::update`]): only digests that changed are indexed again, and
    /// `current` keeps answering from its own corpus meanwhile and after.
    pub fn from_corpus_reusing(corpus: Corpus, current: &Library) -> Result<Library, IndexError> {
        let index = current.index.update(&corpus)?;
        Ok(Library { corpus, index })
    }

    /// Searches for what a person typed: hits `offset..offset + limit`, best first, with snippets.
    pub fn search(&self, raw: &str, offset: usize, limit: usize) -> Result<Results, SearchError> {
        let query = parse_query(&self.index.analyzer().normalizer, raw).map_err(SearchError::Query)?;
        Ok(self.index.search_with_snippets(&self.corpus, &query, offset, limit)?)
    }
}

/// Something an id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Digest { digest: usize },
    Speech { digest: usize, speech: usize },
    Section { digest: usize, speech: usize, section: usize },
    Passage(Loc),
}

impl Library {
    /// Finds what an id names: `digest`, `digest_s…`, `digest_c…`, `digest_p…` (see `corpus::ids`).
    /// Ids are parsed, not looked up in a table: a digest has a few hundred elements at most.
    pub fn find(&self, id: &str) -> Option<Target> {
        let digests = &self.corpus.digests;
        if let Some(d) = digests.iter().position(|d| d.id == id) {
            return Some(Target::Digest { digest: d });
        }
        // Digest ids never end like element ids (the loader hashes such names), so this is not ambiguous.
        let (digest_id, rest) = id.rsplit_once('_')?;
        let d = digests.iter().position(|d| d.id == digest_id)?;
        let digest = &digests[d];
        for (s, speech) in digest.speeches.iter().enumerate() {
            if speech.id == id {
                return Some(Target::Speech { digest: d, speech: s });
            }
            for (c, section) in speech.sections.iter().enumerate() {
                if rest.starts_with('c') && section.id == id {
                    return Some(Target::Section { digest: d, speech: s, section: c });
                }
                if let Some(p) = section.passages.iter().position(|p| p.id == id) {
                    let loc = Loc { digest: d as u32, speech: s as u32, section: c as u32, passage: p as u32 };
                    return Some(Target::Passage(loc));
                }
            }
        }
        // Links shared when ids were line numbers.
        let current = corpus::ids::legacy_id(digest, rest)?;
        if current == id { None } else { self.find(current) }
    }

    /// Every passage in corpus order.
    pub fn locs(&self) -> impl Iterator<Item = Loc> + '_ {
        self.corpus.digests.iter().enumerate().flat_map(|(d, digest)| passages_of(d, digest).map(|(loc, _)| loc))
    }

    /// The passage before and after `loc` within its digest.
    pub fn neighbors(&self, loc: Loc) -> (Option<Loc>, Option<Loc>) {
        let digest = &self.corpus.digests[loc.digest as usize];
        let all: Vec<Loc> = passages_of(loc.digest as usize, digest).map(|(loc, _)| loc).collect();
        let Some(at) = all.iter().position(|l| *l == loc) else { return (None, None) };
        (at.checked_sub(1).map(|i| all[i]), all.get(at + 1).copied())
    }
}

/// What a reload changed, by id: what an admin added, removed or edited.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    /// (id, title) of digests only in the new corpus.
    pub digests_added: Vec<(String, String)>,
    pub digests_removed: Vec<(String, String)>,
    /// Digests in both whose passages differ.
    pub digests_changed: Vec<(String, String)>,
    /// (id, title) of speeches only in the new corpus.
    pub speeches_added: Vec<(String, String)>,
    pub speeches_removed: Vec<(String, String)>,
    pub passages_added: usize,
    pub passages_removed: usize,
    /// Passages whose id stayed and whose text changed.
    pub passages_changed: usize,
}

impl Diff {
    /// What changed from `old` to `new`.
    pub fn between(old: &Corpus, new: &Corpus) -> Diff {
        // Borrowed, not copied: both corpora are in memory while a reload runs, and a copy of every
        // passage's text of both would take more memory than the index.
        fn digests(c: &Corpus) -> BTreeMap<&str, &str> {
            c.digests.iter().map(|d| (d.id.as_str(), d.title.as_str())).collect()
        }
        fn speeches(c: &Corpus) -> BTreeMap<&str, &str> {
            c.digests.iter().flat_map(|d| d.speeches.iter().map(|s| (s.id.as_str(), s.title.as_str()))).collect()
        }
        /// Passage id → (digest id, text).
        fn passages(c: &Corpus) -> HashMap<&str, (&str, &str)> {
            let mut all = HashMap::new();
            for d in &c.digests {
                for s in &d.speeches {
                    for section in &s.sections {
                        for p in &section.passages {
                            all.insert(p.id.as_str(), (d.id.as_str(), p.text()));
                        }
                    }
                }
            }
            all
        }
        let only = |a: &BTreeMap<&str, &str>, b: &BTreeMap<&str, &str>| -> Vec<(String, String)> {
            a.iter().filter(|(id, _)| !b.contains_key(*id)).map(|(id, t)| (id.to_string(), t.to_string())).collect()
        };
        let (old_d, new_d) = (digests(old), digests(new));
        let (old_s, new_s) = (speeches(old), speeches(new));
        let (old_p, new_p) = (passages(old), passages(new));
        let mut diff = Diff {
            digests_added: only(&new_d, &old_d),
            digests_removed: only(&old_d, &new_d),
            speeches_added: only(&new_s, &old_s),
            speeches_removed: only(&old_s, &new_s),
            ..Diff::default()
        };
        let mut touched = BTreeSet::new();
        for (id, (digest, text)) in &new_p {
            match old_p.get(id) {
                None => {
                    diff.passages_added += 1;
                    touched.insert(*digest);
                }
                Some((_, old_text)) if old_text != text => {
                    diff.passages_changed += 1;
                    touched.insert(*digest);
                }
                Some(_) => {}
            }
        }
        for (id, (digest, _)) in &old_p {
            if !new_p.contains_key(id) {
                diff.passages_removed += 1;
                touched.insert(*digest);
            }
        }
        diff.digests_changed = touched
            .into_iter()
            .filter(|id| old_d.contains_key(id))
            .filter_map(|id| new_d.get(id).map(|title| (id.to_string(), title.to_string())))
            .collect();
        diff
    }

    pub fn is_empty(&self) -> bool {
        *self == Diff::default()
    }
}

/// The passages of `new` that a reader of `old` has not read, in corpus order: those of digests
/// `old` did not have, and those whose text the same digest of `old` did not hold (written or
/// edited since). A passage that only moved, or whose speech was renamed (which changes its id),
/// is not fresh: a one-character fix makes one passage fresh, not the digest. A digest under a new
/// id (its file renamed) is fresh throughout.
pub fn fresh_passages(old: &Corpus, new: &Corpus) -> Vec<Loc> {
    let before: HashMap<&str, &Digest> = old.digests.iter().map(|d| (d.id.as_str(), d)).collect();
    let mut fresh = Vec::new();
    for (d, digest) in new.digests.iter().enumerate() {
        let Some(was) = before.get(digest.id.as_str()) else {
            fresh.extend(passages_of(d, digest).map(|(loc, _)| loc));
            continue;
        };
        // Most digests are untouched by a reload: compared in order, without hashing every text.
        if passages_of(0, was).map(|(_, text)| text).eq(passages_of(d, digest).map(|(_, text)| text)) {
            continue;
        }
        let seen: HashSet<&str> = passages_of(0, was).map(|(_, text)| text).collect();
        fresh.extend(passages_of(d, digest).filter(|(_, text)| !seen.contains(text)).map(|(loc, _)| loc));
    }
    fresh
}

/// The passages of `digest`, the `d`th of its corpus, with their texts, in order.
fn passages_of(d: usize, digest: &Digest) -> impl Iterator<Item = (Loc, &str)> {
    digest.speeches.iter().enumerate().flat_map(move |(s, speech)| {
        speech.sections.iter().enumerate().flat_map(move |(c, section)| {
            section.passages.iter().enumerate().map(move |(p, passage)| {
                let loc = Loc { digest: d as u32, speech: s as u32, section: c as u32, passage: p as u32 };
                (loc, passage.text())
            })
        })
    })
}
