//! What a single line looks like: the shapes this genre's layout is inferred from.
//!
//! Everything here looks at one trimmed line and nothing else; the parser decides with context.

/// Characters that end a sentence.
const SENTENCE_END: &[char] = &['。', '！', '？', '!', '?'];

pub(crate) fn count_chars(t: &str) -> usize {
    t.chars().count()
}

/// `编者按：……` with the note's text on the same line.
pub fn is_inline_note(t: &str) -> bool {
    ["编者按：", "编者按:", "【编者按】"].iter().any(|p| t.starts_with(p)) && !is_note_label(t)
}

/// `编者按`, `编者按：`, `【编者按】`, `编者的话`: a label line that opens the editor's note.
pub fn is_note_label(t: &str) -> bool {
    let inner = t.trim_matches(|c| matches!(c, '【' | '】' | '[' | ']' | '［' | '］' | '：' | ':' | ' ' | '\u{3000}'));
    matches!(inner, "编者按" | "编者的话" | "编前语" | "编前" | "编后")
}

/// What a trailer line tells about the digest.
pub enum Trailer<'a> {
    Editor(&'a str),
    Source(&'a str),
    Other,
}

/// Editor, source and byline lines: `[ 编辑:郝倩淑 ]`, `责任编辑：…`, `来源：…`, `（记者 …）`,
/// and a closing rule such as `---(更新时间戳: …)`.
pub fn trailer(t: &str) -> Option<Trailer<'_>> {
    if t.starts_with("---") {
        return Some(Trailer::Other);
    }
    if count_chars(t) > 60 || t.contains('。') {
        return None;
    }
    let inner = t
        .trim_start_matches(['[', '【', '［', '(', '（', ' ', '\u{3000}'])
        .trim_end_matches([']', '】', '］', ')', '）', ' ', '\u{3000}']);
    let bracketed = inner.len() != t.len();
    let value_after = |labels: &[&str]| {
        labels
            .iter()
            .find_map(|label| inner.strip_prefix(label)?.trim_start().strip_prefix([':', '：']))
            .map(|value| value.trim_matches([' ', '\u{3000}']))
    };
    if let Some(name) = value_after(&["责任编辑", "编辑"]) {
        return (!name.is_empty()).then_some(Trailer::Editor(name));
    }
    if let Some(source) = value_after(&["来源", "稿源", "文章来源"]) {
        return (!source.is_empty()).then_some(Trailer::Source(source));
    }
    if bracketed && ["记者", "本报记者", "通讯员", "实习记者"].iter().any(|p| inner.starts_with(p)) {
        return Some(Trailer::Other);
    }
    None
}

/// `——2024年3月5日在第十四届全国人民代表大会第二次会议上`, with `――` or `--` for the dash, in
/// parentheses (`（2026年1月27日在…会议上）`), or with no mark at all when it opens with the date and
/// says where (`2026年1月14日在浙江省…会议上`). It may also carry the speaker after a space (see
/// `split_occasion`).
pub fn is_occasion(t: &str) -> bool {
    // Cheap tests of the first characters come first: this is asked of most lines of a corpus.
    if t.starts_with("——") || t.starts_with("--") || t.starts_with("――") {
        return !t.starts_with("---") && count_chars(t) <= 120;
    }
    if !t.starts_with(|c: char| c.is_ascii_digit() || "（(在〇零一二三四五六七八九".contains(c)) || count_chars(t) > 120
    {
        return false;
    }
    if let Some(inner) = t.strip_prefix(['（', '(']).and_then(|t| t.strip_suffix(['）', ')'])) {
        return (starts_with_date(inner) && (inner.contains('在') || !inner.contains(['，', '。', ','])))
            || (inner.contains('在') && ends_like_occasion(inner));
    }
    // Without a mark, `…上的讲话` is a speech's title; only `…上`, or the speaker after it, is an occasion.
    let dated = starts_with_date(t) && t.contains('在');
    let placed = t.starts_with('在') && t.contains('会') && count_chars(t) <= 80;
    (dated || placed)
        && !t.contains(SENTENCE_END)
        && !t.contains(['，', ','])
        && (t.ends_with('上') || split_occasion(t).is_some())
}

