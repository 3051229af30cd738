//! The wording of administration: reloads, corpus changes, `/stats`.

use digestbot_corpus::Digest;
use digestbot_search::library::Diff;

use super::files::BadName;
use super::outcome::ReloadOutcome;
pub use crate::text::*;

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
pub fn reload_outcome(outcome: &ReloadOutcome) -> String {
    match outcome {
        ReloadOutcome::Reloaded { diff, warnings, seconds } => {
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
        ReloadOutcome::Refused { problems } => {
            let mut out =
                format!("语料库有错误，没有更新，仍在使用原来的语料。请改正这 {} 个问题后再 /reload：", problems.len());
            for problem in problems {
                out.push_str(&format!("\n{problem}"));
            }
            out
        }
        ReloadOutcome::Failed(why) => format!("无法重新加载语料库，仍在使用原来的语料：{why}"),
        ReloadOutcome::Unavailable => "这里不能重新加载语料库。".to_string(),
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

/// What may be done with a sent file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// It has errors (or no digest in it): it cannot be added.
    HasErrors,
    /// It is the file of that name already: nothing to do.
    Unchanged,
    /// It may be added, or replace the file of that name.
    Addable,
}

/// A sent file, checked.
pub struct UploadView<'a> {
    /// Whether it may be added: decided by the admin service, shown here.
    pub verdict: Verdict,
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
pub fn bad_upload_name(bad: BadName) -> &'static str {
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
    match v.verdict {
        Verdict::HasErrors => {
            out.push_str("这个文件有错误，不能加入语料库。请改正后再发送。");
            return out;
        }
        Verdict::Unchanged => {
            out.push_str("和语料目录里的同名文件完全相同，不需要更新。");
            return out;
        }
        Verdict::Addable => {}
    }
    match v.replacing {
        Replacing::Nothing => out.push_str("确认后加入语料库。"),
        // An identical file is not addable: said above.
        Replacing::Identical => {}
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
