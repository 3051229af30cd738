//! What Telegram accepts as a message in HTML parse mode: only its tags, balanced, entities
//! escaped, at most 4096 UTF-16 units of visible text, and not empty.

const ALLOWED_TAGS: &[&str] =
    &["b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "blockquote"];

/// Why Telegram would refuse `html`, if it would.
pub fn problem(html: &str) -> Option<String> {
    let mut stack: Vec<&str> = Vec::new();
    let mut visible = String::new();
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            let Some(end) = rest.find('>') else { return Some(format!("unclosed tag in {html}")) };
            let tag = &rest[1..end];
            if let Some(name) = tag.strip_prefix('/') {
                if stack.pop() != Some(name) {
                    return Some(format!("unbalanced </{name}> in {html}"));
                }
            } else {
                let name = tag.split_whitespace().next().unwrap_or("");
                if !ALLOWED_TAGS.contains(&name) {
                    return Some(format!("tag <{name}> is not allowed: {html}"));
                }
                stack.push(name);
            }
            rest = &rest[end + 1..];
        } else if c == '&' {
            let Some(end) = rest.find(';') else { return Some(format!("bare & in {html}")) };
            visible.push(match &rest[..=end] {
                "&lt;" => '<',
                "&gt;" => '>',
                "&amp;" => '&',
                "&quot;" => '"',
                entity => return Some(format!("unknown entity {entity} in {html}")),
            });
            rest = &rest[end + 1..];
        } else {
            visible.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    if !stack.is_empty() {
        return Some(format!("unclosed {stack:?} in {html}"));
    }
    let units: usize = visible.chars().map(char::len_utf16).sum();
    if units > 4096 || visible.trim().is_empty() {
        return Some(format!("{units} UTF-16 units of visible text in {html}"));
    }
    None
}