/// The last words of an occasion: `…会议上`, `…上的讲话`, or the speaker after them.
fn ends_like_occasion(t: &str) -> bool {
    let t = t.trim_end_matches(['）', ')']);
    ["上", "上的讲话", "上的报告", "上的工作报告", "上的发言", "上的致辞"].iter().any(|end| t.ends_with(end))
        || split_occasion(t).is_some()
}

/// An occasion that says when or where, not merely a line under a dash: what a second speech of a
/// report needs to open.
pub fn is_dated_occasion(t: &str) -> bool {
    is_occasion(t)
        && (cn_date(t).is_some()
            || starts_with_date(t.trim_start_matches(['—', '―', '-', '（', '(']))
            || ends_like_occasion(t))
}

/// The first line of an occasion the page broke in two (`——2026年1月26日在广东省第十四届`), when `next`
/// ends it (`人民代表大会第五次会议上`).
pub fn is_split_occasion(first: &str, next: &str) -> bool {
    let starts =
        first.starts_with("——") || first.starts_with("――") || first.starts_with('在') || starts_with_date(first);
    starts
        && first.contains('在')
        && !ends_like_occasion(first)
        && !first.contains(SENTENCE_END)
        && count_chars(first) <= 80
        && count_chars(next) <= 40
        && !next.contains(['，', ',', '。', '；', ';', '：', ':'])
        && ends_like_occasion(next)
}

/// An occasion line that names the speaker after it: `2026年1月27日在…会议上 陕西省省长 赵刚` gives
/// the occasion and `陕西省省长 赵刚`.
pub fn split_occasion(t: &str) -> Option<(&str, &str)> {
    let mut search = t;
    while let Some(at) = search.rfind('上') {
        let head = &t[..at + '上'.len_utf8()];
        let tail = trim(&t[head.len()..]);
        let spaced = t[head.len()..].starts_with(|c: char| c.is_whitespace());
        if spaced && !tail.is_empty() && is_strong_speaker(tail) {
            return Some((head, tail));
        }
        search = &t[..at];
    }
    None
}

/// Whether `t` opens with a full date, `2026年1月27日` or `二〇二六年一月二十七日`.
fn starts_with_date(t: &str) -> bool {
    let mut chars = t.chars();
    let year: [Option<char>; 5] = std::array::from_fn(|_| chars.next());
    let digits = |digit: fn(char) -> bool| year[..4].iter().all(|c| c.is_some_and(digit));
    year[4] == Some('年')
        && (digits(|c| c.is_ascii_digit()) || digits(|c| "〇零一二三四五六七八九".contains(c)))
        && t.contains('月')
        && t.contains('日')
}

fn trim(t: &str) -> &str {
    crate::model::trim(t)
}

/// A line that can be a speech's title: short enough, and not ending like a sentence in the
/// middle of a paragraph. Titles may end with ！ or ？ (`海采：这个假期去哪？看什么？`).
pub fn is_title(t: &str) -> bool {
    let n = count_chars(t);
    (1..=200).contains(&n)
        && !t.ends_with(['。', '，', ',', '；', ';', '：', ':', '、'])
        && heading(t).is_none()
        && trailer(t).is_none()
        && !is_occasion(t)
        && !is_note_label(t)
}

/// A line that names who spoke: `中共合肥市委`, `六安市人大常委会`, `国务院总理　李强`.
pub fn is_speaker(t: &str) -> bool {
    let n = count_chars(t);
    (2..=30).contains(&n)
        // `、` is allowed: bylines list roles, `全国人大代表、合肥市市长　罗云峰`.
        && !t.contains([
            '。', '，', ',', '；', ';', '：', ':', '！', '？', '!', '?', '“', '”', '"', '‘', '’', '《', '》', '【', '】',
            '[', ']',
        ])
        && !t.starts_with(['（', '('])
        && heading(t).is_none()
        && trailer(t).is_none()
        && !is_occasion(t)
        && !is_note_label(t)
}

