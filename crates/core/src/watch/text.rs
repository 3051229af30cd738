//! The wording of watched words. (Part of the bot's wording, kept beside the service that uses
//! it; see `crate::text`.)

pub use crate::text::*;

pub const WATCH_PRIVATE_ONLY: &str = "关注词语只能在私聊中使用：请私聊我发送 /watch 词。";
pub const WATCH_UNAVAILABLE: &str = "关注词语只在 Telegram 中提供。";
pub const WATCH_FAILED: &str = "关注的词暂时无法保存，请稍后再试。";

pub const WATCH_NONE: &str = "你还没有关注任何词。发送 /watch 词，以后新增或改动的摘登里出现这个词，我会发消息告诉你，\
例如：/watch 人大代表";

/// `/watch` alone: the words watched, oldest first.
pub fn watch_list(words: &[&str], max: usize) -> String {
    let lines: Vec<String> = words.iter().enumerate().map(|(i, w)| format!("{}. {w}", i + 1)).collect();
    format!(
        "你关注的词（{}/{max}）：\n{}\n\n新增或改动的摘登里出现它们时，我会发消息告诉你。/unwatch 词 取消关注。",
        words.len(),
        lines.join("\n")
    )
}

/// `/unwatch` alone: the words, with a button each.
pub fn unwatch_choices(n: usize) -> String {
    format!("你关注了 {n} 个词。点按钮取消关注，或发送 /unwatch 词：")
}

/// A button that stops watching `words`.
pub fn unwatch_button(words: &str) -> String {
    format!("✖ {words}")
}

/// `total`: how many passages hold the words now.
pub fn watching(words: &str, total: usize) -> String {
    format!(
        "已关注「{words}」。以后新增或改动的摘登里有段落包含它，我会发消息告诉你（目前语料库里有 {total} 段）。\n\
         /watch 查看全部关注；/unwatch {words} 取消。"
    )
}

pub fn already_watching(words: &str) -> String {
    format!("你已经关注了「{words}」，不用重复添加。/watch 查看全部关注。")
}

pub fn watch_full(max: usize) -> String {
    format!("最多可以关注 {max} 个词，已经满了。请先用 /unwatch 取消一个，再添加新的。")
}

pub fn watch_common(words: &str) -> String {
    format!("「{words}」只是“的、和、我们”这类常用字词，几乎每段都有，关注它只会收到太多通知。请换一个提法。")
}

pub fn unwatched(words: &str) -> String {
    format!("已取消关注「{words}」。")
}

pub fn not_watching(words: &str) -> String {
    format!("你没有关注「{words}」。/watch 查看你关注的词。")
}

pub const UNWATCHED_ALL: &str = "已全部取消关注。";

/// The heading of an alert.
pub const ALERT_HEADER: &str = "🔔 你关注的词出现在新的段落里";

/// One watched term in an alert: how many new or changed passages hold it.
pub fn alert_term(words: &str, count: usize) -> String {
    format!("「{words}」新增 {count} 段")
}

/// After the first hits of a term, those not shown.
pub fn alert_more(more: usize) -> String {
    format!("另有 {more} 段未列出")
}
