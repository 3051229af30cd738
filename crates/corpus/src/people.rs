//! How the press prints who is speaking, and what it prints around several people's speeches:
//! speaker lines in their many forms, bylines and page credits, column tags, subtitles.
//!
//! Like `classify`, everything here looks at one trimmed line; the multi-speaker layout decides
//! with context. The forms are kept strict (a personal name is a known surname and one to three
//! more characters) because a headline without punctuation must not become a person.

use crate::classify::{count_chars, is_han, is_name_dot};
use crate::model::trim;
use crate::names::{
    ROLE_WORDS, SENTENCE_MARKS, ends_with_role_word, is_dotted_name, is_han_name, is_person_name, is_role_text,
    is_spaced_name, strip_deputy,
};

/// How a speaker line is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `北京大学艺术学院院长　王一川`, `导演  韩  延`: a role, a space, a name.
    Spaced,
    /// `中央党史和文献研究院院长曲青山`, `重庆市垫江县委书记蒲彬彬代表`: run together.
    RunTogether,
    /// `张 也（歌唱演员）`, `蔡奇代表（北京市委书记）`: a name, the role in parentheses.
    Parenthesized,
    /// `杨伟民`, `贺  强`, `李明代表`: a name alone.
    Bare,
}

/// The form of a line that names a person speaking, if it is one. `t` is trimmed and has no
/// colon or dash of its own.
pub fn person(t: &str) -> Option<Form> {
    let n = count_chars(t);
    if !(2..=90).contains(&n) || t.contains(SENTENCE_MARKS) {
        return None;
    }
    if parenthesized(t) {
        return Some(Form::Parenthesized);
    }
    if t.contains(['（', '(']) && t.ends_with(['）', ')']) && !spaced(t) {
        return None;
    }
    if bare(t) {
        return Some(Form::Bare);
    }
    if spaced(t) {
        return Some(Form::Spaced);
    }
    if run_together(t) {
        return Some(Form::RunTogether);
    }
    None
}

/// `杨伟民`, `贺  强`, `李明代表`, `达亚·瑞迪`.
fn bare(t: &str) -> bool {
    let name = strip_deputy(t);
    is_person_name(name) || is_spaced_name(name)
}

/// `name（role）`, optionally `name代表（role）`.
fn parenthesized(t: &str) -> bool {
    let Some(open) = t.find(['（', '(']) else { return false };
    let Some(inner) = t[open..].strip_suffix(['）', ')']) else { return false };
    let inner = &inner[inner.chars().next().map_or(0, char::len_utf8)..];
    let name = strip_deputy(trim(&t[..open]));
    (is_person_name(name) || is_spaced_name(name))
        && (1..=60).contains(&count_chars(inner))
        && !inner.contains(['（', '(', '）', ')'])
        && !inner.contains(SENTENCE_MARKS)
}

/// A role, white space, a name (the name may be spaced out, a deputy's suffix may follow).
fn spaced(t: &str) -> bool {
    if !t.contains(char::is_whitespace) {
        return false;
    }
    let (role, name) = crate::classify::role_and_name(t);
    if role.is_empty() {
        return false;
    }
    let name = strip_deputy(name);
    let han_letters: String = name.chars().filter(|c| !c.is_whitespace()).collect();
    let named = is_person_name(name)
        || is_spaced_name(name)
        // `…办公室主任　土井俊范`: after a role word, a name of any origin.
        || (ends_with_role_word(role) && (2..=4).contains(&count_chars(&han_letters)) && han_letters.chars().all(is_han));
    // A headline of two phrases (`坚持创新 引领发展`) is no role and name: the role of a
    // person reads as one, or ends with a role word, or the name is unmistakable.
    named
        && (ends_with_role_word(role) || is_spaced_name(name) || is_dotted_name(name) || is_han_name(name))
        && is_role_text(role)
        && !is_tag_list(t)
}

