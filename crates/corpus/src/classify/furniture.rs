//! Web-page furniture around a document: buttons, breadcrumbs, `key：value` metadata, notices.

use super::chars::*;
use super::date::cn_date;

/// What a line of web-page furniture is: text the page put around a document, not the document's.
/// Told by kind (a button, a breadcrumb, a `key：value` line, a notice), not by the words of one site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Furniture<'a> {
    /// Buttons and switches (`下载`, `打印`, `【字号：`, `大 中 小`, `分享:`) and lines of bare
    /// punctuation (`】`, `>`).
    Control,
    /// `首页 > 政务公开 > …`, or `首页` alone.
    Breadcrumb,
    /// A `key：value` line of the page's metadata: `时间：2026-02-02`, `作者：…`, `发布时间：…`.
    /// `value` is empty when the key stands alone and its value is on the next line.
    Meta { key: MetaKey, value: &'a str },
    /// A date or a time alone: `2026-02-02 09:20`.
    Stamp,
    /// Share and QR prompts, related links: `扫一扫在手机打开当前页`, `相关链接>>`, `上一篇：…`.
    Link,
    /// Copyright, licence and site notices: `版权所有`, `京ICP备…`, `主办单位：…`.
    Notice,
    /// A photo's credit: `…本报记者 戴冰摄`.
    Credit,
}

/// What a metadata key says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetaKey {
    Source,
    Date,
    /// `作者：`: on a report's page, who gave it.
    Author,
    Other,
}

/// Words of buttons and switches, each a line or a line's words.
const CONTROLS: &str = "完 保存本页 下载 打印 全屏 收藏 加大 还原 减小 放大 缩小 大 中 小 默认 标准 字号 字体 分享 分享到 分享至 转发 关闭 关闭窗口 关闭本页 打印本页 打印此页 打印正文 \
    打印文章 打印页面 返回顶部 回到顶部 返回 返回首页 顶部 复制链接 纠错 我要纠错 评论 点赞 微信 微博 新浪微博 腾讯微博 QQ QQ空间 朋友圈 微信好友 手机版 无障碍 \
    关怀版 长者模式 保存 下载全文 下载附件 附件下载 朗读 语音播报 播放 暂停 收听 扫码 二维码 TOP top Top 我要打印 打印该页 打印全文 关闭页面 繁体 简体 \
    繁體 English 登录 注册 搜索 RSS 手机阅读 A+ A-";

const BREADCRUMB_ROOTS: &str = "首页 网站首页 主页 当前位置 您的位置 您现在的位置 当前位置：首页";

const SOURCE_KEYS: &str = "来源 稿源 文章来源 信息来源 出处";
const DATE_KEYS: &str = "时间 发布时间 发布日期 日期 更新时间 发文日期 成文日期 印发日期 公开日期 生成日期";
const OTHER_KEYS: &str = "作者 撰稿 撰文 编辑 责任编辑 责编 审核 审校 校对 编审 监制 发布机构 发文机关 发布单位 发布者 索引号 文号 发文字号 主题分类 主题词 体裁分类 组配分类 分类 \
    浏览次数 浏览量 阅读量 阅读次数 访问量 点击数 点击量 点击率 字号 字体 分享 分享到 当前位置 您的位置 您现在的位置 所在位置 栏目 所属栏目 标签 关键词 有效性 \
    时效性 生效日期 失效日期 公开方式 公开范围 信息类别 供稿 摄影 图片 视频 阅读 浏览 访问 点击 地址 邮编 电话 传真 邮箱 联系电话 网站标识码 发布人 图片来源 名称 标题 文件名称 \
    公文种类 发文单位 效力状态 统一编号 所属主题 来源单位";

/// Share and QR prompts and related links.
const LINK_STARTS: &str = "相关链接 相关报道 相关新闻 相关阅读 相关文章 相关文件 相关稿件 相关解读 相关信息 相关附件 延伸阅读 推荐阅读 热点推荐 热门推荐 猜你喜欢 上一篇 下一篇 上一条 下一条 \
    更多>> 更多》";
