//! Every user-facing string and format, in one place: the wording of the bot can be read and
//! changed here without touching its logic. Users read Chinese; operator diagnostics are English.

use crate::app::reload::Outcome;
use crate::corpus::{Digest, Located, Section, Speech};
use crate::library::Diff;
use crate::search::QueryError;

/// The commands, as Telegram's menu shows them and in `/help` order.
pub const COMMANDS: &[(&str, &str)] = &[
    ("search", "搜索段落，例如 /search 人大代表"),
    ("speaker", "按发言人浏览，例如 /speaker 合肥"),
    ("read", "按编号阅读段落、小节或发言"),
    ("toc", "目录：摘登 → 发言 → 小节"),
    ("random", "随机一段"),
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

// How the corpus is named wherever it is shown.

/// `《speech title》`
pub fn title(speech: &Speech) -> String {
    format!("《{}》", speech.title)
}

/// `title，2024-03-05`, or the title alone when the date is unknown.
pub fn dated_title(digest: &Digest) -> String {
    match &digest.date {
        Some(date) => format!("{}，{date}", digest.title),
        None => digest.title.clone(),
    }
}

/// A speaker, or a mark for a speech without one.
pub fn speaker(speech: &Speech) -> &str {
    speech.speaker_name().unwrap_or(NO_SPEAKER)
}

/// A section's heading; an introduction and headless closing paragraphs are named for what they are.
pub fn heading(section: &Section, index: usize) -> &str {
    section.heading.as_deref().unwrap_or(if index == 0 { INTRO } else { UNTITLED_SECTION })
}

/// Parts of a line that says who and where, joined: `speaker · heading`.
pub fn byline<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    parts.into_iter().collect::<Vec<_>>().join(" · ")
}

/// `speaker · heading` under a passage; empty when the speech has neither.
pub fn passage_byline(speech: &Speech, section: &Section) -> String {
    byline(speech.speaker_name().into_iter().chain(section.heading.as_deref()))
}

/// Where a passage comes from: `《speech》 · speaker · section · digest，date`.
pub fn source(at: &Located<'_>) -> String {
    section_source(at.digest, at.speech, at.section)
}

/// Where a section comes from: `《speech》 · speaker · section · digest，date`.
pub fn section_source(digest: &Digest, speech: &Speech, section: &Section) -> String {
    let title = title(speech);
    let digest = dated_title(digest);
    byline(
        [title.as_str()]
            .into_iter()
            .chain(speech.speaker_name())
            .chain(section.heading.as_deref())
            .chain([digest.as_str()]),
    )
}

/// A source under the text it attributes.
pub fn attribution(source: &str) -> String {
    format!("— {source}")
}

/// A speech as a choice: `speaker：title`.
pub fn speech_choice(speech: &Speech) -> String {
    format!("{}：{}", speaker(speech), speech.title)
}

/// A line of the speaker list: `speaker — 《title》`.
pub fn speaker_line(speech: &Speech) -> String {
    format!("{} — {}", speaker(speech), title(speech))
}

/// An inline result's title: `《title》 · speaker`.
pub fn article_title(speech: &Speech) -> String {
    byline([title(speech).as_str()].into_iter().chain(speech.speaker_name()))
}

/// Text cut short.
pub fn cut_short(text: &str) -> String {
    format!("{text}…")
}

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
pub const NO_SPEAKER: &str = "（无发言人）";

// The bot's replies. Everything a person reads in Telegram or the terminal is here.

