//! Inline mode (`@bot 词` in any chat): hits as articles to share, each the passage with its
//! source.

use crate::reply::Rich;
use crate::text as msg;
use crate::widgets::INLINE_PAGE_SIZE;
use digestbot_search::library::Library;

/// Passage characters shared by inline mode (the source follows, within Telegram's 4096).
const INLINE_TEXT_CHARS: usize = 1500;

/// The answer to an inline query: articles to share, and the offset of the next page.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InlineAnswer {
    pub articles: Vec<Article>,
    pub next_offset: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// The passage id: unique within an answer.
    pub id: String,
    /// `《speech》 · speaker`
    pub title: String,
    pub description: String,
    /// What is sent when it is chosen: the passage and its source.
    pub message: Rich,
}

/// Page `offset` (a number Telegram hands back; anything else is the first page) of the
/// articles for `query`, cut to the longest query that can be searched.
pub(crate) fn answer(library: &Library, query: &str, offset: &str) -> InlineAnswer {
    let query: String = query.chars().take(digestbot_search::MAX_QUERY_CHARS).collect();
    let page: usize = offset.parse().unwrap_or(0);
    let Ok(results) = library.search(&query, page.saturating_mul(INLINE_PAGE_SIZE), INLINE_PAGE_SIZE) else {
        return InlineAnswer::default();
    };
    let articles = results
        .hits
        .iter()
        .filter_map(|hit| {
            let at = hit.loc.resolve(&library.corpus)?;
            let mut message = Rich::new();
            // One message holds it all: a long passage is cut so its source still fits.
            let text = at.passage.text();
            message.plain(msg::cut(text, INLINE_TEXT_CHARS));
            message.plain("\n\n");
            message.italic(msg::attribution(&msg::source(&at)));
            Some(Article {
                id: at.passage.id.clone(),
                title: msg::article_title(at.speech),
                description: hit.snippet.text.clone(),
                message,
            })
        })
        .collect();
    let more = page.saturating_add(1).saturating_mul(INLINE_PAGE_SIZE) < results.total;
    InlineAnswer { articles, next_offset: more.then(|| (page + 1).to_string()) }
}
