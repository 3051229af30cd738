//! What the research tools say: verifying a quotation, a term's trend, exports. (Part of the
//! bot's wording, kept beside the screens that use it; see `crate::text`.)

use digestbot_search::{TrendError, VerifyError};

pub use crate::text::*;

pub const VERIFY_USAGE: &str =
    "请在 /verify 后面贴上要核对的引文（8 到 500 个字），例如：\n/verify 坚持稳中求进工作总基调";
pub const TREND_USAGE: &str = "请在 /trend 后面写上要追踪的词，例如：/trend 改革开放\n\
多个词用 | 分开，画在同一张图上（最多 3 个）：/trend 改革开放 | 高质量发展";
pub const EXPORT_USAGE: &str =
    "请在 /export 后面写上要导出的词，例如：/export 人大代表。搜索、核对和趋势的结果下面也有导出按钮。";

pub fn verify_error(e: &VerifyError) -> String {
    match e {
        VerifyError::Empty => VERIFY_USAGE.to_string(),
        VerifyError::NoWords => "只有标点或符号，没有可核对的文字。请贴上引文本身。".to_string(),
        VerifyError::TooShort { chars, min } => format!(
            "引文太短了（{chars} 个字），这么短的话到处都有。请至少贴上 {min} 个字；只想找一个词，请用 /search。"
        ),
        VerifyError::TooLong { max, .. } => {
            format!("引文太长了（最多 {max} 个字）。请分段核对，每次贴一两句。")
        }
        VerifyError::Common => "这段引文只有“的、和、我们”这类常用字词，无法确定出处。请贴上更完整的句子。".to_string(),
    }
}

/// The verdict, for an exact match: whether the published text is the quotation to the letter.
pub fn verified_exact(verbatim: bool, sources: usize) -> String {
    let how = if verbatim { "一字不差" } else { "措辞一致（标点或繁简、全角写法不同）" };
    let where_ = if sources > 1 { format!("，见于以下 {sources} 处") } else { String::new() };
    format!("✅ 与原文一致：{how}{where_}。")
}

pub fn verified_close(differences: usize) -> String {
    format!("⚠️ 与原文相近，但不完全一致：最接近的一处相差 {differences} 个字。")
}

pub fn verified_not_found(passages: usize) -> String {
    format!("❌ 在语料库的 {passages} 段中没有找到这段引文，也没有相近的段落。请检查出处，或换一段核对。")
}

pub fn similarity(similarity: f64) -> String {
    format!("相似度 {:.0}%", similarity * 100.0)
}

pub fn quotation_adds(text: &str) -> String {
    format!("引文多出：「{text}」")
}

pub fn quotation_leaves_out(text: &str) -> String {
    format!("引文缺少：「{text}」")
}

/// How a match shows what the quotation added: in the text at its place.
pub fn added_mark(text: &str) -> String {
    format!("〔+{text}〕")
}

/// Between two passages a match runs across.
pub const PASSAGE_BREAK: &str = " ／ ";

pub const DIFF_LEGEND: &str = "粗体：原文有、引文缺少的字；〔+斜体〕：引文多出的字。";

pub fn trend_error(e: &TrendError, terms: &[&str]) -> String {
    let term = |i: &usize| terms.get(*i).copied().unwrap_or_default();
    match e {
        TrendError::Query { term: i, error } if terms.len() > 1 => {
            format!("第 {} 个词「{}」：{}", i + 1, term(i), query_error(error))
        }
        TrendError::Query { error, .. } => query_error(error),
        TrendError::EmptyTerm => "两个 | 之间没有词。请写成：/trend 改革开放 | 高质量发展".to_string(),
        TrendError::TooManyTerms { max, .. } => format!("一张图最多画 {max} 个词。请减少用 | 分开的词。"),
        TrendError::Common { term: i } => {
            format!("「{}」只是“的、和、我们”这类常用字词，几乎每段都有，画不出有意义的趋势。请换一个提法。", term(i))
        }
        TrendError::NoDates => {
            "语料库里的摘登都没有日期，无法按时间统计。趋势需要注明日期（或标题里有年份）的摘登。".to_string()
        }
    }
}

pub fn trend_no_hits(query: &str) -> String {
    format!("没有找到包含「{query}」的段落，所以没有图表。试试更短的词，或只追踪其中一个词。")
}

pub fn trend_header(by_month: bool, periods: usize) -> String {
    let by = if by_month { "按月" } else { "按年" };
    format!("📈 {by}统计匹配的段落（{periods} 个{}）", if by_month { "月份" } else { "年份" })
}

pub fn trend_term(number: usize, term: &str, total: u64) -> String {
    format!("{number}「{term}」共 {total} 段")
}

pub fn first_seen(date: &str, speaker: &str) -> String {
    format!("首次：{date} {speaker}")
}