pub fn welcome(digests: usize, speeches: usize, passages: usize) -> String {
    format!(
        "欢迎！这里收录了 {digests} 份摘登、{speeches} 篇发言、{passages} 段文字，可以搜索、按发言人浏览、逐段阅读。\n\n\
         试试：\n/search 人大代表 — 搜索包含这个词的每一段\n/speaker 合肥 — 按发言人找发言\n/toc — 目录\n/random — 随机一段\n\n\
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
pub const PREVIOUS: &str = "◀ 上一页";
pub const NEXT: &str = "下一页 ▶";
pub const PREVIOUS_PASSAGE: &str = "◀ 上一段";
pub const NEXT_PASSAGE: &str = "下一段 ▶";
pub const WHOLE_SECTION: &str = "全节";
pub const SPEECH_OUTLINE: &str = "发言目录";
pub const PREVIOUS_SECTION: &str = "◀ 上一节";
pub const NEXT_SECTION: &str = "下一节 ▶";
pub const INTRO: &str = "引言";
pub const UNTITLED_SECTION: &str = "（续）";
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

// Daily sections.

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
pub enum Due<'a> {
    /// Delivered today already.
    Delivered,
    /// Later today, at this local time.
    Today(&'a str),
    /// On a later day (the chat subscribed after today's time), at this local date and time.
    Later(&'a str),
}

/// The heading of `/today`.
pub fn today_header(position: &str, due: Due<'_>) -> String {
    match due {
        Due::Delivered => format!("📖 今天的一节（已推送）· {position}"),
        Due::Today(time) => format!("📖 今天的一节（{time} 推送）· {position}"),
        Due::Later(when) => format!("📖 下一节（今天没有推送，{when} 推送）· {position}"),
    }
}

pub fn plan_restarts(total: usize) -> String {
    format!("全部 {total} 节已经读完，今天从头开始。")
}

pub const READ_ON: &str = "在机器人里接着读 ›";
pub const EDITORS_NOTE: &str = "编者按";

// Administration.

pub const ADMINS_ONLY: &str = "抱歉，这个命令只有管理员可以使用。";
pub const RELOADING: &str = "正在重新加载语料库……（加载期间搜索照常）";

/// Items of a diff list shown, at most; the rest are counted.
const DIFF_ITEMS: usize = 10;

fn diff_items(out: &mut String, head: &str, items: &[(String, String)]) {
    if items.is_empty() {
        return;
    }
    out.push_str(&format!("\n{head}（{}）：", items.len()));
    for (id, title) in items.iter().take(DIFF_ITEMS) {
        out.push_str(&format!("\n  {title} [{id}]"));
    }
    if items.len() > DIFF_ITEMS {
        out.push_str(&format!("\n  ……另有 {} 项", items.len() - DIFF_ITEMS));
    }
}

fn diff_text(diff: &Diff) -> String {
    let mut out = String::new();
    diff_items(&mut out, "新增摘登", &diff.digests_added);
    diff_items(&mut out, "删除摘登", &diff.digests_removed);
    diff_items(&mut out, "改动的摘登", &diff.digests_changed);
    diff_items(&mut out, "新增发言", &diff.speeches_added);
    diff_items(&mut out, "删除发言", &diff.speeches_removed);
    out.push_str(&format!(
        "\n段落：新增 {}，删除 {}，改动 {}",
        diff.passages_added, diff.passages_removed, diff.passages_changed
    ));
    out
}

/// The answer to `/reload`.
pub fn reload_outcome(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Reloaded { diff, warnings, seconds } => {
            let mut out = if diff.is_empty() {
                format!("语料库没有变化（用时 {seconds:.1} 秒）。")
            } else {
                format!("语料库已更新（用时 {seconds:.1} 秒）。{}", diff_text(diff))
            };
            if !warnings.is_empty() {
                out.push_str(&format!("\n\n提示（不影响加载，{} 条）：", warnings.len()));
                for warning in warnings.iter().take(DIFF_ITEMS) {
                    out.push_str(&format!("\n{warning}"));
                }
            }
            out
        }
        Outcome::Refused { problems } => {
            let mut out =
                format!("语料库有错误，没有更新，仍在使用原来的语料。请改正这 {} 个问题后再 /reload：", problems.len());
            for problem in problems {
                out.push_str(&format!("\n{problem}"));
            }
            out
        }
        Outcome::Failed(why) => format!("无法重新加载语料库，仍在使用原来的语料：{why}"),
        Outcome::Unavailable => "这里不能重新加载语料库。".to_string(),
    }
}

// Managing the corpus from a chat (admins).

/// What a sent file would replace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replacing {
    /// No file of that name: it would be added.
    Nothing,
    /// The file of that name, byte for byte.
    Identical,
    /// The file of that name, served now: what would change.
    Served(Diff),
    /// A file of that name that is not served now.
    NotServed,
}

/// A sent file, checked.
pub struct UploadView<'a> {
    pub name: &'a str,
    pub digest: Option<&'a Digest>,
    /// Every problem, `file:line: severity: message`.
    pub problems: &'a [String],
    pub errors: usize,
    pub replacing: &'a Replacing,
    /// Digests whose id adding it would change: (file, id now, id then).
    pub renamed: &'a [(String, String, String)],
}

