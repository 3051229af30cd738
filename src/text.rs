//! The binary's own wording: the terminal twin's, and what the command line tells operators
//! (in English: operator diagnostics are English).

// The terminal.

/// A link in a terminal: the command that opens it.
pub fn chat_link(text: &str, id: &str) -> String {
    format!("{text}（/read {id}）")
}

/// A button's short notice in a terminal.
pub fn chat_notice(notice: &str) -> String {
    format!("（{notice}）")
}

pub const CHAT_INTRO: &str = "digestbot 终端版：像在 Telegram 里一样输入，例如 /search 人大代表 或直接输入词语；\
按钮显示为 [1] [2]…，输入数字即可点按。/help 查看用法，/quit 退出。";

/// A chart's series as text: a line per term, `period count` pairs (the terminal cannot show the
/// picture).
pub fn series_text(chart: &digestbot_core::attachment::Chart) -> String {
    let lines: Vec<String> = chart
        .series
        .iter()
        .enumerate()
        .map(|(i, series)| {
            let points: Vec<String> =
                chart.periods.iter().zip(&series.counts).map(|(period, count)| format!("{period} {count}")).collect();
            format!("{}「{}」：{}", i + 1, series.term, points.join("，"))
        })
        .collect();
    lines.join("\n")
}

/// Where the terminal put a file it cannot show.
pub fn saved(path: &std::path::Path) -> String {
    format!("已保存：{}", path.display())
}

pub fn file_not_saved(why: &str) -> String {
    format!("文件没有保存：{why}")
}

// The command line (operators).

/// `search --csv` printed fewer rows than match.
pub fn csv_capped(total: usize, rows: usize) -> String {
    format!("digestbot: {total} passages match; the CSV holds the first {rows} (the export limit)")
}

pub const MISSING_TOKEN: &str = "digestbot: TELOXIDE_TOKEN is not set, nor the config key `token_file` (a file \
holding the token). Get a token from @BotFather and run\n  \
TELOXIDE_TOKEN=123:abc digestbot serve\nor try the bot without Telegram: digestbot chat";

/// `check`'s line for an editor's note.
pub fn check_note(paragraphs: usize) -> String {
    format!("编者按: {paragraphs} paragraph(s)")
}

/// `deliver --at` a time well after the real clock, refused.
pub fn deliver_at_ahead(at: &str) -> String {
    format!(
        "digestbot: --at {at} is more than a day after the clock of this machine; every chat would be marked as delivered up to then. Check the date, or add --at-any-time if it is meant"
    )
}

/// What `digestbot deliver` did.
pub fn delivered(delivered: usize, stopped: usize) -> String {
    format!("delivered {delivered} daily section(s); {stopped} chat(s) could not be reached and were unsubscribed")
}

pub const TOKEN_REJECTED: &str = "digestbot: Telegram rejected TELOXIDE_TOKEN (Unauthorized or Not Found). \
Check the token from @BotFather, and TELOXIDE_API_URL if you set it.";