const LINK_WORDS: &str = "扫一扫 二维码 手机打开 手机上打开 手机浏览 微信扫 扫码 分享到 分享至 转发到 用手机";
const NOTICE_WORDS: &str = "版权所有 Copyright copyright COPYRIGHT © ICP备 ICP证 公网安备 网安备 网站标识码 主办单位 承办单位 技术支持 联系我们 网站地图 \
    转载请注明 未经授权 不得转载 禁止转载 建议使用 分辨率 浏览器 免责声明 版权声明 隐私政策 知识共享 许可协议 Creative CC-BY 本网站 本站";

/// The words of a list written as one string, space-separated, so that a long list stays readable.
fn words(list: &'static str) -> impl Iterator<Item = &'static str> {
    list.split(' ')
}

fn listed(list: &'static str, word: &str) -> bool {
    words(list).any(|w| w == word)
}

/// The web-page furniture `t` is, if it is some. Only for lines around a document: inside its text
/// the same words may be text.
pub fn furniture(t: &str) -> Option<Furniture<'_>> {
    let n = count_chars(t);
    if n > 200 {
        return None;
    }
    let inner = t.trim_matches(|c: char| c.is_whitespace() || matches!(c, '【' | '】' | '[' | ']' | '［' | '］'));
    if !t.chars().any(char::is_alphanumeric) {
        return (n <= 12).then_some(Furniture::Control);
    }
    if n <= 40 && is_controls(t) {
        return Some(Furniture::Control);
    }
    // A scraper's leftovers: a field's value where the page had none (`false`, `null`), and the
    // licence a wiki prints under each text.
    if matches!(inner, "false" | "true" | "null" | "undefined" | "None" | "NaN") {
        return Some(Furniture::Control);
    }
    if inner.eq_ignore_ascii_case("public domain") {
        return Some(Furniture::Notice);
    }
    if listed(BREADCRUMB_ROOTS, inner) || (n <= 120 && is_breadcrumb(t)) {
        return Some(Furniture::Breadcrumb);
    }
    if n <= 80
        && !t.contains(SENTENCE_END)
        && let Some(&(key, value)) = meta_pairs(inner).first()
    {
        return Some(Furniture::Meta { key, value });
    }
    // A table of metadata prints each key on a line of its own, without a colon, its value under it.
    if n <= 6
        && let Some((key, _)) = meta(&format!("{inner}："))
    {
        return Some(Furniture::Meta { key, value: "" });
    }
    if n <= 40 && is_stamp(t) {
        return Some(Furniture::Stamp);
    }
    if n <= 60 && (words(LINK_STARTS).any(|p| inner.starts_with(p)) || words(LINK_WORDS).any(|w| t.contains(w))) {
        return Some(Furniture::Link);
    }
    if words(NOTICE_WORDS).any(|w| t.contains(w)) {
        return Some(Furniture::Notice);
    }
    let credit = t.trim_end_matches(['）', ')']);
    let credited = credit.ends_with('摄') || credit.ends_with("供图") || credit.ends_with("摄影");
    if n <= 80 && (credited || (n <= 40 && t.starts_with("图为"))) {
        return Some(Furniture::Credit);
    }
    None
}

/// A line made of button words only: `下载`, `【字号：大 中 小】`, `打印本页 | 关闭窗口`.
fn is_controls(t: &str) -> bool {
    let mut words = t
        .split(|c: char| {
            c.is_whitespace()
                || matches!(
                    c,
                    '|' | '｜'
                        | '丨'
                        | '/'
                        | '【'
                        | '】'
                        | '['
                        | ']'
                        | '［'
                        | '］'
                        | '('
                        | ')'
                        | '（'
                        | '）'
                        | '：'
                        | ':'
                        | '·'
                        | '•'
                        | '，'
                        | ','
                        | '>'
                        | '》'
                )
        })
        .filter(|w| !w.is_empty())
        .peekable();
    words.peek().is_some() && words.all(|w| listed(CONTROLS, w))
}