pub const UPLOAD_ADD: &str = "✅ 加入语料库";
pub const UPLOAD_REPLACE: &str = "✅ 替换现有文件";
pub const REMOVE: &str = "🗑 移出语料库";
pub const CANCEL: &str = "取消";
pub const APPLYING: &str = "已确认，正在更新语料库……";
pub const CANCELLED: &str = "已取消，语料库没有改动。";
pub const OFFER_GONE: &str = "这个确认已经处理过或已过期（一小时）。请重新发送文件或 /remove。";
pub const DOWNLOAD_FAILED: &str = "文件没能从 Telegram 下载下来，语料库没有改动。请稍后再发一次。";
pub const CHECK_FAILED: &str = "检查这个文件时出了错，语料库没有改动。请把文件发给维护者看看。";
pub const CHANGED_SINCE_OFFER: &str = "语料目录里的同名文件在你确认之前已经变了（有人加入、替换或删除了它），所以没有改动。请重新发送文件，看过新的差异后再确认。";
pub const REMOVE_USAGE: &str = "请在 /remove 后面写上摘登的编号或文件名，例如 /remove xwlb-20240305 或 \
/remove xwlb-20240305.txt。编号一般就是文件名去掉 .txt；搜索结果和 /read 里的编号，下划线前面的部分也是。";

/// Why a sent file's name cannot be used.
pub fn bad_upload_name(bad: crate::app::manage::BadName) -> &'static str {
    use crate::app::manage::BadName;
    match bad {
        BadName::Missing | BadName::NotTxt => {
            "只能加入 .txt 文本文件（UTF-8 或 GB18030 编码）。请把摘登存成 .txt 后再发。"
        }
        BadName::Unsafe => "这个文件名不能用：请改成不以点开头、不含 / 或 \\ 的 .txt 文件名后再发。",
        BadName::Invisible => {
            "这个文件名里有看不见的字符或改变文字方向的字符（例如 U+202E、U+200B），显示出来会和真实名字不一样。请改个普通的 .txt 文件名后再发。"
        }
    }
}

/// A file too large to add: `cap` is the limit that applies, `telegram` what Telegram allows.
pub fn upload_too_large(size: u64, cap: u64, telegram: u64) -> String {
    let mb = |b: u64| b as f64 / 1048576.0;
    if cap < telegram {
        format!(
            "文件有 {:.1} MB，超过了语料库允许的 {:.0} MB（配置项 max_file_mb）。请拆成几个文件再发。",
            mb(size),
            mb(cap)
        )
    } else {
        format!(
            "文件有 {:.1} MB，超过了 Telegram 允许机器人下载的 {:.0} MB。请拆成几个文件再发，或放进语料目录后 /reload。",
            mb(size),
            mb(cap)
        )
    }
}

/// A digest's outline: title, id and date, each speech with its speaker and section count.
fn digest_outline(digest: &Digest) -> String {
    let mut out = format!("《{}》 编号 {}", cut(&digest.title, 100), digest.id);
    if let Some(date) = &digest.date {
        out.push_str(&format!("，{date}"));
    }
    for (n, speech) in digest.speeches.iter().enumerate().take(DIFF_ITEMS) {
        let line = format!("{}. {} — {}（{} 节）", n + 1, speech.title, speaker(speech), speech.sections.len());
        out.push_str(&format!("\n{}", cut(&line, 120)));
    }
    if digest.speeches.len() > DIFF_ITEMS {
        out.push_str(&format!("\n……另有 {} 篇", digest.speeches.len() - DIFF_ITEMS));
    }
    let sections: usize = digest.speeches.iter().map(|s| s.sections.len()).sum();
    let passages: usize = digest.speeches.iter().flat_map(|s| &s.sections).map(|c| c.passages.len()).sum();
    out.push_str(&format!("\n共 {} 篇发言、{sections} 节、{passages} 段", digest.speeches.len()));
    out
}

