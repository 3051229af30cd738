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
