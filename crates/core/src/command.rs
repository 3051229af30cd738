//! Commands as people type them: `/search 预算`, `/s@digestbot 预算`, `/start <payload>`.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `/start`, or `/start <passage id>` from a deep link.
    Start(Option<String>),
    Help,
    /// `/search` or `/s`.
    Search(String),
    Speaker(String),
    Read(String),
    Toc,
    Random,
    /// `/subscribe [HH:MM] [Area/City]`: the daily section for this chat.
    Subscribe(String),
    Unsubscribe,
    /// The daily section's status.
    Daily,
    /// The section due today, without advancing anything.
    Today,
    /// Reload the corpus (admins).
    Reload,
    /// How the bot is doing (admins).
    Stats,
    /// `/remove <digest id or file>`: take a digest out of the corpus (admins).
    Remove(String),
    /// `/verify <quotation>`: where a quotation comes from, and how it differs.
    Verify(String),
    /// `/trend <words> [| <words>…]`: a chart of matching passages per year.
    Trend(String),
    /// `/export <words>`: the hits of a search as a spreadsheet.
    Export(String),
    /// `/compare <id> <id>`: two digests or speeches side by side; alone, pick them with buttons.
    Compare(String),
    /// `/watch <words>`: be told of new passages the words find; alone, the words watched.
    Watch(String),
    /// `/unwatch <words>`; alone, a button for each word watched.
    Unwatch(String),
}

impl Command {
    /// Changes a chat's settings: in a group only its administrators may.
    pub fn changes_chat(&self) -> bool {
        matches!(self, Command::Subscribe(_) | Command::Unsubscribe)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Said {
    Command(Command),
    /// A command this bot does not have; `addressed` when it was written `/cmd@thisbot`.
    Unknown {
        name: String,
        addressed: bool,
    },
    /// `/cmd@otherbot`: not for us.
    OtherBot,
    /// Not a command at all.
    Text,
}

/// Parses a message text. `me` is the bot's username, so `/cmd@me` is ours and `/cmd@other` not.
pub fn parse(text: &str, me: &str) -> Said {
    let Some(rest) = text.trim_start().strip_prefix('/') else { return Said::Text };
    let (head, args) = match rest.find(char::is_whitespace) {
        Some(i) => (&rest[..i], rest[i..].trim()),
        None => (rest, ""),
    };
    let (name, target) = match head.split_once('@') {
        Some((name, target)) => (name, Some(target)),
        None => (head, None),
    };
    if target.is_some_and(|t| !t.eq_ignore_ascii_case(me)) {
        return Said::OtherBot;
    }
    let args = args.to_string();
    let command = match name.to_ascii_lowercase().as_str() {
        "start" => Command::Start((!args.is_empty()).then_some(args)),
        "help" => Command::Help,
        "search" | "s" => Command::Search(args),
        "speaker" => Command::Speaker(args),
        "read" => Command::Read(args),
        "toc" => Command::Toc,
        "random" => Command::Random,
        "subscribe" => Command::Subscribe(args),
        "unsubscribe" => Command::Unsubscribe,
        "daily" => Command::Daily,
        "today" => Command::Today,
        "reload" => Command::Reload,
        "stats" => Command::Stats,
        "remove" => Command::Remove(args),
        "verify" | "v" => Command::Verify(args),
        "trend" => Command::Trend(args),
        "export" => Command::Export(args),
        "compare" => Command::Compare(args),
        "watch" => Command::Watch(args),
        "unwatch" => Command::Unwatch(args),
        "" => return Said::Text,
        _ => return Said::Unknown { name: name.to_string(), addressed: target.is_some() },
    };
    Said::Command(command)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_parse_with_and_without_the_bot_name() {
        let p = |t| parse(t, "digestbot");
        assert_eq!(p("/search 人大代表"), Said::Command(Command::Search("人大代表".into())));
        assert_eq!(p("/s@digestbot  预算  "), Said::Command(Command::Search("预算".into())));
        assert_eq!(p("/S@DigestBot 预算"), Said::Command(Command::Search("预算".into())));
        assert_eq!(p("/search@otherbot 预算"), Said::OtherBot);
        assert_eq!(p("/start"), Said::Command(Command::Start(None)));
        assert_eq!(p("/start abc_p12"), Said::Command(Command::Start(Some("abc_p12".into()))));
        assert_eq!(p("/frobnicate"), Said::Unknown { name: "frobnicate".into(), addressed: false });
        assert_eq!(p("/frob@digestbot"), Said::Unknown { name: "frob".into(), addressed: true });
        assert_eq!(p("人大代表"), Said::Text);
        assert_eq!(p("/"), Said::Text);
        assert_eq!(p("/search"), Said::Command(Command::Search(String::new())));
        assert_eq!(p("/verify 坚持稳中求进"), Said::Command(Command::Verify("坚持稳中求进".into())));
        assert_eq!(p("/trend 改革开放 | 新时代"), Said::Command(Command::Trend("改革开放 | 新时代".into())));
        assert_eq!(p("/export@digestbot 预算"), Said::Command(Command::Export("预算".into())));
        assert_eq!(p("/compare gwr-2022  gwr-2023"), Said::Command(Command::Compare("gwr-2022  gwr-2023".into())));
        assert_eq!(p("/watch 人大代表  预算"), Said::Command(Command::Watch("人大代表  预算".into())));
        assert_eq!(p("/unwatch"), Said::Command(Command::Unwatch(String::new())));
    }
}