/// `text`, cut to `max` characters with an ellipsis: an offer must fit in one message.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

/// A sent file, checked: its outline, its problems, and what adding it would do.
pub fn upload_offer(v: &UploadView) -> String {
    let mut out = format!("📄 {}", v.name);
    if let Some(digest) = v.digest {
        out.push_str(&format!("\n{}", digest_outline(digest)));
    }
    if !v.problems.is_empty() {
        out.push_str(&format!("\n\n问题（{} 个错误，{} 个提示）：", v.errors, v.problems.len() - v.errors));
        for problem in v.problems.iter().take(DIFF_ITEMS) {
            out.push_str(&format!("\n{}", cut(problem, 200)));
        }
        if v.problems.len() > DIFF_ITEMS {
            out.push_str(&format!("\n……另有 {} 条（digestbot check 可以列出全部）", v.problems.len() - DIFF_ITEMS));
        }
    }
    out.push_str("\n\n");
    if v.errors > 0 || v.digest.is_none() {
        out.push_str("这个文件有错误，不能加入语料库。请改正后再发送。");
        return out;
    }
    match v.replacing {
        Replacing::Nothing => out.push_str("确认后加入语料库。"),
        Replacing::Identical => {
            out.push_str("和语料目录里的同名文件完全相同，不需要更新。");
            return out;
        }
        Replacing::Served(diff) if diff.is_empty() => {
            out.push_str("语料库里已有同名文件。段落没有变化，改动在标题、日期、小标题等处。确认后替换。")
        }
        Replacing::Served(diff) => {
            out.push_str(&format!("语料库里已有同名文件。替换后的改动：{}", diff_text(diff)));
            out.push_str("\n\n确认后替换。");
        }
        Replacing::NotServed => out.push_str(
            "语料目录里已有同名文件，但它现在没有在用（可能有错误，或还没有重新加载）。确认后用这个文件替换它。",
        ),
    }
    if matches!(v.replacing, Replacing::Served(_) | Replacing::NotServed) {
        out.push_str("原来的文件会保存在语料目录旁的 removed/。");
    }
    for (file, now, then) in v.renamed.iter().take(DIFF_ITEMS) {
        out.push_str(&format!(
            "\n⚠️ {file} 的编号会从 {now} 变为 {then}（同名文件按路径顺序取编号），它的分享链接会失效。"
        ));
    }
    out
}

pub fn remove_unknown(what: &str) -> String {
    format!("语料库里没有编号或文件名为「{what}」的摘登。")
}

/// What `/remove` would take away.
pub fn remove_offer(digest: &Digest) -> String {
    format!(
        "将移出语料库：\n{}\n文件 {}\n\n确认后文件移到语料目录旁的 removed/（不会删除），语料库随即重新加载。",
        digest_outline(digest),
        digest.file
    )
}

pub fn added(name: &str) -> String {
    format!("已加入 {name}。")
}

pub fn replaced(name: &str, kept: &str) -> String {
    format!("已替换 {name}，原来的文件保存在 {kept}。")
}

pub fn removed(title: &str, moved_to: &str) -> String {
    format!("已移出《{title}》，文件在 {moved_to}。")
}

pub fn change_failed(why: std::io::ErrorKind) -> String {
    use std::io::ErrorKind;
    let why = match why {
        ErrorKind::NotFound => "要改动的文件或文件夹不在了",
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => "没有写入语料目录的权限",
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded => "磁盘空间不够了",
        ErrorKind::AlreadyExists => "目标位置已经有同名文件",
        _ => "读写文件时出了错（详情在日志里）",
    };
    format!("没能改动语料目录，语料库保持不变：{why}。")
}

