//! Personal names and roles as the press prints them: surnames, names spaced out, dotted foreign
//! names, role words. Kept strict (a personal name is a known surname and one to three more
//! characters) because a headline without punctuation must not become a person.

use crate::classify::{count_chars, is_han, is_name_dot};
use crate::model::trim;

/// Words a role ends with when the name follows it without a space: `…院长曲青山`, `…主席达亚·瑞迪`.
pub(crate) const ROLE_WORDS: &[&str] = &[
    "书记",
    "副书记",
    "主任",
    "主席",
    "院长",
    "部长",
    "局长",
    "厅长",
    "市长",
    "省长",
    "县长",
    "区长",
    "州长",
    "镇长",
    "乡长",
    "村长",
    "校长",
    "会长",
    "理事长",
    "董事长",
    "总经理",
    "经理",
    "总裁",
    "行长",
    "社长",
    "台长",
    "总编辑",
    "主编",
    "秘书长",
    "委员",
    "代表",
    "教授",
    "研究员",
    "院士",
    "会士",
    "会员",
    "专家",
    "总工程师",
    "工程师",
    "医师",
    "医生",
    "教师",
    "老师",
    "律师",
    "记者",
    "主持人",
    "负责人",
    "创始人",
    "大使",
    "参赞",
    "总干事",
    "署长",
    "司长",
    "处长",
    "科长",
    "所长",
    "站长",
    "馆长",
    "团长",
    "队长",
    "政委",
    "司令员",
    "支书",
    "演员",
    "导演",
    "作家",
    "诗人",
    "画家",
    "艺术家",
    "运动员",
    "教练员",
    "教练",
    "总监",
    "官",
    "干部",
    "党员",
    "农民",
    "工人",
    "学者",
    "学生",
    "博士",
    "首席",
    "理事",
    "监事",
    "常委",
    "成员",
    "顾问",
    "主角",
    "传承人",
    "设计师",
    "科学家",
    "企业家",
    "总师",
    "组长",
    "班长",
    "船长",
    "机长",
    "检察长",
    "庭长",
    "总编",
    "编辑",
];

/// Common Chinese surnames, compound ones first: a personal name written without a role starts
/// with one of them.
pub(crate) const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "令狐", "夏侯",
    "端木",
];
pub(crate) const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈\
    姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安\
    齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙\
    鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师\
    和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊\
    仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修\
    邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由傅萧阎钮郦甯訾鄂蔚";

/// Sentence punctuation: a line with any of it is not a speaker line.
pub(crate) const SENTENCE_MARKS: &[char] = &['。', '；', ';', '！', '？', '!', '?', '：', ':'];

/// A foreign name written with middle dots: `达亚·瑞迪`, `阿塔育·习萨目`: parts of one to seven Han
/// characters, three to twenty characters in all. (No allocation: asked of every short line.)
pub(crate) fn is_dotted_name(t: &str) -> bool {
    let (mut letters, mut part, mut dots) = (0, 0, 0);
    for c in t.chars() {
        letters += 1;
        if is_name_dot(c) {
            if part == 0 {
                return false;
            }
            dots += 1;
            part = 0;
        } else if is_han(c) {
            part += 1;
            if part > 7 {
                return false;
            }
        } else {
            return false;
        }
    }
    dots > 0 && part > 0 && (3..=20).contains(&letters)
}

/// A Chinese personal name: a known surname and one to three more Han characters in all (two to
/// four), possibly printed spaced out (`韩  延`).
pub(crate) fn is_han_name(t: &str) -> bool {
    let mut letters = t.chars().filter(|c| !c.is_whitespace());
    let (Some(first), second) = (letters.next(), letters.next()) else { return false };
    let Some(second) = second else { return false };
    let rest = letters.clone().count();
    let n = 2 + rest;
    if n > 4 || !is_han(first) || !is_han(second) || !letters.all(is_han) {
        return false;
    }
    let compound = COMPOUND_SURNAMES.iter().any(|surname| {
        let mut chars = surname.chars();
        chars.next() == Some(first) && chars.next() == Some(second)
    });
    if compound {
        return n > 2;
    }
    // Four characters with a single surname are rarely a name and often a phrase.
    SURNAMES.contains(first) && n <= 3
}

/// A name as printed after a role or alone: Chinese or dotted foreign.
pub(crate) fn is_person_name(t: &str) -> bool {
    is_han_name(t) || is_dotted_name(t)
}

/// A name spaced out into single characters (`韩  延`, `张 也`): a sure sign of a name in print.
pub(crate) fn is_spaced_name(t: &str) -> bool {
    let mut words = 0;
    for word in t.split_whitespace() {
        let mut chars = word.chars();
        if !chars.next().is_some_and(is_han) || chars.next().is_some() {
            return false;
        }
        words += 1;
    }
    (2..=3).contains(&words)
}

/// `代表` / `委员` after a name: a deputy to the people's congress, a member of the CPPCC.
pub(crate) fn strip_deputy(t: &str) -> &str {
    t.strip_suffix("代表").or_else(|| t.strip_suffix("委员")).map(trim).unwrap_or(t)
}

/// A role: any words without sentence punctuation, not too long. Roles carry `，`, `、`,
/// `（集团）`, `《》` and quotation marks.
pub(crate) fn is_role_text(t: &str) -> bool {
    // A headline of the news names people too (`某某会见某国总统某某`): a role is no sentence.
    const VERBS: &[&str] = &[
        "会见",
        "会晤",
        "会谈",
        "出席",
        "考察",
        "主持",
        "致电",
        "致信",
        "致辞",
        "看望",
        "慰问",
        "接见",
        "参加",
        "调研",
        "召开",
        "举行",
        "访问",
        "通电话",
        "签署",
        "宣布",
        "回信",
        "寄语",
        "听取",
        "审议",
        "批示",
        "讲话",
        "发表",
        "表示",
        "指出",
        "强调",
        "答记者问",
    ];
    let n = count_chars(t);
    !VERBS.iter().any(|verb| t.contains(verb))
        && (2..=80).contains(&n)
        && !t.contains(SENTENCE_MARKS)
        && !t.starts_with(['（', '(', '—', '-', '―', '【', '['])
        && !t.ends_with(['，', ',', '、'])
        && t.chars().any(is_han)
}

pub(crate) fn ends_with_role_word(t: &str) -> bool {
    // The last characters of the role words, so that most lines are told by one lookup.
    static LAST: std::sync::LazyLock<std::collections::HashSet<char>> =
        std::sync::LazyLock::new(|| ROLE_WORDS.iter().filter_map(|w| w.chars().last()).collect());
    t.chars().next_back().is_some_and(|c| LAST.contains(&c)) && ROLE_WORDS.iter().any(|w| t.ends_with(w))
}
