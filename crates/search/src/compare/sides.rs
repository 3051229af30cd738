//! What can be compared: a whole digest or a whole speech, named by its id.

use super::Paragraph;
use crate::corpus::Loc;
use crate::library::{Library, Target};

/// A side longer than this is refused: the national work reports are 10,000–60,000 characters, and
/// two of 300,000 still align in well under a second. (Guards against a digest made of a novel.)
pub const MAX_SIDE_CHARS: usize = 300_000;

/// Why two ids cannot be compared; the core words each for the person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompareError {
    /// Not two ids.
    #[error("two ids are needed")]
    Usage,
    #[error("no digest or speech has the id {0}")]
    Unknown(String),
    #[error("both ids are {0}")]
    Same(String),
    /// A digest compared with one of its own speeches: the speech is part of it.
    #[error("{speech} is a speech of {digest}")]
    Nested { digest: String, speech: String },
    /// A section's or a passage's id: only whole digests and speeches are compared.
    #[error("{0} is part of a speech")]
    Part(String),
    #[error("{0} has no passages")]
    Empty(String),
    #[error("{id} has {chars} characters")]
    TooLong { id: String, chars: usize },
}

/// One side of a comparison: a digest (every speech) or one speech.
#[derive(Debug, Clone)]
pub struct Side<'c> {
    pub id: String,
    pub digest: usize,
    pub speech: Option<usize>,
    pub paragraphs: Vec<Paragraph<'c>>,
}

impl Library {
    /// The two sides `a` and `b` name, or why they cannot be compared.
    pub fn sides(&self, a: &str, b: &str) -> Result<(Side<'_>, Side<'_>), CompareError> {
        let (a, b) = (a.trim(), b.trim());
        if a.is_empty() || b.is_empty() {
            return Err(CompareError::Usage);
        }
        let (ta, tb) = (self.comparable(a)?, self.comparable(b)?);
        if ta == tb {
            return Err(CompareError::Same(a.to_string()));
        }
        match (ta, tb) {
            (Target::Digest { digest }, Target::Speech { digest: d, .. }) if digest == d => {
                return Err(CompareError::Nested { digest: a.to_string(), speech: b.to_string() });
            }
            (Target::Speech { digest: d, .. }, Target::Digest { digest }) if digest == d => {
                return Err(CompareError::Nested { digest: b.to_string(), speech: a.to_string() });
            }
            _ => {}
        }
        Ok((self.side(a, ta)?, self.side(b, tb)?))
    }

    fn comparable(&self, id: &str) -> Result<Target, CompareError> {
        match self.find(id) {
            None => Err(CompareError::Unknown(id.to_string())),
            Some(Target::Passage(_) | Target::Section { .. }) => Err(CompareError::Part(id.to_string())),
            Some(target) => Ok(target),
        }
    }

    fn side(&self, id: &str, target: Target) -> Result<Side<'_>, CompareError> {
        let (digest, speech) = match target {
            Target::Digest { digest } => (digest, None),
            Target::Speech { digest, speech } => (digest, Some(speech)),
            _ => return Err(CompareError::Part(id.to_string())),
        };
        let normalizer = &self.index.analyzer().normalizer;
        let mut paragraphs = Vec::new();
        let mut chars = 0;
        for (s, sp) in self.corpus.digests[digest].speeches.iter().enumerate() {
            if speech.is_some_and(|only| only != s) {
                continue;
            }
            for (c, section) in sp.sections.iter().enumerate() {
                for (p, passage) in section.passages.iter().enumerate() {
                    let text = passage.text();
                    chars += text.chars().count();
                    if chars > MAX_SIDE_CHARS {
                        return Err(CompareError::TooLong { id: id.to_string(), chars });
                    }
                    let loc = Loc { digest: digest as u32, speech: s as u32, section: c as u32, passage: p as u32 };
                    paragraphs.push(Paragraph::new(normalizer, loc, section.heading.as_deref(), text));
                }
            }
        }
        if paragraphs.is_empty() {
            return Err(CompareError::Empty(id.to_string()));
        }
        Ok(Side { id: id.to_string(), digest, speech, paragraphs })
    }
}