/// A speaker line that can stand without a title above it: an organization (`中共合肥市委`,
/// `六安市人大常委会`) or a role and a name (`国务院总理　李强`), not a headline that merely lacks
/// punctuation.
pub fn is_strong_speaker(t: &str) -> bool {
    const ORG_ENDINGS: &[char] = &[
        '委', '会', '局', '厅', '院', '府', '大', '办', '部', '镇', '县', '市', '区', '省', '乡', '道', '司', '团',
        '学', '心', '组', '所', '站', '处', '室', '社', '馆', '校', '行', '台', '报',
    ];
    if !is_speaker(t) {
        return false;
    }
    let (role, name) = role_and_name(t);
    let has_name = !role.is_empty() && is_name(name);
    has_name || t.ends_with(ORG_ENDINGS)
}

/// A speaker line split into the role and the name after it: the last word, or the last single
/// characters when the name is spaced out (`韦 韬`, `李　强`). The role is empty when the line is one word.
pub fn role_and_name(t: &str) -> (&str, &str) {
    let mut starts = Vec::new();
    let mut after_space = true;
    for (i, c) in t.char_indices() {
        let space = c.is_whitespace();
        if !space && after_space {
            starts.push(i);
        }
        after_space = space;
    }
    let n = starts.len();
    if n == 0 {
        return ("", t);
    }
    let word = |k: usize| trim(&t[starts[k]..starts.get(k + 1).copied().unwrap_or(t.len())]);
    let singles = (0..n).rev().take_while(|&k| count_chars(word(k)) == 1).count();
    let first = if (2..=3).contains(&singles) { n - singles } else { n - 1 };
    (trim(&t[..starts[first]]), trim(&t[starts[first]..]))
}

/// A person's name: two to four Han characters (spaces inside do not count), or names joined by a
/// middle dot (`艾尔肯·吐尼亚孜`).
pub fn is_name(t: &str) -> bool {
    // Twenty characters with some spaces at most: a paragraph is told at once, without reading it.
    if t.len() > 96 {
        return false;
    }
    let letters: Vec<char> = t.chars().filter(|c| !c.is_whitespace()).collect();
    let dots = letters.iter().filter(|&&c| is_name_dot(c)).count();
    let han = letters.iter().all(|&c| is_name_dot(c) || is_han(c));
    let parts_ok =
        !letters.first().is_some_and(|&c| is_name_dot(c)) && !letters.last().is_some_and(|&c| is_name_dot(c));
    han && parts_ok && if dots == 0 { (2..=4).contains(&letters.len()) } else { (3..=20).contains(&letters.len()) }
}

pub(crate) fn is_name_dot(c: char) -> bool {
    matches!(c, '·' | '•' | '・' | '‧' | '∙' | '．')
}

pub(crate) fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{20000}'..='\u{2ffff}')
}

/// A role a name follows: `国务院总理`, `广东省省长`, `北京市市长`.
pub fn is_role(t: &str) -> bool {
    const ROLES: &[&str] = &[
        "总理",
        "省长",
        "市长",
        "主席",
        "书记",
        "主任",
        "县长",
        "区长",
        "州长",
        "盟长",
        "旗长",
        "镇长",
        "乡长",
        "部长",
        "厅长",
        "局长",
        "委员",
        "代表",
        "院长",
        "检察长",
        "会长",
        "理事长",
        "董事长",
        "经理",
        "秘书长",
        "校长",
        "行长",
        "社长",
        "司令员",
        "政委",
        "署长",
        "主任委员",
        "主持人",
        "发言人",
    ];
    ROLES.iter().any(|role| t.ends_with(role)) && is_speaker(t)
}

/// A line that carries on the sentence of the line before it: `是：地区生产总值…`, `，…`.
pub fn continues_sentence(t: &str) -> bool {
    t.starts_with(['，', ',', '。', '、', '；', ';', '：', ':', '）', ')', '》', '”', '’', '！', '？'])
        || ["是：", "是:", "为：", "为:", "的"].iter().any(|p| t.starts_with(p))
}

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

