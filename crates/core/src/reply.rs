//! The neutral reply: what to say, with emphasis and links, and which buttons to offer. Each edge
//! renders it its own way (Telegram HTML and keyboards; plain text and numbered choices).

use crate::action::Action;
use crate::attachment::Attachment;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Style {
    Plain,
    Bold,
    Italic,
    /// Text an edition dropped: struck through in Telegram, `[-…-]` in a terminal.
    Removed,
    /// Text an edition added: underlined in Telegram, `{+…+}` in a terminal.
    Added,
    /// A link that opens a passage, section or speech: a deep link in Telegram, `/read id` in a
    /// terminal.
    Open(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub style: Style,
}

/// Styled text, built span by span.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rich(pub Vec<Span>);

impl Rich {
    pub fn new() -> Rich {
        Rich(Vec::new())
    }

    pub fn push(&mut self, text: impl Into<String>, style: Style) -> &mut Rich {
        let text = text.into();
        if !text.is_empty() {
            self.0.push(Span { text, style });
        }
        self
    }

    pub fn plain(&mut self, text: impl Into<String>) -> &mut Rich {
        self.push(text, Style::Plain)
    }

    pub fn bold(&mut self, text: impl Into<String>) -> &mut Rich {
        self.push(text, Style::Bold)
    }

    pub fn italic(&mut self, text: impl Into<String>) -> &mut Rich {
        self.push(text, Style::Italic)
    }

    /// A search snippet, its matches in bold.
    pub fn snippet(&mut self, snippet: &digestbot_search::Snippet) -> &mut Rich {
        let mut at = 0;
        for &(a, b) in &snippet.highlights {
            self.plain(&snippet.text[at..a]);
            self.bold(&snippet.text[a..b]);
            at = b;
        }
        self.plain(&snippet.text[at..])
    }

    /// The text without styles.
    pub fn to_plain(&self) -> String {
        self.0.iter().map(|s| s.text.as_str()).collect()
    }
}

/// Text without styles, as a reply.
pub fn plain(text: &str) -> Rich {
    let mut rich = Rich::new();
    rich.plain(text);
    rich
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    pub label: String,
    pub action: Action,
}

/// A file sent with a caption (a photo for a chart, a document for a table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attached {
    pub file: Attachment,
    /// The text under the file, and its buttons. A caption too long for the edge is sent as a
    /// message of its own after the file.
    pub caption: Message,
}

/// One message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Message {
    pub text: Rich,
    /// Rows of buttons.
    pub buttons: Vec<Vec<Button>>,
}

/// What the bot does in answer to one input.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Response {
    /// New messages, in order (a long section takes several).
    pub messages: Vec<Message>,
    /// Replaces the message a button was pressed on (paging, navigating).
    pub edit: Option<Message>,
    /// A short notice for whoever pressed a button (Telegram's callback answer).
    pub notice: Option<String>,
    /// Work the edge must start, whose reply comes when it is done.
    pub effect: Option<Effect>,
    /// A file sent after the messages: a chart, a table.
    pub attachment: Option<Box<Attached>>,
}

/// Slow work an input asks for: the edge runs it off its handler with
/// [`crate::App::perform`], which answers when it is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Reload the corpus ([`crate::App::reload`]).
    Reload,
    /// Make the corpus change an admin confirmed (the offer with this token), then reload.
    Apply(u32),
    /// Compare the two ids (as typed, space-separated) and answer with this page of the result
    /// (0: the summary). Long texts take a while, so this runs off the edge's async workers. With
    /// `in_place` (a button asked), the result replaces the button's message; a refusal never does.
    Compare { ids: Box<str>, page: u32, in_place: bool },
    /// The comparison of the two ids as a spreadsheet.
    ExportComparison(Box<str>),
}

impl Response {
    pub fn message(message: Message) -> Response {
        Response { messages: vec![message], ..Response::default() }
    }

    pub fn text(text: Rich) -> Response {
        Response::message(Message { text, buttons: Vec::new() })
    }

    pub fn notice(text: impl Into<String>) -> Response {
        Response { notice: Some(text.into()), ..Response::default() }
    }

    /// Nothing at all: silence is the right answer to some input.
    pub fn silence() -> Response {
        Response::default()
    }
}
