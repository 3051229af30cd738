//! Button actions, and their encoding as Telegram callback data (at most 64 bytes).

/// What pressing a button does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A page of search results; only `owner` may turn it.
    Page { owner: i64, page: u32, query: QueryRef },
    /// A page of the speeches whose speaker or title matches `/speaker` words; only `owner` may
    /// turn it.
    SpeakerPage { owner: i64, page: u32, query: QueryRef },
    /// Open a digest, speech, section or passage by id (ids are at most 32 characters).
    Open(String),
    /// A whole section, the one the passage `id` is in.
    Section(String),
    /// A page of the speaker list.
    Speakers(u32),
    /// A page of the table of contents.
    Toc(u32),
    /// Make the corpus change offered under this token (admins).
    Confirm(u32),
    /// Drop the corpus change offered under this token.
    Cancel(u32),
    /// Send what a search, a verification or a trend found as a spreadsheet; only `owner` may.
    Export { owner: i64, of: Findings, query: QueryRef },
    /// A page of a comparison (0: the summary) of the two ids cached under `key` for the presser.
    Compare { page: u32, key: u64 },
    /// A page of the digests to compare: the first to pick, or (`first`: its cached id) the second.
    ComparePick { page: u32, first: Option<u64> },
    /// The first digest to compare is picked.
    CompareFirst(String),
    /// The second is picked: compare it with the one cached under `first`.
    CompareSecond { first: u64, id: String },
    /// Stop the watch with this number (only the chat's own: the store looks in no other).
    Unwatch(i64),
}

/// What an export button exports: the answer it is under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Findings {
    Search,
    Verify,
    Trend,
    /// A comparison: the query is the two ids.
    Compare,
}

impl Findings {
    fn code(self) -> char {
        match self {
            Findings::Search => 's',
            Findings::Verify => 'v',
            Findings::Trend => 't',
            Findings::Compare => 'd',
        }
    }

    fn of_code(c: char) -> Option<Findings> {
        match c {
            's' => Some(Findings::Search),
            'v' => Some(Findings::Verify),
            't' => Some(Findings::Trend),
            'd' => Some(Findings::Compare),
            _ => None,
        }
    }
}

/// The query a result page is for: written into the button when it fits, else a key into the
/// query cache (which a restart empties; such buttons then say so).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryRef {
    Inline(String),
    Cached(u64),
}

/// Telegram's limit on callback data.
pub const MAX_CALLBACK_BYTES: usize = 64;

impl Action {
    /// The callback data for this action, or None when it cannot fit (a query too long to inline:
    /// use [`QueryRef::Cached`]).
    pub fn encode(&self) -> Option<String> {
        let data = match self {
            Action::Page { owner, page, query: QueryRef::Inline(q) } => format!("p{page}.{owner}.{q}"),
            Action::Page { owner, page, query: QueryRef::Cached(k) } => format!("c{page}.{owner}.{k}"),
            Action::SpeakerPage { owner, page, query: QueryRef::Inline(q) } => format!("w{page}.{owner}.{q}"),
            Action::SpeakerPage { owner, page, query: QueryRef::Cached(k) } => format!("W{page}.{owner}.{k}"),
            Action::Open(id) => format!("o{id}"),
            Action::Section(id) => format!("s{id}"),
            Action::Speakers(page) => format!("k{page}"),
            Action::Toc(page) => format!("t{page}"),
            Action::Confirm(token) => format!("y{token}"),
            Action::Cancel(token) => format!("n{token}"),
            Action::Export { owner, of, query: QueryRef::Inline(q) } => format!("x{}.{owner}.{q}", of.code()),
            Action::Export { owner, of, query: QueryRef::Cached(k) } => format!("X{}.{owner}.{k}", of.code()),
            Action::Compare { page, key } => format!("d{page}.{key}"),
            Action::ComparePick { page, first: None } => format!("q{page}"),
            Action::ComparePick { page, first: Some(key) } => format!("Q{page}.{key}"),
            Action::CompareFirst(id) => format!("f{id}"),
            Action::CompareSecond { first, id } => format!("F{first}.{id}"),
            Action::Unwatch(id) => format!("u{id}"),
        };
        (data.len() <= MAX_CALLBACK_BYTES).then_some(data)
    }