/// A line that heads an appendix after a report's closing words: `附件`, `附件1`, `附件2：…`, `附：…`,
/// `注释`, `名词解释`.
pub fn is_appendix_label(t: &str) -> bool {
    if !t.starts_with(['附', '注', '名', '词', '术', '【', '[', '［']) {
        return false;
    }
    let t = t.trim_matches(|c: char| c.is_whitespace() || matches!(c, '【' | '】' | '[' | ']' | '［' | '］'));
    if count_chars(t) > 40 || t.contains(SENTENCE_END) {
        return false;
    }
    let bare = t.trim_end_matches(['：', ':']);
    if ["注释", "注解", "注", "名词解释", "名词注释", "词语解释", "术语解释", "附", "附录", "附表", "附件"]
        .contains(&bare)
    {
        return true;
    }
    for label in ["附件", "附录", "附表"] {
        if let Some(rest) = bare.strip_prefix(label) {
            let number = rest.trim_start_matches(|c: char| c.is_whitespace());
            let digits =
                number.chars().take_while(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(*c)).count();
            let after: &str = number.char_indices().nth(digits).map_or("", |(i, _)| &number[i..]);
            if digits > 0 && (after.is_empty() || after.starts_with(['：', ':', ' ', '\u{3000}', '.', '、'])) {
                return true;
            }
        }
    }
    ["附：", "附:", "附件：", "附件:"].iter().any(|p| t.starts_with(p))
}

/// The number of a note in a list of notes: `［1］一降三减：` is 1.
pub fn note_number(t: &str) -> Option<u32> {
    let rest = t.strip_prefix(['［', '[', '【', '〔'])?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=3).contains(&digits) {
        return None;
    }
    rest[digits..].starts_with(['］', ']', '】', '〕']).then(|| rest[..digits].parse().ok()).flatten()
}

/// Whether a style's numbers may start again at one further on in a speech: `第一，` and `一是`
/// enumerate points wherever a speaker makes some, the other styles number a speech's headings once.
pub fn restarts(style: Style) -> bool {
    matches!(style, Style::Ordinal | Style::Enumeration)
}

/// The numbering styles of section headings, best first: when a speech uses several, the first
/// one here that forms a sequence is its sections, and the others stay inside paragraphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `一、`
    Ideographic,
    /// `（一）`
    Parenthesized,
    /// `1.` `1、`
    Arabic,
    /// `第一，`
    Ordinal,
    /// `一是`
    Enumeration,
}

pub const STYLES: [Style; 5] =
    [Style::Ideographic, Style::Parenthesized, Style::Arabic, Style::Ordinal, Style::Enumeration];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Heading {
    pub style: Style,
    pub number: u32,
    /// The line is a heading by itself rather than a paragraph that opens with one.
    pub standalone: bool,
}

/// Reads a Chinese numeral from 一 to 九十九 at the start of `s`.
fn cn_number(s: &str) -> Option<(u32, &str)> {
    let digit = |c: char| "一二三四五六七八九".find(c).map(|i| (i / 3) as u32 + 1);
    let numeral: Vec<(usize, char)> = s.char_indices().take_while(|&(_, c)| c == '十' || digit(c).is_some()).collect();
    let value = match numeral.iter().map(|&(_, c)| c).collect::<Vec<_>>()[..] {
        [d] if d != '十' => digit(d)?,
        ['十'] => 10,
        ['十', d] => 10 + digit(d)?,
        [d, '十'] => 10 * digit(d)?,
        [d, '十', e] => 10 * digit(d)? + digit(e)?,
        _ => return None,
    };
    let end = numeral.last().map(|&(i, c)| i + c.len_utf8())?;
    Some((value, &s[end..]))
}