/// A role and a name run together: the name is the last two to four characters (or a dotted
/// foreign name), right after a role word. Only the few places a name can start are tried: this is
/// asked of every short line of a corpus.
fn run_together(t: &str) -> bool {
    if t.contains(char::is_whitespace) {
        return false;
    }
    let t = strip_deputy(t);
    // `…主席达亚·瑞迪`: the name's first part, one to seven characters, is before the first dot.
    let (end, counts) = match t.find(is_name_dot) {
        Some(dot) => (dot, 1..=7),
        None => (t.len(), 2..=4),
    };
    let starts = t[..end].char_indices().rev().map(|(i, _)| i);
    starts.enumerate().take(*counts.end()).filter(|(k, _)| counts.contains(&(k + 1))).any(|(_, at)| {
        let (role, name) = t.split_at(at);
        ends_with_role_word(role) && count_chars(role) >= 3 && is_person_name(name) && is_role_text(role)
    })
}

/// What a line that names its speaker before a colon says: the speaker and the text after the
/// colon (empty when the line is only the speaker).
pub fn colon_speaker(t: &str) -> Option<(&str, &str)> {
    let at = t.find(['：', ':'])?;
    let speaker = trim(&t[..at]);
    let rest = trim(&t[at + t[at..].chars().next().map_or(1, char::len_utf8)..]);
    // A bare name before a colon is far more often a quotation (`他说：`) than a speaker, and
    // `各位代表：` is an address: only a role and a name count.
    const VERBS: &[&str] = &[
        "说",
        "表示",
        "指出",
        "强调",
        "认为",
        "介绍",
        "提出",
        "谈到",
        "坦言",
        "直言",
        "建议",
        "呼吁",
        "表态",
        "回忆",
        "感慨",
        "告诉记者",
        "透露",
        "称",
    ];
    if VERBS.iter().any(|verb| speaker.ends_with(verb)) {
        return None;
    }
    let form = person(speaker)?;
    (form != Form::Bare).then_some((speaker, rest))
}

/// `（埃及国际政治专家）`: a role in parentheses on a line of its own, under a name.
pub fn is_role_line(t: &str) -> bool {
    let Some(inner) = t.strip_prefix(['（', '(']).and_then(|t| t.strip_suffix(['）', ')'])) else { return false };
    // `（此处有删节）` under a name is an editor's remark: a role names a position. (`评论员` is
    // one only here: run together with what follows, `…评论员文章` reads as a name.)
    let position = ROLE_WORDS.iter().chain(&["评论员"]).any(|word| inner.contains(word));
    position && !is_byline(t) && is_role_text(inner) && count_chars(inner) <= 40 && !inner.contains(['（', '('])
}

/// `——国际科学理事会主席达亚·瑞迪`, `——张华委员（中国科学院院士）`: the speaker of the
/// statement above.
pub fn attribution(t: &str) -> Option<&str> {
    let rest = trim(t.strip_prefix("——").or_else(|| t.strip_prefix("――")).or_else(|| t.strip_prefix("--"))?);
    if rest.starts_with(['—', '-', '―']) {
        return None;
    }
    person(rest).is_some().then_some(rest)
}

/// `——加中贸易理事会主席彼得·哈德。他1980年首次访华时…`: an attribution the page follows with a
/// word about the speaker in the same paragraph. Gives the speaker.
pub fn attribution_paragraph(t: &str) -> Option<&str> {
    let (head, _) = t.split_once('。')?;
    attribution(head)
}

/// What follows a dash at the start of a line, up to the end of its first sentence, when it is
/// short enough to name someone: on a page of attributed statements, the speaker however
/// they are described (`——日本电影《追捕》女主角中野良子`).
pub fn dash_speaker(t: &str) -> Option<&str> {
    let rest = trim(t.strip_prefix("——").or_else(|| t.strip_prefix("――"))?);
    let head = trim(rest.split_once('。').map_or(rest, |(head, _)| head));
    let n = count_chars(head);
    ((2..=40).contains(&n) && !head.contains(['，', '；', '！', '？', '：']) && !is_note_signature(t)).then_some(head)
}

/// `——编 者`, `——编者`: the signature under an editor's note.
pub fn is_note_signature(t: &str) -> bool {
    let rest = t.trim_start_matches(['—', '―', '-']);
    rest.len() < t.len() && {
        let letters: String = rest.chars().filter(|c| !c.is_whitespace()).collect();
        matches!(letters.as_str(), "编者" | "编辑部" | "本报编辑部")
    }
}

