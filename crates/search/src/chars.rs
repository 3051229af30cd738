//! The character classes that normalization, query parsing and the tokenizers must agree on: a
//! query term can only be found if the index cut its text at the same characters.

/// Whether a jieba token (or a query term) is a word: it has a letter, digit or Han character.
pub fn is_word(token: &str) -> bool {
    token.chars().any(char::is_alphanumeric)
}

/// Characters that separate terms like spaces do: quotes, brackets and the punctuation of query
/// syntaxes, which users type around words rather than as part of them. No term holds one, so the
/// index needs no gram that does.
pub fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '"' | '\''
                | '“'
                | '”'
                | '‘'
                | '’'
                | '「'
                | '」'
                | '『'
                | '』'
                | '('
                | ')'
                | '（'
                | '）'
                | '['
                | ']'
                | '【'
                | '】'
                | '{'
                | '}'
                | '<'
                | '>'
                | '《'
                | '》'
                | '〈'
                | '〉'
                | ':'
                | '：'
                | ','
                | '，'
                | '、'
                | '。'
                | ';'
                | '；'
                | '!'
                | '！'
                | '?'
                | '？'
                | '*'
                | '^'
                | '~'
                | '\\'
                | '|'
        )
}

/// Han characters: white space between two of them is dropped, since Chinese is written without
/// spaces and a spaced name (`李　强`) must match the unspaced one.
pub fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{20000}'..='\u{2FFFF}' | '\u{F900}'..='\u{FAFF}' | '〇')
}