/// Recognizes a numbered heading at the start of a trimmed line.
pub fn heading(t: &str) -> Option<Heading> {
    let (style, number, rest) = if let Some(inner) = t.strip_prefix(['（', '(']) {
        let (n, rest) = cn_number(inner)?;
        (Style::Parenthesized, n, rest.strip_prefix(['）', ')'])?)
    } else if let Some(inner) = t.strip_prefix('第') {
        let (n, rest) = cn_number(inner)?;
        (Style::Ordinal, n, rest.strip_prefix(['，', ',', '、', '：', ':'])?)
    } else if t.starts_with(|c: char| c.is_ascii_digit()) {
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 2 {
            return None;
        }
        let n: u32 = t[..digits].parse().ok()?;
        let rest = t[digits..].strip_prefix(['.', '．', '、'])?;
        // `1.5万亩` is a number, not a heading.
        if rest.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        (Style::Arabic, n, rest)
    } else {
        let (n, rest) = cn_number(t)?;
        if let Some(rest) = rest.strip_prefix('、') {
            // `一、二季度` counts quarters, it does not number a heading; `一、一年接着一年干` does.
            if cn_number(rest)
                .is_some_and(|(_, after)| after.starts_with(['季', '、', '月', '级', '类', '批', '档', '等']))
            {
                return None;
            }
            (Style::Ideographic, n, rest)
        } else if let Some(rest) = rest.strip_prefix('是') {
            (Style::Enumeration, n, rest)
        } else {
            return None;
        }
    };
    let rest = rest.trim_start_matches([' ', '\u{3000}']);
    if rest.is_empty() || number == 0 {
        return None;
    }
    let body = rest.strip_suffix(SENTENCE_END).unwrap_or(rest);
    let standalone = !body.contains(SENTENCE_END) && count_chars(rest) <= 60;
    Some(Heading { style, number, standalone })
}

/// The heading of a section that a paragraph opens: its first sentence, or its first clause when
/// that sentence is long.
pub fn inline_heading(t: &str) -> String {
    const MAX: usize = 40;
    let first_sentence = t.split(['。', '！', '？', '；', '!', '?', ';']).next().unwrap_or(t);
    if count_chars(first_sentence) <= MAX {
        return first_sentence.to_string();
    }
    // Skip the numbering itself (`第一，`) when looking for the end of the first clause.
    let skip = t.char_indices().nth(3).map_or(t.len(), |(i, _)| i);
    let clause_end = first_sentence[skip.min(first_sentence.len())..].find(['，', ',', '：', ':']).map(|i| i + skip);
    match clause_end {
        Some(end) if count_chars(&first_sentence[..end]) <= MAX => first_sentence[..end].to_string(),
        _ => {
            let cut = first_sentence.char_indices().nth(MAX).map_or(first_sentence.len(), |(i, _)| i);
            format!("{}…", &first_sentence[..cut])
        }
    }
}

