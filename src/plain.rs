//! Neutral replies as plain text, for the terminal edges (`digestbot chat` and `digestbot
//! search`): emphasis as ANSI bold or `**…**`, links as the command that opens them.

use digestbot_core::reply::{Rich, Style};

use crate::text as msg;

/// How plain text shows emphasis.
#[derive(Debug, Clone, Copy)]
pub enum Emphasis {
    /// ANSI bold, for a terminal.
    Bold,
    /// `**…**`, for pipes and files.
    Stars,
}

impl Emphasis {
    /// Bold on a terminal, stars elsewhere.
    pub fn for_stdout() -> Emphasis {
        use std::io::IsTerminal;
        if std::io::stdout().is_terminal() { Emphasis::Bold } else { Emphasis::Stars }
    }
}

pub fn render(text: &Rich, emphasis: Emphasis) -> String {
    let (open, close) = match emphasis {
        Emphasis::Bold => ("\x1b[1m", "\x1b[0m"),
        Emphasis::Stars => ("**", "**"),
    };
    let mut out = String::new();
    for span in &text.0 {
        match &span.style {
            Style::Plain | Style::Italic => out.push_str(&span.text),
            Style::Bold => out.push_str(&format!("{open}{}{close}", span.text)),
            // wdiff's marks, which survive a pipe and read the same on any terminal.
            Style::Removed => out.push_str(&format!("[-{}-]", span.text)),
            Style::Added => out.push_str(&format!("{{+{}+}}", span.text)),
            Style::Open(id) => out.push_str(&msg::chat_link(&span.text, id)),
        }
    }
    out
}
