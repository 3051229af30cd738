//! Rendering neutral replies as Telegram HTML: escaped text, `<b>`, `<i>`, deep links, messages
//! split under Telegram's 4096-character limit at paragraph boundaries, and inline keyboards.

use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions};

use digestbot_core::reply::{Button, Rich, Span, Style};

/// Telegram's limit is 4096 UTF-16 code units of text after entities are parsed; leave some room.
pub const MAX_MESSAGE: usize = 4000;

/// Every message goes without a link preview: its links are deep links into the bot.
pub const NO_PREVIEW: LinkPreviewOptions = LinkPreviewOptions {
    is_disabled: true,
    url: None,
    prefer_small_media: false,
    prefer_large_media: false,
    show_above_text: false,
};

fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// Escapes text for Telegram's HTML parse mode.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// `https://t.me/<bot>?start=<id>`: opens the bot on that passage.
pub fn deep_link(me: &str, id: &str) -> String {
    format!("https://t.me/{me}?start={id}")
}

fn render_spans(spans: &[Span], me: &str) -> String {
    let mut html = String::new();
    for span in spans {
        let text = escape(&span.text);
        match &span.style {
            Style::Plain => html.push_str(&text),
            Style::Bold => html.push_str(&format!("<b>{text}</b>")),
            Style::Italic => html.push_str(&format!("<i>{text}</i>")),
            Style::Removed => html.push_str(&format!("<s>{text}</s>")),
            Style::Added => html.push_str(&format!("<u>{text}</u>")),
            Style::Open(id) => html.push_str(&format!("<a href=\"{}\">{text}</a>", escape(&deep_link(me, id)))),
        }
    }
    html
}

/// Where to cut `text` so the first part fits in `room` code units: after a blank line if
/// possible, else after a line, else (when `hard`) after a sentence or anywhere. 0 means "cut
/// before this text".
fn cut(text: &str, room: usize, hard: bool) -> usize {
    let mut fits = 0;
    let mut used = 0;
    for (i, c) in text.char_indices() {
        used += c.len_utf16();
        if used > room {
            break;
        }
        fits = i + c.len_utf8();
    }
    let head = &text[..fits];
    if let Some(i) = head.rfind("\n\n") {
        return i + 2;
    }
    if let Some(i) = head.rfind('\n') {
        return i + 1;
    }
    if !hard {
        return 0;
    }
    head.rfind(['。', '！', '？', '；']).map(|i| i + '。'.len_utf8()).filter(|&i| i > fits / 2).unwrap_or(fits)
}

/// Splits styled text into messages of at most `limit` code units, at paragraph boundaries where
/// possible; a span cut in two keeps its style on both sides, so every message's tags balance.
pub fn split(text: &Rich, limit: usize) -> Vec<Vec<Span>> {
    let mut chunks: Vec<Vec<Span>> = vec![Vec::new()];
    let mut used = 0;
    for span in &text.0 {
        let mut rest = span.text.as_str();
        while !rest.is_empty() {
            if used == 0 {
                rest = rest.trim_start_matches('\n');
                if rest.is_empty() {
                    break;
                }
            }
            let n = utf16_len(rest);
            if used + n <= limit {
                if let Some(chunk) = chunks.last_mut() {
                    chunk.push(Span { text: rest.to_string(), style: span.style.clone() });
                }
                used += n;
                break;
            }
            let at = cut(rest, limit - used, used == 0);
            if at > 0 {
                let piece = rest[..at].trim_end_matches('\n');
                if !piece.is_empty()
                    && let Some(chunk) = chunks.last_mut()
                {
                    chunk.push(Span { text: piece.to_string(), style: span.style.clone() });
                }
                rest = &rest[at..];
            }
            chunks.push(Vec::new());
            used = 0;
        }
    }
    chunks.retain(|c| c.iter().any(|s| !s.text.trim().is_empty()));
    chunks
}

/// The HTML messages for one reply.
pub fn html(text: &Rich, me: &str) -> Vec<String> {
    split(text, MAX_MESSAGE).iter().map(|spans| render_spans(spans, me)).collect()
}

/// The keyboard for a reply's buttons (None when there are none). A button whose data cannot be
/// encoded in 64 bytes is left out rather than sent broken.
pub fn keyboard(buttons: &[Vec<Button>]) -> Option<InlineKeyboardMarkup> {
    let rows: Vec<Vec<InlineKeyboardButton>> = buttons
        .iter()
        .map(|row| {
            row.iter()
                .filter_map(|b| b.action.encode().map(|data| InlineKeyboardButton::callback(b.label.clone(), data)))
                .collect::<Vec<_>>()
        })
        .filter(|row| !row.is_empty())
        .collect();
    (!rows.is_empty()).then(|| InlineKeyboardMarkup::new(rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_styles_become_tags() {
        let mut rich = Rich::new();
        rich.plain("a<b>&c ").bold("人大").italic("x\"y").push("阅读", Style::Open("d_p1".into()));
        assert_eq!(
            html(&rich, "bot")[0],
            "a&lt;b&gt;&amp;c <b>人大</b><i>x&quot;y</i><a href=\"https://t.me/bot?start=d_p1\">阅读</a>"
        );
    }

    #[test]
    fn long_text_splits_at_paragraphs_with_balanced_tags() {
        let mut rich = Rich::new();
        rich.bold("标题");
        for i in 0..40 {
            rich.plain(format!("\n\n{}{i}", "段落文字。".repeat(40)));
        }
        rich.bold("结尾".repeat(3000));
        let parts = split(&rich, MAX_MESSAGE);
        assert!(parts.len() > 3);
        for part in &parts {
            let n: usize = part.iter().map(|s| utf16_len(&s.text)).sum();
            assert!(n <= MAX_MESSAGE && n > 0);
        }
        let all: String = parts.iter().flatten().map(|s| s.text.as_str()).collect();
        assert_eq!(all.replace('\n', ""), rich.to_plain().replace('\n', ""), "nothing is lost but line breaks at cuts");
    }
}