pub const NOT_A_FILE_IN_CORPUS: &str = "语料目录里这个名字不是普通文件（是链接、管道或设备），机器人不会读它、也不会替换它，语料库没有改动。请维护者先在服务器上处理这个名字。";
pub const TOO_LARGE_IN_CORPUS: &str =
    "语料目录里这个同名文件比一份摘登允许的大小（max_file_mb）还大，机器人没有读它，语料库没有改动。";
pub const GONE_FROM_CORPUS: &str = "这个文件已经不在语料目录里了（可能刚被另一位管理员移出），语料库没有改动。";

/// An upload whose name differs from a digest's file only in letter case.
pub fn upload_case_clash(name: &str, existing: &str) -> String {
    format!(
        "语料库里已有 {existing}，和 {name} 只差大小写：加入它会接过那份摘登的编号，订阅者的进度和分享链接都会乱。要替换请用完全相同的文件名 {existing} 再发；要另加一份，请换个名字。"
    )
}

/// A change whose reload did not go through: `outcome` says why.
pub fn change_undone(outcome: &str, undone: bool) -> String {
    if undone {
        format!("改动已撤回，语料目录和语料库都保持原样。\n{outcome}")
    } else {
        format!("⚠️ 重新加载没有成功，改动也没能撤回：语料目录和正在使用的语料不一致，请检查服务器日志。\n{outcome}")
    }
}

/// The problem of a reload that finds no digest at all while some are served.
pub fn empty_reload(dir: &str) -> String {
    format!(
        "{dir}:0: error: the corpus directory holds no digest now; the current corpus keeps serving (restart \
         the bot to serve an empty corpus)"
    )
}

/// What `/stats` shows.
pub struct StatsView {
    pub digests: usize,
    pub speeches: usize,
    pub passages: usize,
    pub index_mb: f64,
    pub resident_mb: Option<f64>,
    pub uptime_s: u64,
    pub inputs: u64,
    pub searches: u64,
    pub search_p50_ms: f64,
    pub search_p99_ms: f64,
    /// Daily sections: active, stopped, delivered today (UTC).
    pub daily: Option<(u64, u64, u64)>,
    pub version: &'static str,
    pub commit: &'static str,
}

pub fn stats(v: &StatsView) -> String {
    let memory = v.resident_mb.map_or("未知".to_string(), |mb| format!("{mb:.0} MB"));
    let (days, hours, minutes) = (v.uptime_s / 86400, v.uptime_s / 3600 % 24, v.uptime_s / 60 % 60);
    let daily = match v.daily {
        Some((active, stopped, today)) => {
            format!("订阅 {active} 个（已停止 {stopped} 个），今天（UTC）推送 {today} 次")
        }
        None => "未启用".to_string(),
    };
    format!(
        "📊 运行状态\n语料：{} 份摘登、{} 篇发言、{} 段\n索引：{:.1} MB；内存：{memory}\n\
         已运行：{days} 天 {hours} 小时 {minutes} 分\n处理输入：{} 次；搜索：{} 次，p50 {:.1} ms，p99 {:.1} ms\n\
         每日一节：{daily}\n版本：{}（{}）",
        v.digests,
        v.speeches,
        v.passages,
        v.index_mb,
        v.inputs,
        v.searches,
        v.search_p50_ms,
        v.search_p99_ms,
        v.version,
        v.commit
    )
}

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

// The command line (operators).

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
        "digestbot: --at {at} is more than a day after the clock of this machine; every chat would be marked          as delivered up to then. Check the date, or add --at-any-time if it is meant"
    )
}

/// What `digestbot deliver` did.
pub fn delivered(delivered: usize, stopped: usize) -> String {
    format!("delivered {delivered} daily section(s); {stopped} chat(s) could not be reached and were unsubscribed")
}

pub const TOKEN_REJECTED: &str = "digestbot: Telegram rejected TELOXIDE_TOKEN (Unauthorized or Not Found). \
Check the token from @BotFather, and TELOXIDE_API_URL if you set it.";