/// `主持人语`, `主持人的话`: the label of a host's note, which a page uses as an editor's note.
pub fn is_host_note(t: &str) -> bool {
    let inner = t.trim_matches(|c| matches!(c, '【' | '】' | '[' | ']' | '［' | '］' | ' ' | '\u{3000}'));
    ["主持人语", "主持人的话", "本期主持人语"].iter().any(|label| inner.starts_with(label))
}

/// A subtitle under a headline: `——…研讨会发言摘编`, which names the event.
pub fn is_subtitle(t: &str) -> bool {
    let rest = t.strip_prefix("——").or_else(|| t.strip_prefix("――"));
    rest.is_some_and(|rest| {
        let n = count_chars(rest);
        (4..=80).contains(&n) && !rest.contains(['。', '！', '？']) && attribution(t).is_none() && !is_note_signature(t)
    })
}

/// A speech's or the page's byline: `（本报记者闫旭、刘新吾整理）`, `本报记者 李强 整理`,
/// `采访整理：…`, `（作者为…）`, `（记者 …）`.
pub fn is_byline(t: &str) -> bool {
    let n = count_chars(t);
    if n > 80 || t.contains('。') && !t.starts_with(['（', '(']) {
        return false;
    }
    let inner = t.trim_start_matches(['（', '(']).trim_end_matches(['）', ')']);
    let bracketed = inner.len() != t.len() && t.starts_with(['（', '(']) && t.ends_with(['）', ')']);
    let reporter = ["本报记者", "记者", "本报通讯员", "通讯员", "实习记者", "特约记者", "新华社记者"]
        .iter()
        .any(|p| inner.starts_with(p));
    if bracketed {
        return inner.starts_with("作者") || (reporter && !inner.contains('。')) || inner.ends_with("整理");
    }
    (reporter && (t.ends_with("整理") || t.ends_with("采写") || t.ends_with("报道")))
        || ["采访整理：", "采访整理:", "整理：", "整理:", "采写：", "采写:"].iter().any(|p| t.starts_with(p))
}

/// A credit of the page, not of one speech: `版式设计：…`, `本版摄影：…`, `电子信箱：…`.
pub fn is_credit(t: &str) -> bool {
    const LABELS: &[&str] = &[
        "版式设计",
        "本版摄影",
        "摄影",
        "本版制图",
        "制图",
        "电子信箱",
        "电子邮箱",
        "本版编辑",
        "本版责编",
        "责编",
        "美编",
        "图片",
        "本版图片",
        "插图",
        "设计",
        "数据来源",
        "资料来源",
        "统筹",
        "策划",
    ];
    count_chars(t) <= 80
        && !t.contains('。')
        && LABELS
            .iter()
            .any(|label| t.strip_prefix(label).is_some_and(|rest| rest.trim_start().starts_with(['：', ':'])))
}

/// Column tags set apart by spaces or middle dots: `讲政治 抓学习 正风气`, `话小康·议报告`. Two
/// phrases apart by a space only are a headline's halves (`回应关切 传递信心`), not tags.
fn is_tag_list(t: &str) -> bool {
    let parts: Vec<&str> = t.split(|c: char| c.is_whitespace() || is_name_dot(c)).filter(|p| !p.is_empty()).collect();
    (parts.len() >= 3 || t.contains(is_name_dot))
        && parts.iter().all(|p| (2..=5).contains(&count_chars(p)) && p.chars().all(is_han))
        && parts.windows(2).all(|w| count_chars(w[0]) == count_chars(w[1]))
}

/// A kicker above a headline: column tags, a bracketed column name, or a lead-in that ends with a
/// dash (`工商界人士、政协委员接受本报采访表示——`).
pub fn is_kicker(t: &str) -> bool {
    let n = count_chars(t);
    n <= 40
        && !t.starts_with(['—', '―'])
        && (t.ends_with("——")
            || t.ends_with("――")
            || is_tag_list(t)
            || (t.starts_with(['【', '[', '［']) && t.ends_with(['】', ']', '］'])))
}