/// `首页 > 政务公开 > 政府工作报告`: short parts between `>` (or `»`, `›`, `＞`); or a site's menu,
/// `首页 | 要闻 | 政务公开 | 互动交流`.
fn is_breadcrumb(t: &str) -> bool {
    let short = |parts: &[&str], max: usize| {
        parts.iter().all(|p| count_chars(p) <= max && !p.contains(SENTENCE_END) && !p.contains(['，', '、']))
    };
    let parts: Vec<&str> = t.split(['>', '＞', '»', '›']).map(trim).filter(|p| !p.is_empty()).collect();
    let menu: Vec<&str> = t.split(['|', '｜', '丨']).map(trim).filter(|p| !p.is_empty()).collect();
    (parts.len() >= 2 && short(&parts, 20)) || (menu.len() >= 3 && short(&menu, 10))
}

/// `key：value` of page metadata, or the key alone (`时间：`), with what the key says.
fn meta(t: &str) -> Option<(MetaKey, &str)> {
    // `时间：…`, or `时间 …` where the page set the key apart by a space.
    let pairs = [t.split_once(['：', ':']), t.split_once(char::is_whitespace)];
    pairs.into_iter().flatten().find_map(|(key, value)| Some((meta_key(trim(key))?, trim(value))))
}

fn meta_key(key: &str) -> Option<MetaKey> {
    Some(if listed(SOURCE_KEYS, key) {
        MetaKey::Source
    } else if listed(DATE_KEYS, key) {
        MetaKey::Date
    } else if key == "作者" || key == "文章作者" {
        MetaKey::Author
    } else if listed(OTHER_KEYS, key) {
        MetaKey::Other
    } else {
        return None;
    })
}

/// Every `key：value` of a metadata line: `发布时间：2026-01-30 10:15　来源：某省人民政府` gives the
/// date `2026-01-30 10:15` and the source `某省人民政府`. A value runs to the next key. The line
/// may open with a date instead (`2026-02-03 08:30　来源：某日报`); anything else before the first
/// key and it is no metadata line.
pub fn meta_pairs(t: &str) -> Vec<(MetaKey, &str)> {
    let inner = t.trim_matches(|c: char| c.is_whitespace() || matches!(c, '【' | '】' | '[' | ']' | '［' | '］'));
    // Where each key starts: the start of the line, or a word after white space.
    let starts: Vec<usize> = std::iter::once(0)
        .chain(inner.char_indices().filter(|&(_, c)| c.is_whitespace()).map(|(i, c)| i + c.len_utf8()))
        .filter(|&i| meta(&inner[i..]).is_some())
        .collect();
    let before = starts.first().map_or(inner, |&first| trim(&inner[..first]));
    if !before.is_empty() && !is_stamp(before) {
        return Vec::new();
    }
    let mut pairs = Vec::new();
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(inner.len());
        if let Some((key, value)) = meta(&inner[start..end]) {
            pairs.push((key, value));
        }
    }
    pairs
}

/// A date or time alone: `2026-02-02 09:20`, `2026年02月02日`, `2026/2/2`.
fn is_stamp(t: &str) -> bool {
    let year = t.as_bytes().windows(4).any(|w| w.iter().all(u8::is_ascii_digit));
    year && t.chars().all(|c| c.is_ascii_digit() || c.is_whitespace() || "-/.:：年月日时分秒".contains(c))
}

/// The date a page's metadata gives (`2026-02-02 09:20`, `2026年2月2日`), as `2026-02-02`.
pub fn stamp_date(t: &str) -> Option<String> {
    if let Some(date) = cn_date(t) {
        return Some(date);
    }
    let start = t.find(|c: char| c.is_ascii_digit())?;
    let rest = &t[start..];
    let end = rest.find(|c: char| !(c.is_ascii_digit() || matches!(c, '-' | '/' | '.'))).unwrap_or(rest.len());
    let parts: Vec<&str> = rest[..end].split(['-', '/', '.']).collect();
    let [year, month, day] = parts[..] else { return None };
    if year.len() != 4 {
        return None;
    }
    let date = chrono::NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)?;
    Some(date.format("%Y-%m-%d").to_string())
}