pub fn last_seen(date: &str, speaker: &str) -> String {
    format!("最近：{date} {speaker}")
}

pub fn top_speakers(speakers: &[(String, u64)]) -> String {
    let names: Vec<String> = speakers.iter().map(|(name, n)| format!("{name}（{n} 段）")).collect();
    format!("最常使用：{}", names.join("、"))
}

pub fn undated(n: u64) -> String {
    format!("另有 {n} 段出自没有日期的摘登，未计入图表")
}

/// The link after a first or last appearance.
pub const OPEN_SHORT: &str = "阅读 ›";

pub fn exported(what: &str, rows: usize, total: usize, cap: usize) -> String {
    if total > rows {
        format!("📥 {what}：共 {total} 条，只导出了前 {cap} 条（导出上限）。")
    } else {
        format!("📥 {what}：{rows} 条。")
    }
}

pub fn export_of_search(query: &str) -> String {
    format!("「{query}」的搜索结果")
}

pub fn export_of_trend(query: &str) -> String {
    format!("「{query}」的趋势和段落")
}

pub const EXPORT_OF_VERIFY: &str = "引文核对结果";
pub const EXPORT_TOO_LARGE: &str = "导出的文件超过了 Telegram 50 MB 的上限。请缩小搜索范围再导出。";
pub const EXPORT_FAILED: &str = "生成文件时出错了，请稍后再试。";

/// Sheet names (Excel allows 31 characters).
pub const SHEET_HITS: &str = "段落";
pub const SHEET_SERIES: &str = "趋势";
pub const SHEET_VERIFY: &str = "核对";

/// The columns of a hit, in order.
pub const HIT_COLUMNS: [&str; 9] = ["段落编号", "摘登", "日期", "发言", "发言人", "小节", "全文", "链接", "来源网址"];
pub const TERM_COLUMN: &str = "词";
pub const PERIOD_COLUMN: &str = "时间";
pub const UNDATED_PERIOD: &str = "无日期";
pub const VERIFY_COLUMNS: [&str; 5] = ["引文", "判断", "相似度", "引文多出", "引文缺少"];

pub fn verdict_name(verdict: digestbot_search::Verdict) -> &'static str {
    match verdict {
        digestbot_search::Verdict::Exact => "一致",
        digestbot_search::Verdict::Close => "相近",
        digestbot_search::Verdict::NotFound => "未找到",
    }
}

// Comparing two texts.

pub const COMPARE_USAGE: &str = "请在 /compare 后面写上两篇摘登或两篇发言的编号，例如：\n/compare gwr-2022 gwr-2023\n\
只发 /compare 可以用按钮挑选两篇摘登。编号在 /toc 和阅读页的末尾。";

pub fn compare_error(e: &digestbot_search::compare::CompareError) -> String {
    use digestbot_search::compare::CompareError as E;
    match e {
        E::Usage => COMPARE_USAGE.to_string(),
        E::Unknown(id) => format!("没有编号为 {id} 的摘登或发言。请用 /toc 查看编号，或只发 /compare 用按钮挑选。"),
        E::Same(id) => format!("两个编号都是 {id}：同一篇没有可比的差异。请写两篇不同的摘登或发言。"),
        E::Nested { digest, speech } => {
            format!("{speech} 是摘登 {digest} 里的一篇发言，二者不能互相比较。请比较两篇摘登，或两篇发言。")
        }
        E::Part(id) => format!("{id} 是一个段落或小节的编号。对比只针对整篇摘登或整篇发言；请写它所在摘登的编号。"),
        E::Empty(id) => format!("{id} 没有正文段落，无从比较。"),
        E::TooLong { id, chars } => {
            format!(
                "{id} 太长了（{chars} 个字以上），超出对比的上限（{} 个字）。",
                digestbot_search::compare::MAX_SIDE_CHARS
            )
        }
    }
}

pub const NOTHING_TO_PAIR: &str =
    "语料库里只有这一篇摘登，没有可以对比的另一篇。两篇发言也可以对比：/compare 发言编号 发言编号（编号见 /toc）。";
/// A speech as one side of a comparison: who and what, and in which digest.
pub fn speech_side(speech: &str, digest: &str) -> String {
    format!("{speech}（{digest}）")
}

/// Between a changed number and the clause it is in.
pub const NUMBER_IN: &str = "：";
pub const COMPARE_FAILED: &str = "对比时出错了，请稍后再试。";
pub const COMPARE_EXPIRED: &str = "这个按钮已失效，或属于别人的对比。请重新发送 /compare。";
pub const COMPARE_BUSY: &str = "正在为其他用户对比文本，请几秒钟后再试。";
pub const COMPARE_PICK_FIRST: &str = "🔀 对比两篇：先选第一篇（较早的一篇）";

