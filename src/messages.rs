//! Every user-facing string, in one place. Users read Chinese.

use crate::search::QueryError;

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
