//! `digestbot chat`: the bot in a terminal, over the same core as Telegram. Type what you would
//! send the bot (`/search 预算`, or plain text); buttons are listed as numbers you can type.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use digestbot_core::attachment::Attachment;

use digestbot_core::reply::{Button, Message, Response};
use digestbot_core::{App, Caller};

use crate::plain::{Emphasis, render};
use crate::text as msg;

/// The terminal user, chatting privately.
const CALLER: Caller = Caller::private(1);
/// The bot's name in `/cmd@name`.
const ME: &str = "digestbot";

fn print_message(
    out: &mut impl Write,
    message: &Message,
    emphasis: Emphasis,
    choices: &mut Vec<Button>,
) -> std::io::Result<()> {
    writeln!(out, "{}", render(&message.text, emphasis))?;
    for row in &message.buttons {
        let labels: Vec<String> = row
            .iter()
            .map(|b| {
                choices.push(b.clone());
                format!("[{}] {}", choices.len(), b.label)
            })
            .collect();
        writeln!(out, "{}", labels.join("  "))?;
    }
    Ok(())
}

fn print_response(
    out: &mut impl Write,
    response: &Response,
    emphasis: Emphasis,
    choices: &mut Vec<Button>,
) -> std::io::Result<()> {
    choices.clear();
    if let Some(notice) = response.notice.as_ref().filter(|n| !n.is_empty()) {
        writeln!(out, "{}", msg::chat_notice(notice))?;
    }
    for message in response.edit.iter().chain(&response.messages) {
        print_message(out, message, emphasis, choices)?;
        writeln!(out)?;
    }
    if let Some(attached) = &response.attachment {
        print_message(out, &attached.caption, emphasis, choices)?;
        if let Attachment::Chart(chart) = &attached.file {
            writeln!(out, "{}", msg::series_text(chart))?;
        }
        match save(&attached.file) {
            Ok(path) => writeln!(out, "{}", msg::saved(&path))?,
            Err(why) => writeln!(out, "{}", msg::file_not_saved(&why))?,
        }
        writeln!(out)?;
    }
    Ok(())
}

/// A terminal cannot show a chart or a spreadsheet: it is written to a new file in the temporary
/// directory, whose path is printed.
fn save(file: &Attachment) -> Result<PathBuf, String> {
    let (name, extension, bytes) = match file {
        Attachment::Chart(chart) => {
            ("digestbot-trend", "png", digestbot_export::chart_png(chart).map_err(|e| e.to_string())?)
        }
        Attachment::Table(table) => {
            (table.name.as_str(), "xlsx", digestbot_export::xlsx(table, None).map_err(|e| e.to_string())?)
        }
    };
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis());
    let path = std::env::temp_dir().join(format!("{name}-{stamp}.{extension}"));
    std::fs::write(&path, bytes).map_err(|e| e.to_string())?;
    Ok(path)
}

/// Reads lines from `input` until it ends (or `/quit`), answering each on `out`. `prompt` shows
/// `> ` before each line, for a person at a terminal.
pub fn run(
    app: &App,
    mut input: impl BufRead,
    mut out: impl Write,
    emphasis: Emphasis,
    prompt: bool,
) -> std::io::Result<()> {
    let mut choices: Vec<Button> = Vec::new();
    let mut bytes = Vec::new();
    loop {
        if prompt {
            write!(out, "> ")?;
            out.flush()?;
        }
        bytes.clear();
        if input.read_until(b'\n', &mut bytes)? == 0 {
            break;
        }
        // A line that is not UTF-8 (a terminal in another encoding, binary pasted in) is answered
        // like any other, its bad bytes as U+FFFD: one such line must not end the chat.
        let line = String::from_utf8_lossy(&bytes);
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if matches!(line, "/quit" | "/exit") {
            break;
        }
        let response = match line.parse::<usize>().ok().and_then(|n| n.checked_sub(1)).and_then(|i| choices.get(i)) {
            Some(choice) => match choice.action.encode() {
                Some(data) => app.handle_callback(CALLER, &data),
                None => Response::silence(),
            },
            None => app.handle_text(CALLER, line, ME),
        };
        print_response(&mut out, &response, emphasis, &mut choices)?;
        // The terminal has time to wait for slow work.
        if let Some(effect) = response.effect {
            print_response(&mut out, &app.perform(CALLER, effect), emphasis, &mut choices)?;
        }
        out.flush()?;
    }
    Ok(())
}