    /// Reads callback data; anything forged or from an older version is None.
    pub fn decode(data: &str) -> Option<Action> {
        let kind = data.chars().next()?;
        let rest = &data[kind.len_utf8()..];
        let safe_id = |id: &str| {
            (!id.is_empty()
                && id.len() <= 32
                && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
            .then(|| id.to_string())
        };
        match kind {
            'p' | 'c' | 'w' | 'W' => {
                let mut parts = rest.splitn(3, '.');
                let page = parts.next()?.parse().ok()?;
                let owner = parts.next()?.parse().ok()?;
                let last = parts.next()?;
                let query = if matches!(kind, 'p' | 'w') {
                    if last.trim().is_empty() {
                        return None;
                    }
                    QueryRef::Inline(last.to_string())
                } else {
                    QueryRef::Cached(last.parse().ok()?)
                };
                if matches!(kind, 'p' | 'c') {
                    Some(Action::Page { owner, page, query })
                } else {
                    Some(Action::SpeakerPage { owner, page, query })
                }
            }
            'o' => safe_id(rest).map(Action::Open),
            's' => safe_id(rest).map(Action::Section),
            'k' => rest.parse().ok().map(Action::Speakers),
            't' => rest.parse().ok().map(Action::Toc),
            'd' => {
                let (page, key) = rest.split_once('.')?;
                Some(Action::Compare { page: page.parse().ok()?, key: key.parse().ok()? })
            }
            'q' => Some(Action::ComparePick { page: rest.parse().ok()?, first: None }),
            'Q' => {
                let (page, key) = rest.split_once('.')?;
                Some(Action::ComparePick { page: page.parse().ok()?, first: Some(key.parse().ok()?) })
            }
            'f' => safe_id(rest).map(Action::CompareFirst),
            'F' => {
                let (first, id) = rest.split_once('.')?;
                Some(Action::CompareSecond { first: first.parse().ok()?, id: safe_id(id)? })
            }
            'y' => rest.parse().ok().map(Action::Confirm),
            'n' => rest.parse().ok().map(Action::Cancel),
            'u' => rest.parse().ok().map(Action::Unwatch),
            'x' | 'X' => {
                let mut chars = rest.chars();
                let of = Findings::of_code(chars.next()?)?;
                let mut parts = chars.as_str().strip_prefix('.')?.splitn(2, '.');
                let owner = parts.next()?.parse().ok()?;
                let last = parts.next()?;
                let query = if kind == 'x' {
                    if last.trim().is_empty() {
                        return None;
                    }
                    QueryRef::Inline(last.to_string())
                } else {
                    QueryRef::Cached(last.parse().ok()?)
                };
                Some(Action::Export { owner, of, query })
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_survive_a_round_trip_within_64_bytes() {
        let actions = [
            Action::Page { owner: 1_234_567_890, page: 3, query: QueryRef::Inline("人大代表 预算".into()) },
            Action::Page { owner: -100_123, page: 0, query: QueryRef::Cached(42) },
            Action::Page { owner: -1_009_876_543_210, page: u32::MAX, query: QueryRef::Cached(u64::MAX) },
            Action::SpeakerPage { owner: 7, page: 2, query: QueryRef::Inline("央视".into()) },
            Action::SpeakerPage { owner: 7, page: 2, query: QueryRef::Cached(u64::MAX) },
            Action::Open("anhui-renda-huiyi_p946vwwvn".into()),
            Action::Section("a-digest-id-of-22-char_pzzzzzzzz".into()),
            Action::Speakers(2),
            Action::Toc(0),
            Action::Confirm(u32::MAX),
            Action::Cancel(7),
            Action::Export {
                owner: -100_123,
                of: Findings::Trend,
                query: QueryRef::Inline("改革开放 | 新时代".into()),
            },
            Action::Export { owner: 1_234_567_890, of: Findings::Verify, query: QueryRef::Cached(u64::MAX) },
            Action::Export { owner: -100_123, of: Findings::Compare, query: QueryRef::Cached(u64::MAX) },
            Action::Compare { page: u32::MAX, key: u64::MAX },
            Action::ComparePick { page: 3, first: None },
            Action::ComparePick { page: u32::MAX, first: Some(u64::MAX) },
            Action::CompareFirst("a-digest-id-of-32-characters-xyz".into()),
            Action::CompareSecond { first: u64::MAX, id: "a-digest-id-of-32-characters-xyz".into() },
            Action::Unwatch(i64::MAX),
        ];
        for action in actions {
            let data = action.encode().unwrap();
            assert!(data.len() <= MAX_CALLBACK_BYTES);
            assert_eq!(Action::decode(&data), Some(action));
        }
        let long = Action::Page { owner: 1, page: 0, query: QueryRef::Inline("人".repeat(30)) };
        assert_eq!(long.encode(), None);
    }

    #[test]
    fn forged_callback_data_decodes_to_nothing() {
        for data in [
            "",
            "x",
            "p",
            "p1",
            "p1.2",
            "pa.b.c",
            "o",
            "o../etc",
            "o<b>",
            "k-1",
            "t9999999999999",
            "c1.2.x",
            "xq.1.a",
            "xs1.a",
            "Xv.1.k",
            "d1",
            "d.1",
            "Q1",
            "F1.",
            "Fx.abc",
            "f../x",
            "u",
            "u1.5",
        ] {
            assert_eq!(Action::decode(data), None, "{data}");
        }
    }
}
