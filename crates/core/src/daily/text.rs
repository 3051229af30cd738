//! The wording of daily sections.

pub use crate::text::*;

/// `08:00（Asia/Shanghai）`
pub fn daily_schedule(time: &str, zone: &str) -> String {
    format!("每天 {time}（{zone}）")
}

/// `第 7/19 节`
pub fn plan_position(index: usize, total: usize) -> String {
    format!("第 {}/{total} 节", index + 1)
}

/// `2026-12-01 08:00`
pub fn local_time(date: &str, time: &str) -> String {
    format!("{date} {time}")
}

pub fn daily_started(schedule: &str, next: &str, position: &str) -> String {
    format!(
        "已开启每日一节：{schedule}推送一节。\n下一次：{next}\n下一节：{position}\n\n/daily 查看状态，/unsubscribe 停止。"
    )
}

pub fn daily_status(schedule: &str, next: &str, position: &str, last: Option<(&str, &str)>) -> String {
    let last = match last {
        Some((when, what)) => format!("{when}，{what}"),
        None => "还没有推送过".to_string(),
    };
    format!("每日一节：{schedule}\n下一次：{next}\n下一节：{position}\n上一次：{last}")
}

/// A stopped daily section; `by_request` when someone stopped it with /unsubscribe, not because the
/// bot could no longer write here.
pub fn daily_stopped_status(position: &str, by_request: bool) -> String {
    let why = if by_request {
        "每日一节已停止。"
    } else {
        "每日一节已停止：机器人曾无法在这里发消息（被移出或被屏蔽）。"
    };
    format!("{why}阅读进度保留在{position}；发送 /subscribe 从这里继续。")
}

/// `schedule` is what /subscribe without arguments means, e.g. `每天 08:00（Asia/Shanghai）`.
pub fn daily_not_subscribed(schedule: &str) -> String {
    format!(
        "这个聊天还没有开启每日一节。发送 /subscribe 开启（{schedule}），或指定时间和时区，例如 /subscribe 07:30 Asia/Shanghai"
    )
}
pub const DAILY_UNSUBSCRIBED: &str = "已停止每日一节。阅读进度已保留，发送 /subscribe 即从原处继续。";
pub const DAILY_ADMINS_ONLY: &str = "只有群管理员可以设置本群的每日一节。";
pub const ADMIN_CHECK_FAILED: &str = "暂时无法向 Telegram 确认你是不是本群管理员，设置没有改动。请稍后再试。";
pub const DAILY_UNAVAILABLE: &str = "每日一节只在 Telegram 中提供。";
pub const DAILY_FAILED: &str = "每日一节的设置暂时无法保存，请稍后再试。";

pub fn bad_daily_time(token: &str) -> String {
    format!("看不懂时间「{token}」。请用 24 小时制的 时:分，例如 /subscribe 08:00 或 /subscribe 21:30 Europe/Berlin")
}

pub fn bad_time_zone(token: &str) -> String {
    format!(
        "不认识时区「{token}」。请用 IANA 时区名，例如 /subscribe 08:00 Asia/Shanghai（也可以是 Europe/Berlin、America/New_York）"
    )
}

pub const DAILY_TOO_MANY_ARGS: &str =
    "参数太多了。用法：/subscribe [时:分] [时区]，例如 /subscribe 08:00 Asia/Shanghai";

/// The heading of a daily delivery.
pub fn daily_header(position: &str) -> String {
    format!("📖 每日一节 · {position}")
}

/// When the section `/today` shows comes.
pub enum Coming<'a> {
    /// Delivered today already.
    Delivered,
    /// Later today, at this local time.
    Today(&'a str),
    /// On a later day (the chat subscribed after today's time), at this local date and time.
    Later(&'a str),
}

/// The heading of `/today`.
pub fn today_header(position: &str, due: Coming<'_>) -> String {
    match due {
        Coming::Delivered => format!("📖 今天的一节（已推送）· {position}"),
        Coming::Today(time) => format!("📖 今天的一节（{time} 推送）· {position}"),
        Coming::Later(when) => format!("📖 下一节（今天没有推送，{when} 推送）· {position}"),
    }
}

pub fn plan_restarts(total: usize) -> String {
    format!("全部 {total} 节已经读完，今天从头开始。")
}

pub const READ_ON: &str = "在机器人里接着读 ›";
pub const EDITORS_NOTE: &str = "编者按";
