//! The two tokenizers over normalized text.
//!
//! - [`GramTokenizer`]: every pair of adjacent characters (bigram) at the first character's position,
//!   so that a phrase of bigrams matches exactly the texts that contain the query as a substring
//!   (tantivy's `NgramTokenizer` puts every gram at position 0, which breaks phrases); or, in its
//!   unigram mode, every character. Grams with white space or a term separator (`，` `。` `“`…)
//!   are skipped, since no query term holds one; positions still count them.
//!   Unigrams go to a field of their own without positions: single-character queries need no
//!   phrase, and unigram positions were a third of the index.
//! - [`WordTokenizer`]: jieba's search mode, for ranking whole words first. White space and
//!   punctuation are not words (tantivy-jieba emits them).

use std::sync::Arc;

use jieba_rs::Jieba;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::chars::{is_separator, is_word};

#[derive(Clone, Default)]
pub struct GramTokenizer {
    /// Emit single characters instead of pairs.
    unigrams: bool,
    token: Token,
}

impl GramTokenizer {
    pub fn bigrams() -> GramTokenizer {
        GramTokenizer { unigrams: false, token: Token::default() }
    }

    pub fn unigrams() -> GramTokenizer {
        GramTokenizer { unigrams: true, token: Token::default() }
    }
}

pub struct GramStream<'a> {
    unigrams: bool,
    text: &'a str,
    /// Byte offset and position of the next character.
    next: usize,
    position: usize,
    token: &'a mut Token,
}

impl Tokenizer for GramTokenizer {
    type TokenStream<'a> = GramStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> GramStream<'a> {
        self.token.reset();
        GramStream { unigrams: self.unigrams, text, next: 0, position: 0, token: &mut self.token }
    }
}

impl GramStream<'_> {
    fn emit(&mut self, from: usize, to: usize, position: usize) {
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = position;
        self.token.position_length = 1;
        self.token.text.clear();
        self.token.text.push_str(&self.text[from..to]);
    }
}

impl TokenStream for GramStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            let Some(c) = self.text[self.next..].chars().next() else { return false };
            let (start, end, position) = (self.next, self.next + c.len_utf8(), self.position);
            self.next = end;
            self.position += 1;
            if is_separator(c) {
                continue;
            }
            if self.unigrams {
                self.emit(start, end, position);
                return true;
            }
            if let Some(d) = self.text[end..].chars().next().filter(|&d| !is_separator(d)) {
                self.emit(start, end + d.len_utf8(), position);
                return true;
            }
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[derive(Clone)]
pub struct WordTokenizer {
    jieba: Arc<Jieba>,
    token: Token,
}

impl WordTokenizer {
    pub fn new(jieba: Arc<Jieba>) -> WordTokenizer {
        WordTokenizer { jieba, token: Token::default() }
    }
}

pub struct WordStream<'a> {
    words: std::vec::IntoIter<jieba_rs::Token<'a>>,
    position: usize,
    token: &'a mut Token,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        self.token.reset();
        let words = self.jieba.tokenize(text, jieba_rs::TokenizeMode::Search, false);
        WordStream { words: words.into_iter(), position: 0, token: &mut self.token }
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        for word in self.words.by_ref() {
            if !is_word(word.word) {
                continue;
            }
            self.token.offset_from = word.byte_start;
            self.token.offset_to = word.byte_start + word.word.len();
            self.token.position = self.position;
            self.position += 1;
            self.token.text.clear();
            self.token.text.push_str(word.word);
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// The words of a normalized text as the index sees them (jieba search mode, words only).
pub fn words<'a>(jieba: &Jieba, text: &'a str) -> Vec<&'a str> {
    jieba
        .tokenize(text, jieba_rs::TokenizeMode::Search, false)
        .into_iter()
        .map(|t| t.word)
        .filter(|w| is_word(w))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grams(mut tokenizer: GramTokenizer, text: &str) -> Vec<(String, usize)> {
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push((t.text.clone(), t.position));
        }
        out
    }

    #[test]
    fn grams_are_at_sequential_positions_and_skip_white_space() {
        let g = |s: &str, p| (s.to_string(), p);
        let bi = |t| grams(GramTokenizer::bigrams(), t);
        let uni = |t| grams(GramTokenizer::unigrams(), t);
        assert_eq!(bi("人大代表"), [g("人大", 0), g("大代", 1), g("代表", 2)]);
        assert_eq!(uni("人大代表"), [g("人", 0), g("大", 1), g("代", 2), g("表", 3)]);
        assert_eq!(bi("5% ab"), [g("5%", 0), g("ab", 3)]);
        assert_eq!(uni("5% a"), [g("5", 0), g("%", 1), g("a", 3)]);
        assert!(bi("").is_empty() && bi("人").is_empty() && uni("  ").is_empty());
        assert_eq!(bi("人大，代表"), [g("人大", 0), g("代表", 3)], "no gram holds a separator");
    }
}