/// Finds a full date written the Chinese way (`2024年3月5日`) and returns it as `2024-03-05`.
pub fn cn_date(t: &str) -> Option<String> {
    let bytes = t.as_bytes();
    let mut from = 0;
    while let Some(pos) = t[from..].find('年').map(|p| p + from) {
        from = pos + '年'.len_utf8();
        let year_start = bytes[..pos].iter().rev().take_while(|b| b.is_ascii_digit()).count();
        if year_start != 4 {
            continue;
        }
        let year: i32 = t[pos - 4..pos].parse().ok()?;
        let rest = &t[from..];
        let month_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let Some(after_month) = rest[month_len..].strip_prefix('月') else { continue };
        let day_len = after_month.bytes().take_while(u8::is_ascii_digit).count();
        if after_month[day_len..].starts_with('日') && (1..=2).contains(&month_len) && (1..=2).contains(&day_len) {
            let month: u32 = rest[..month_len].parse().ok()?;
            let day: u32 = after_month[..day_len].parse().ok()?;
            if let Some(date) = chrono::NaiveDate::from_ymd_opt(year, month, day) {
                return Some(date.format("%Y-%m-%d").to_string());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numerals_read_up_to_ninety_nine() {
        assert_eq!(cn_number("一、").map(|x| x.0), Some(1));
        assert_eq!(cn_number("十、").map(|x| x.0), Some(10));
        assert_eq!(cn_number("十二、").map(|x| x.0), Some(12));
        assert_eq!(cn_number("二十、").map(|x| x.0), Some(20));
        assert_eq!(cn_number("二十三是").map(|x| x.0), Some(23));
        assert_eq!(cn_number("一二三"), None);
        assert_eq!(cn_number("人大"), None);
    }

    #[test]
    fn every_heading_shape_of_the_genre_is_recognized() {
        let h = |t| heading(t).map(|h| (h.style, h.number, h.standalone));
        assert_eq!(h("一、强化制度自信,始终坚持党对人大工作全面领导"), Some((Style::Ideographic, 1, true)));
        assert_eq!(h("（二）着力扩大国内需求。"), Some((Style::Parenthesized, 2, true)));
        assert_eq!(h("(三)推动高质量发展"), Some((Style::Parenthesized, 3, true)));
        assert_eq!(h("1.坚持稳中求进"), Some((Style::Arabic, 1, true)));
        assert_eq!(h("12、完善制度"), Some((Style::Arabic, 12, true)));
        assert_eq!(
            h("一是坚持党的领导,把牢政治方向。镇党委每季度至少专题研究一次"),
            Some((Style::Enumeration, 1, false))
        );
        assert_eq!(h("第一，坚持问题导向。我们……"), Some((Style::Ordinal, 1, false)));
        assert_eq!(h("1.5万亩高标准农田"), None);
        assert_eq!(h("2024年工作回顾"), None);
        assert_eq!(h("一是"), None);
        assert_eq!(h("一二三"), None);
        assert_eq!(h("一、二季度，全市经济增长百分之五。"), None);
        assert_eq!(h("一、一年接着一年干，新福建建设持续取得新进展新成效"), Some((Style::Ideographic, 1, true)));
    }

    #[test]
    fn inline_headings_are_the_first_sentence_or_clause() {
        assert_eq!(inline_heading("一是坚持党的领导,把牢政治方向。镇党委每季度"), "一是坚持党的领导,把牢政治方向");
        let long = "第一，坚持以习近平新时代中国特色社会主义思想为指导全面贯彻落实党的二十大和二十届历次全会精神不断推进，我们要。";
        assert!(inline_heading(long).chars().count() <= 41);
    }

    #[test]
    fn trailers_give_editor_and_source() {
        assert!(matches!(trailer("[ 编辑:郝倩淑 ]"), Some(Trailer::Editor("郝倩淑"))));
        assert!(matches!(trailer("责任编辑：张三"), Some(Trailer::Editor("张三"))));
        assert!(matches!(trailer("来源：安徽日报"), Some(Trailer::Source("安徽日报"))));
        assert!(matches!(trailer("（记者 王明 李华）"), Some(Trailer::Other)));
        assert!(matches!(trailer("---(更新时间戳: 1664109102894)"), Some(Trailer::Other)));
        assert!(trailer("来源：据统计，今年全省粮食产量再创新高。").is_none());
        assert!(trailer("（按姓氏笔画为序排列）").is_none());
    }

    #[test]
    fn speakers_and_titles_are_told_from_paragraphs() {
        assert!(is_speaker("中共合肥市委"));
        assert!(is_speaker("国务院总理　李强"));
        assert!(!is_speaker("各位代表："));
        assert!(!is_speaker("（按姓氏笔画为序排列）"));
        assert!(is_strong_speaker("国务院总理　李强") && is_strong_speaker("濉溪县刘桥镇人大"));
        assert!(is_speaker("全国人大代表、合肥市市长　罗云峰"));
        assert!(!is_strong_speaker("聚焦主责主业 推动镇人大工作提质增效"));
        assert!(is_title("海采：这个假期去哪？看什么？"));
        assert!(!is_title("习近平总书记强调，要树立人大是第一线机关的观念。"));
        assert!(!is_title("一、强化制度自信"));
    }

    #[test]
    fn occasions_are_told_with_a_dash_in_parentheses_or_with_no_mark() {
        assert!(is_occasion("——2026年1月25日在北京市第十六届人民代表大会第四次会议上"));
        assert!(is_occasion("――2026年1月21日在自治区第十四届人民代表大会第五次会议上"));
        assert!(is_occasion("（2026年1月27日在某省第十四届人民代表大会第四次会议上）"));
        assert!(is_occasion("2026年1月14日在浙江省第十四届人民代表大会第四次会议上"));
        assert!(is_occasion("二〇二六年一月十四日在省人民代表大会上"));
        assert!(is_occasion("——2026年1月5日在全省经济工作会议上的讲话"));
        assert!(!is_occasion("在全省经济工作会议上的讲话"), "without a mark, a speech's title");
        assert!(is_occasion("在某省第十四届人民代表大会第四次会议上"));
        assert!(!is_occasion("2026年1月14日在杭州召开的会议上，代表们审议了报告。"));
        assert!(!is_occasion("2025年是“十四五”规划收官之年"));
        assert!(!is_occasion("（按姓氏笔画为序排列）"));
        assert!(is_split_occasion("——2026年1月26日在广东省第十四届", "人民代表大会第五次会议上"));
        assert!(is_split_occasion("在广东省第十四届", "人民代表大会第五次会议上 广东省省长 孟凡利"));
        assert!(!is_split_occasion("——2026年1月26日在广东省第十四届人民代表大会第五次会议上", "广东省省长 孟凡利"));
    }

    #[test]
    fn an_occasion_line_may_name_the_speaker_after_it() {
        let (occasion, speaker) =
            split_occasion("2026年1月27日在陕西省第十四届人民代表大会第四次会议上 陕西省省长 赵刚").unwrap();
        assert_eq!((occasion, speaker), ("2026年1月27日在陕西省第十四届人民代表大会第四次会议上", "陕西省省长 赵刚"));
        assert!(split_occasion("——2024年3月5日在第十四届全国人民代表大会第二次会议上").is_none());
        assert!(split_occasion("2026年1月27日在会议上 作了报告").is_none());
    }

    #[test]
    fn names_may_be_spaced_out_dotted_or_on_a_line_of_their_own() {
        assert_eq!(role_and_name("某自治区主席 韦 韬"), ("某自治区主席", "韦 韬"));
        assert_eq!(role_and_name("国务院总理　李强"), ("国务院总理", "李强"));
        assert_eq!(role_and_name("自治区主席　艾尔肯·吐尼亚孜"), ("自治区主席", "艾尔肯·吐尼亚孜"));
        assert_eq!(role_and_name("李　强"), ("", "李　强"));
        assert!(is_name("李　强") && is_name("艾尔肯·吐尼亚孜") && is_name("韦 韬"));
        assert!(!is_name("推动镇人大工作提质增效") && !is_name("·李强") && !is_name("省长A"));
        assert!(is_strong_speaker("某自治区主席 韦 韬") && is_strong_speaker("自治区主席　艾尔肯·吐尼亚孜"));
        assert!(is_role("国务院总理") && is_role("福建省人民政府省长") && !is_role("政府工作报告"));
    }

    #[test]
    fn web_page_furniture_is_told_by_kind() {
        let kind = |t| furniture(t).map(|f| std::mem::discriminant(&f));
        let control = Some(std::mem::discriminant(&Furniture::Control));
        for t in
            ["下载", "【字号：", "】", ">", "分享:", "【字体：大 中 小】", "打印本页 | 关闭窗口", "分享到：微信 微博"]
        {
            assert_eq!(kind(t), control, "{t}");
        }
        for t in ["首页", "首页 > 政务公开 > 政府工作报告", "首页 | 要闻动态 | 政务公开 | 互动交流"]
        {
            assert_eq!(furniture(t), Some(Furniture::Breadcrumb), "{t}");
        }
        assert_eq!(furniture("时间：2026-02-02"), Some(Furniture::Meta { key: MetaKey::Date, value: "2026-02-02" }));
        assert_eq!(furniture("时间："), Some(Furniture::Meta { key: MetaKey::Date, value: "" }));
        assert_eq!(
            furniture("作者：省政府办公厅"),
            Some(Furniture::Meta { key: MetaKey::Author, value: "省政府办公厅" })
        );
        assert_eq!(
            furniture("2026-02-03 08:30　来源：某日报"),
            Some(Furniture::Meta { key: MetaKey::Source, value: "某日报" })
        );
        assert_eq!(furniture("2026-02-02 09:20"), Some(Furniture::Stamp));
        assert_eq!(furniture("发布机构"), Some(Furniture::Meta { key: MetaKey::Other, value: "" }));
        assert_eq!(furniture("成文日期"), Some(Furniture::Meta { key: MetaKey::Date, value: "" }));
        for t in ["扫一扫在手机打开当前页", "相关链接>>", "相关报道：", "上一篇：某某新闻"]
        {
            assert_eq!(furniture(t), Some(Furniture::Link), "{t}");
        }
        assert_eq!(furniture("主办单位：某省人民政府办公厅　版权所有"), Some(Furniture::Notice));
        assert_eq!(furniture("殷勇同志作政府工作报告。本报记者 戴冰摄"), Some(Furniture::Credit));
        for text in
            ["各位代表：", "政府工作报告", "一、2025年工作回顾", "陕西省人民政府", "过去一年，全省经济稳中有进。"]
        {
            assert_eq!(furniture(text), None, "{text}");
        }
    }

    #[test]
    fn page_metadata_gives_every_key_it_has_and_its_date() {
        let pairs = meta_pairs("发布时间：2026-01-30 10:15　来源：某省人民政府");
        assert_eq!(pairs, [(MetaKey::Date, "2026-01-30 10:15"), (MetaKey::Source, "某省人民政府")]);
        let pairs = meta_pairs("发布时间 2026-01-30 09:20 来源 某日报");
        assert_eq!(pairs, [(MetaKey::Date, "2026-01-30 09:20"), (MetaKey::Source, "某日报")]);
        assert!(meta_pairs("各位代表：现在我代表省人民政府报告工作").is_empty());
        assert_eq!(stamp_date("2026-01-30 10:15").as_deref(), Some("2026-01-30"));
        assert_eq!(stamp_date("2026/2/3").as_deref(), Some("2026-02-03"));
        assert_eq!(stamp_date("2026年02月02日 09:20").as_deref(), Some("2026-02-02"));
        assert_eq!(stamp_date("2026-13-01"), None);
    }

    #[test]
    fn appendix_labels_and_notes_are_told_from_text() {
        for label in [
            "附件",
            "附件1",
            "附件 2",
            "附件一",
            "附件1：2026年省十件民生实事",
            "附：名词解释",
            "注释",
            "名词解释",
            "【注释】",
            "附件：1.2026年十件民生实事",
        ] {
            assert!(is_appendix_label(label), "{label}");
        }
        for text in ["附件材料已印发各位代表。", "附件下载", "注意事项", "名词解释见附件。"]
        {
            assert!(!is_appendix_label(text), "{text}");
        }
        assert_eq!(note_number("［1］一降三减："), Some(1));
        assert_eq!(note_number("[12]两个基地"), Some(12));
        assert_eq!(note_number("［一］"), None);
    }

    #[test]
    fn a_line_that_carries_on_a_broken_sentence_is_told() {
        assert!(continues_sentence("是：地区生产总值增长5%左右。"));
        assert!(continues_sentence("，推动高质量发展。"));
        assert!(!continues_sentence("各位代表："));
    }

    #[test]
    fn chinese_dates_become_iso_dates() {
        assert_eq!(cn_date("——2024年3月5日在第十四届全国人民代表大会第二次会议上").as_deref(), Some("2024-03-05"));
        assert_eq!(cn_date("新闻联播 2022年9月24日").as_deref(), Some("2022-09-24"));
        assert_eq!(cn_date("12月7日,省委人大工作会议"), None);
        assert_eq!(cn_date("2023年2月30日"), None);
    }
}
