//! The optional TOML front matter between two `+++` lines at the top of a file.

use super::ProblemLog;
use crate::model::{Severity, trim};

#[derive(Default)]
pub(super) struct FrontMatter {
    pub title: Option<String>,
    pub date: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    pub editor: Option<String>,
}

/// The front matter of a file's `lines`, if it has one, and the index of the first line after it.
/// None when front matter is opened and never closed: the file is not loaded then, since where the
/// text starts cannot be told.
pub(super) fn read(log: &mut ProblemLog<'_>, lines: &[(u32, &str)]) -> Option<(FrontMatter, usize)> {
    let has_front_matter = lines.first().is_some_and(|(_, l)| trim(l) == "+++");
    if !has_front_matter {
        return Some((FrontMatter::default(), 0));
    }
    let Some(close) = lines.iter().skip(1).position(|(_, l)| trim(l) == "+++") else {
        log.add(
            1,
            Severity::Error,
            "front matter opened with `+++` is never closed by another `+++` line; file not loaded",
        );
        return None;
    };
    let close = close + 1;
    Some((parse_toml(log, &lines[1..close]), close + 1))
}

fn parse_toml(log: &mut ProblemLog<'_>, lines: &[(u32, &str)]) -> FrontMatter {
    let mut front_matter = FrontMatter::default();
    let first = lines.first().map_or(2, |(no, _)| *no);
    let text: String = lines.iter().map(|(_, l)| format!("{l}\n")).collect();
    let table: toml::Table = match text.parse() {
        Ok(table) => table,
        Err(e) => {
            let line = e.span().map_or(0, |s| text[..s.start].matches('\n').count() as u32);
            let message = e.message().to_string();
            log.add(
                first + line,
                Severity::Error,
                format!("front matter is not valid TOML ({message}); it is ignored"),
            );
            return front_matter;
        }
    };
    // The TOML table no longer knows where its keys were; messages should point at them.
    let key_line = |key: &str| lines.iter().find(|(_, l)| l.trim_start().starts_with(key)).map_or(first, |(no, _)| *no);
    for (key, value) in table {
        let slot = match key.as_str() {
            "title" => &mut front_matter.title,
            "date" => &mut front_matter.date,
            "source" => &mut front_matter.source,
            "url" => &mut front_matter.url,
            "editor" => &mut front_matter.editor,
            _ => {
                log.add(
                    key_line(&key),
                    Severity::Warning,
                    format!("unknown front matter key `{key}` is ignored (known: title, date, source, url, editor)"),
                );
                continue;
            }
        };
        let text = match (&value, key.as_str()) {
            (toml::Value::String(s), _) => s.trim().to_string(),
            (toml::Value::Datetime(d), "date") => d.to_string(),
            _ => {
                log.add(
                    key_line(&key),
                    Severity::Error,
                    format!("front matter `{key}` must be a string; it is ignored"),
                );
                continue;
            }
        };
        if key == "date" && chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d").is_err() {
            log.add(
                key_line(&key),
                Severity::Error,
                format!("front matter `date` must be a date like 2024-03-05, not `{text}`; it is ignored"),
            );
            continue;
        }
        if !text.is_empty() {
            *slot = Some(text);
        }
    }
    front_matter
}