/// A short tag printed above a speech's title (`【基层声音】`, `代表通道` printed above several),
/// told from the first half of a two-line title by its shape; `repeated` when the page prints the
/// same line above another speech.
pub fn is_speech_kicker(t: &str, repeated: bool) -> bool {
    let n = count_chars(t);
    is_kicker(t) || (repeated && n <= 8) || t.ends_with(['：', ':'])
}

/// `□ 本报评论员`, `□ 某大学教授 秦 刚`: an author line under a commentary's title, the square a
/// typographic mark. Gives the author without it.
pub fn author_line(t: &str) -> Option<&str> {
    let rest = trim(t.strip_prefix(['□', '■', '◎', '○', '●'])?);
    let staff = ["本报评论员", "本报特约评论员", "特约评论员", "评论员", "本报编辑部", "本报记者"];
    let named =
        staff.iter().any(|s| rest == *s || rest.strip_prefix(s).is_some_and(|r| r.starts_with(char::is_whitespace)));
    (named || person(rest).is_some()).then_some(rest)
}

/// A headline that announces a roundup of news items: `联播快讯`, `新闻速览`, `要闻简报`.
pub fn is_roundup_title(t: &str) -> bool {
    ["快讯", "简讯", "速览", "要闻", "简报", "速递", "一览", "集锦", "播报", "短讯", "简明新闻", "新闻摘要", "扫描"]
        .iter()
        .any(|w| t.contains(w))
}

/// A news dateline: `本报北京3月5日电`, `新华社北京3月5日电`.
pub fn has_dateline(t: &str) -> bool {
    let head = &t[..t.floor_char_boundary(90)];
    (head.starts_with("本报") || head.starts_with("新华社") || head.starts_with("据")) && head.contains("电")
        || head.contains("日电")
}

/// The speaker as shown: without the dash of an attribution or the colon after a name.
pub fn speaker_shown(t: &str) -> &str {
    let t = author_line(trim(t)).unwrap_or(trim(t));
    if let Some(speaker) = attribution_paragraph(t) {
        return speaker;
    }
    let t = t.strip_prefix("——").or_else(|| t.strip_prefix("――")).or_else(|| t.strip_prefix("--")).unwrap_or(t);
    trim(t.trim_end_matches(['：', ':']))
}