pub fn compare_pick_second(first: &str) -> String {
    format!("🔀 第一篇：{first}\n再选第二篇（较新的一篇）")
}

pub fn compare_header(a: &str, b: &str) -> String {
    format!("🔀 对比：{a} → {b}")
}

pub fn compare_summary(s: &digestbot_search::compare::Summary) -> String {
    format!(
        "段落：{} 段未变，{} 段改动，{} 段移动，{} 段删去，{} 段新增",
        s.unchanged, s.changed, s.moved, s.only_a, s.only_b
    )
}

/// Headings listed in a summary, at most: the rest are counted, so the summary stays one message.
const LISTED_HEADINGS: usize = 8;

fn headings(list: &[String]) -> String {
    let shown = list.iter().take(LISTED_HEADINGS).map(String::as_str).collect::<Vec<_>>().join("；");
    match list.len().checked_sub(LISTED_HEADINGS) {
        Some(more) if more > 0 => format!("{shown}；等共 {} 个", list.len()),
        _ => shown,
    }
}

pub fn sections_added(list: &[String]) -> String {
    format!("新增的小节：{}", headings(list))
}

pub fn sections_removed(list: &[String]) -> String {
    format!("删去的小节：{}", headings(list))
}

pub fn shares_little(percent: f64) -> String {
    format!("两篇内容差别很大：只有 {percent:.0}% 的段落能对应起来，下面多是各自独有的段落和提法。")
}

pub const IDENTICAL_TEXTS: &str = "两篇正文的文字相同（繁简、全角半角这类写法上的差别不计）。";
pub const NEW_FORMULATIONS: &str = "🆕 新提法（第二篇有、第一篇没有）";
pub const DROPPED_FORMULATIONS: &str = "🗑 不再出现的提法（第一篇有、第二篇没有）";
pub const CHANGED_NUMBERS: &str = "🔢 变化的数字";
pub const NONE_FOUND: &str = "（无）";

pub fn formulation(phrase: &str, count: usize) -> String {
    format!("「{phrase}」×{count} ")
}

pub fn number_change(a: &str, b: &str) -> String {
    format!("{a} → {b}")
}

pub fn more_items(n: usize) -> String {
    format!("……另有 {n} 项，见导出的表格")
}

pub const DIFF_BUTTON: &str = "逐段对照 ▶";
pub const SUMMARY_BUTTON: &str = "↩ 概要";

pub fn diff_page_header(page: usize, pages: usize) -> String {
    format!("逐段对照（第 {page}/{pages} 页）")
}

pub fn unchanged_run(n: usize) -> String {
    format!("…… {n} 段未变 ……")
}

pub const ROW_CHANGED: &str = "✏️ 改动";
pub const ROW_MOVED: &str = "↕️ 移动";
pub const ROW_ONLY_A: &str = "➖ 删去";
pub const ROW_ONLY_B: &str = "➕ 新增";

pub fn moved_from(a: usize, b: usize) -> String {
    format!("（第一篇第 {a} 段 → 第二篇第 {b} 段）")
}

pub const COMPARE_LEGEND: &str = "删除线：第二篇删去的字；下划线：第二篇新增的字。";
pub const NO_DIFFERENCES: &str = "没有改动的段落。";

pub fn export_of_compare(a: &str, b: &str) -> String {
    format!("{a} 与 {b} 的对比")
}

pub const SHEET_ALIGNED: &str = "逐段对照";
pub const SHEET_FORMULATIONS: &str = "提法";
pub const SHEET_NUMBERS: &str = "数字";
pub const ALIGNED_COLUMNS: [&str; 7] = ["类别", "第一篇段落", "第一篇原文", "第二篇段落", "第二篇原文", "差异", "链接"];
pub const FORMULATION_COLUMNS: [&str; 6] = ["提法", "类别", "第一篇次数", "第二篇次数", "出处段落开头", "链接"];
pub const NUMBER_COLUMNS: [&str; 5] = ["第一篇", "第二篇", "第二篇原句", "第一篇段落", "第二篇段落"];
pub const FORMULATION_NEW: &str = "新增";
pub const FORMULATION_DROPPED: &str = "删去";

pub fn row_kind(kind: digestbot_search::compare::Kind) -> &'static str {
    use digestbot_search::compare::Kind;
    match kind {
        Kind::Unchanged => "未变",
        Kind::Changed => "改动",
        Kind::Moved => "移动",
        Kind::OnlyA => "删去",
        Kind::OnlyB => "新增",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_list_of_headings_is_cut_and_counted() {
        let list: Vec<String> = (1..=30).map(|n| format!("第{n}节")).collect();
        let said = sections_added(&list);
        assert!(said.starts_with("新增的小节：第1节；第2节") && said.ends_with("第8节；等共 30 个"), "{said}");
        assert_eq!(sections_removed(&list[..2]), "删去的小节：第1节；第2节");
    }
}
