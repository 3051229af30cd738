//! Every user-facing string and format, in one place: the wording of the bot can be read and
//! changed here without touching its logic. Users read Chinese; operator diagnostics are English.

use digestbot_search::QueryError;

pub use crate::naming::*;

/// The commands, as Telegram's menu shows them and in `/help` order.
pub const COMMANDS: &[(&str, &str)] = &[
    ("search", "搜索段落，例如 /search 人大代表"),
    ("speaker", "按发言人浏览，例如 /speaker 合肥"),
    ("read", "按编号阅读段落、小节或发言"),
    ("toc", "目录：摘登 → 发言 → 小节"),
    ("random", "随机一段"),
    ("verify", "核对引文出处，例如 /verify 坚持稳中求进工作总基调"),
    ("trend", "一个提法的历年趋势图，例如 /trend 改革开放 | 高质量发展"),
    ("export", "把搜索结果导出为 Excel，例如 /export 人大代表"),
    ("compare", "对比两篇：改了什么、新提法、变化的数字，例如 /compare gwr-2022 gwr-2023"),
    ("watch", "关注一个词，新摘登里出现时通知你，例如 /watch 人大代表"),
    ("unwatch", "取消关注"),
    ("today", "今天的每日一节"),
    ("daily", "每日推送的状态"),
    ("subscribe", "每天定时推送一节，例如 /subscribe 08:00 Asia/Shanghai"),
    ("unsubscribe", "停止每日推送"),
    ("help", "使用说明"),
    ("start", "开始"),
];

/// Commands only admins see, in their menu and in `/help`.
pub const ADMIN_COMMANDS: &[(&str, &str)] = &[
    ("reload", "重新加载语料库（管理员）"),
    ("remove", "把一份摘登移出语料库（管理员）"),
    ("stats", "运行状态（管理员）"),
];

pub fn query_error(e: &QueryError) -> String {
    match e {
        QueryError::Empty => "请输入要搜索的词，例如：人大代表".to_string(),
        QueryError::NoWords => "只有标点或符号，没有可搜索的词。请输入汉字、字母或数字，例如：预算".to_string(),
        QueryError::TooLong { max, .. } => format!("查询太长了（最多 {max} 个字）。请缩短后再试，例如只搜一个词。"),
    }
}

pub fn no_results(query: &str) -> String {
    format!("没有找到包含「{query}」的段落。试试更短的词，或只搜其中一个词。")
}

pub fn total(n: usize) -> String {
    format!("共 {n} 段")
}

pub const SEARCH_FAILED: &str = "搜索出错了，请稍后再试。";

// The bot's replies. Everything a person reads in Telegram or the terminal is here.

pub fn welcome(digests: usize, speeches: usize, passages: usize) -> String {
    format!(
        "欢迎！这里收录了 {digests} 份摘登、{speeches} 篇发言、{passages} 段文字，可以搜索、按发言人浏览、逐段阅读。\n\n\
         试试：\n/search 人大代表 — 搜索包含这个词的每一段\n/speaker 合肥 — 按发言人找发言\n/toc — 目录\n/random — 随机一段\n\n\
         研究：/verify 引文 — 核对出处；/trend 词 — 历年趋势图；/compare — 对比两篇；/export 词 — 导出 Excel\n\n\
         私聊时直接发送文字就是搜索。/help 查看全部用法。"
    )
}

pub const HELP: &str = "用法\n\n\
/search 词 （或 /s 词）— 找出包含这个词的每一段，最相关的在前。\n\
  多个词用空格分开：/search 人大 监督（每个词都要出现）\n\
  只看某位发言人：/search @合肥 预算\n\
  繁体、全角都可以：人民代表大會、２０２４年\n\
/speaker — 全部发言人；/speaker 合肥 — 找发言人或发言标题\n\
/read 编号 — 阅读一段、一节或一篇发言（编号见每条结果末尾）\n\
/toc — 目录：摘登 → 发言 → 小节\n\
/random — 随机一段\n\n\
研究工具\n\
/verify 引文 — 核对引文出处：即使有错字、漏字、语序或繁简不同，也找出原文并标出差别\n\
/trend 词 — 这个词每年（或每月）出现在多少段里的图表，以及首次、最近出现和最常使用的发言人；\
多个词用 | 分开：/trend 改革开放 | 高质量发展\n\
/export 词 — 把搜索结果导出为 Excel（最多 10000 条）；搜索、核对和趋势的结果下面也有导出按钮\n\
/compare 编号 编号 — 对比两篇摘登或发言：逐段标出改动、移动、删去和新增，列出新提法、不再出现的提法和变化的数字；\
只发 /compare 可以用按钮挑选\n\n\
关注（私聊）：新增或改动的摘登里出现你关注的词时，发消息告诉你。\n\
/watch 词 — 关注（最多 20 个，写法同 /search）；/watch — 查看关注的词；/unwatch 词 — 取消\n\n\
每日一节：每天在设定的当地时间推送下一节，从头读到尾。\n\
/subscribe — 开启；/subscribe 21:30 Europe/Berlin — 指定时间和时区\n\
/daily — 推送状态；/today — 今天的一节；/unsubscribe — 停止（进度保留）\n\
群里只有管理员可以开启或停止。\n\n\
私聊时直接发送文字就是搜索。在任何聊天里输入 @机器人名 关键词，可以把段落分享出去。";