/// A byline as a speaker: without its brackets.
pub fn byline_shown(t: &str) -> &str {
    trim(trim(t).trim_start_matches(['（', '(']).trim_end_matches(['）', ')']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speaker_lines_of_every_printed_form_are_people() {
        for (line, form) in [
            ("北京大学艺术学院院长\u{a0}\u{a0}王一川", Form::Spaced),
            ("导演\u{a0}\u{a0}韩\u{a0}\u{a0}延", Form::Spaced),
            ("科幻作家、新华社对外新闻编辑部副主任兼中央新闻采访中心副主任\u{a0}\u{a0}韩\u{a0}\u{a0}松", Form::Spaced),
            ("国防科工局（国家航天局）新闻办副主任\u{a0}\u{a0}孟\u{a0}\u{a0}华", Form::Spaced),
            ("泰国驻华大使\u{a0}阿塔育·习萨目", Form::Spaced),
            ("东盟与中日韩宏观经济研究办公室主任\u{a0}土井俊范", Form::Spaced),
            ("中国建筑集团有限公司党组书记、董事长\u{3000}郑学选", Form::Spaced),
            ("重庆市垫江县委书记蒲彬彬代表", Form::RunTogether),
            ("河南省三门峡市市长安伟代表", Form::RunTogether),
            ("中央党史和文献研究院院长曲青山", Form::RunTogether),
            ("国际科学理事会主席达亚·瑞迪", Form::RunTogether),
            ("加拿大皇家学会会员、加拿大西安大略大学减少灾害风险研究所荣誉教授戈登·麦克比恩", Form::RunTogether),
            ("张\u{a0}也（歌唱演员）", Form::Parenthesized),
            ("尹晓东（中国儿童艺术剧院院长）", Form::Parenthesized),
            ("蔡奇代表（北京市委书记）", Form::Parenthesized),
            ("杨伟民", Form::Bare),
            ("贺\u{a0}强", Form::Bare),
        ] {
            assert_eq!(person(line), Some(form), "{line}");
        }
    }

    #[test]
    fn headlines_titles_and_column_tags_are_not_people() {
        for line in [
            "讲政治 抓学习 正风气",
            "脱贫攻坚  不获全胜决不收兵",
            "降低疫情冲击 稳定企业发展（议政建言）",
            "坚持创新 引领发展",
            "中式科幻大片的开山之作",
            "靠种花走上致富路",
            "各位代表",
            "习近平会见孟加拉国临时政府首席顾问尤努斯",
            "政府工作报告",
            "发言席",
            "我们的心声",
            "抓住机遇，加速电影工业化",
        ] {
            assert_eq!(person(line), None, "{line}");
        }
    }

    #[test]
    fn colons_and_dashes_name_speakers_only_with_a_role() {
        assert_eq!(colon_speaker("中央宣传部副部长梁言顺："), Some(("中央宣传部副部长梁言顺", "")));
        assert_eq!(
            colon_speaker("全国人大代表、某市市长 王刚：要把实事办实。"),
            Some(("全国人大代表、某市市长 王刚", "要把实事办实。"))
        );
        assert_eq!(colon_speaker("各位代表："), None);
        assert_eq!(colon_speaker("王刚：好。"), None);
        assert_eq!(attribution("——国际科学理事会主席达亚·瑞迪"), Some("国际科学理事会主席达亚·瑞迪"));
        assert_eq!(attribution("——张华委员（中国科学院院士）"), Some("张华委员（中国科学院院士）"));
        assert_eq!(attribution("——学习贯彻习近平总书记关于扶贫工作的重要论述研讨会发言摘编"), None);
        assert_eq!(
            attribution_paragraph("——上海大众德方首任副总经理马丁·波斯特。他1984年首次来华。"),
            Some("上海大众德方首任副总经理马丁·波斯特")
        );
        assert_eq!(attribution_paragraph("——维也纳大学教授特拉普。30多年前他在中国留学。"), None, "特 is no surname");
        assert_eq!(dash_speaker("——维也纳大学教授特拉普。30多年前他在中国留学。"), Some("维也纳大学教授特拉普"));
        assert_eq!(dash_speaker("——编 者"), None);
        assert!(is_role_line("（埃及国际政治专家）") && !is_role_line("（此处有删节）"));
        assert!(is_subtitle("——学习贯彻习近平总书记关于扶贫工作的重要论述研讨会发言摘编"));
        assert!(is_note_signature("——编\u{a0}者") && is_note_signature("——编者") && !is_subtitle("——编 者"));
    }

    #[test]
    fn bylines_and_credits_are_told_apart() {
        for byline in [
            "（本报记者闫旭、刘新吾整理）",
            "（作者为全国政协常委、经济委员会副主任）",
            "本报记者 李强 整理",
            "采访整理：王晓丽",
        ] {
            assert!(is_byline(byline), "{byline}");
        }
        for credit in ["版式设计：张丹峰", "本版摄影：李刚", "电子信箱：rmrbgj@people.cn"] {
            assert!(is_credit(credit) && !is_byline(credit), "{credit}");
        }
        assert!(!is_byline("（2019年世界公众科学素质促进大会发言摘要）"));
        assert!(is_kicker("工商界人士、政协委员接受本报采访表示——") && is_kicker("话小康·议报告"));
        assert!(is_kicker("讲政治 抓学习 正风气") && !is_kicker("脱贫攻坚  不获全胜决不收兵"));
        assert!(!is_kicker("回应关切 传递信心"));
        assert_eq!(author_line("□ 本报评论员"), Some("本报评论员"));
        assert_eq!(author_line("□ 中国人民大学马克思主义学院教授 秦 刚"), Some("中国人民大学马克思主义学院教授 秦 刚"));
        assert_eq!(author_line("□ 在新征程上"), None);
    }
}