/// `/help`'s part for admins.
pub const HELP_ADMIN: &str = "\n\n管理员\n\
/reload — 重新加载语料库：有错误的文件会逐条列出，语料保持不变；成功时列出新增、删除和改动\n\
/remove 编号 — 把一份摘登移出语料库（文件移到语料目录旁的 removed/，不会删除）\n\
/stats — 运行状态：语料、内存、搜索延迟、每日一节\n\
在私聊里把 .txt 摘登文件发给我：先检查并列出大纲和问题，确认后加入语料库（同名文件确认后替换）。";

pub const SEARCH_USAGE: &str = "请在 /search 后面写上要找的词，例如：/search 人大代表";
pub const READ_USAGE: &str = "请在 /read 后面写上编号，例如搜索结果末尾的编号。也可以用 /toc 浏览目录。";

/// A list's heading, with ` · 第 2/5 页` when there is more than one page.
fn paged(head: String, page: usize, pages: usize) -> String {
    if pages > 1 { format!("{head} · 第 {page}/{pages} 页") } else { head }
}

pub fn search_header(query: &str, total: usize, page: usize, pages: usize) -> String {
    paged(format!("🔎「{query}」共 {total} 段"), page, pages)
}

pub const OPEN_PASSAGE: &str = "阅读全文 ›";
/// Under searches, verifications and trends.
pub const EXPORT_BUTTON: &str = "📥 导出 Excel";
pub const PREVIOUS: &str = "◀ 上一页";
pub const NEXT: &str = "下一页 ▶";
pub const PREVIOUS_PASSAGE: &str = "◀ 上一段";
pub const NEXT_PASSAGE: &str = "下一段 ▶";
pub const WHOLE_SECTION: &str = "全节";
pub const SPEECH_OUTLINE: &str = "发言目录";
pub const PREVIOUS_SECTION: &str = "◀ 上一节";
pub const NEXT_SECTION: &str = "下一节 ▶";
pub const TOC: &str = "目录";

pub const NOT_YOUR_SEARCH: &str = "这是别人的搜索结果，请自己搜索一次再翻页。";
pub const EXPIRED: &str = "这个按钮已过期，请重新搜索或用 /toc 浏览。";
pub const THROTTLED: &str = "操作太频繁了，请稍等几秒再试。";
pub const NOT_TEXT: &str = "请发送文字进行搜索，例如：人大代表。/help 查看用法。";

pub fn unknown_command(name: &str) -> String {
    format!("没有 /{name} 这个命令。/help 查看全部用法。")
}

pub fn not_found_id(id: &str) -> String {
    format!("找不到编号「{id}」。它可能来自更新前的目录；请重新搜索，或用 /toc 浏览。")
}

pub fn speakers_header(total: usize, page: usize, pages: usize) -> String {
    paged(format!("发言人（共 {total} 篇发言）"), page, pages)
}

pub fn speaker_choices(query: &str, n: usize, page: usize, pages: usize) -> String {
    paged(format!("「{query}」对应 {n} 篇发言，请选择："), page, pages)
}

pub fn no_speaker(query: &str) -> String {
    format!("没有找到发言人或标题包含「{query}」的发言。全部发言人如下：")
}

pub fn toc_header(total: usize, page: usize, pages: usize) -> String {
    paged(format!("目录（共 {total} 份摘登）"), page, pages)
}

pub fn speech_count(n: usize) -> String {
    format!("共 {n} 篇发言")
}

pub fn section_count(n: usize) -> String {
    format!("共 {n} 节，点按钮阅读：")
}

pub const EMPTY_CORPUS: &str = "目前还没有收录任何摘登。";
