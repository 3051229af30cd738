//! Words too common to say anything alone: function words and pronouns. A quotation or a trend
//! made of nothing else would match most of the corpus, so it is answered with what to type instead.

use jieba_rs::Jieba;

/// Chinese function words, pronouns and the commonest verbs of being, as jieba cuts them.
const STOPWORDS: &[&str] = &[
    "的", "了", "和", "是", "在", "与", "及", "等", "也", "都", "就", "而", "并", "对", "把", "被", "从", "向", "为",
    "以", "之", "其", "这", "那", "个", "有", "我", "你", "他", "她", "它", "们", "我们", "你们", "他们", "中", "上",
    "下", "里", "到", "着", "过", "又", "还", "要", "会", "能", "可", "不", "没", "没有", "很", "更", "最", "已",
    "已经", "给", "让", "使", "将", "于", "由", "或", "或者", "但", "但是", "而且", "并且", "因为", "所以", "如果",
    "虽然", "这个", "那个", "这些", "那些", "什么", "一个", "一些", "自己", "就是", "还是", "以及", "同时", "进行",
    "通过", "地", "得", "吗", "呢", "吧", "啊", "呀", "嗯", "哦", "即", "则", "且", "乃", "亦", "矣", "焉", "哉",
    "the", "a", "an", "of", "and", "or", "to", "in", "is",
];

pub fn is_stopword(word: &str) -> bool {
    STOPWORDS.contains(&word)
}

/// Whether `c` alone is a function word (`的`, `和`, `在`…): a phrase next to one is not bound to it.
pub fn is_stop_char(c: char) -> bool {
    matches!(
        c,
        '的' | '了'
            | '和'
            | '是'
            | '在'
            | '与'
            | '及'
            | '等'
            | '也'
            | '都'
            | '就'
            | '而'
            | '并'
            | '对'
            | '把'
            | '被'
            | '从'
            | '向'
            | '为'
            | '以'
            | '之'
            | '其'
            | '这'
            | '那'
            | '个'
            | '有'
            | '我'
            | '你'
            | '他'
            | '她'
            | '它'
            | '们'
            | '中'
            | '上'
            | '下'
            | '里'
            | '到'
            | '着'
            | '过'
            | '又'
            | '还'
            | '要'
            | '会'
            | '能'
            | '可'
            | '不'
            | '没'
            | '很'
            | '更'
            | '最'
            | '已'
            | '给'
            | '让'
            | '使'
            | '将'
            | '于'
            | '由'
            | '或'
            | '但'
            | '即'
            | '则'
            | '且'
            | '地'
            | '得'
    )
}

/// Whether every word of `text` (normalized) is a stopword; text without words is not.
pub fn only_stopwords(jieba: &Jieba, text: &str) -> bool {
    let words: Vec<&str> =
        jieba.cut(text, false).into_iter().map(|t| t.word).filter(|w| w.chars().any(char::is_alphanumeric)).collect();
    !words.is_empty() && words.iter().all(|w| is_stopword(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_function_words_of_one_character_are_the_list_s_own() {
        let single: Vec<char> =
            STOPWORDS.iter().filter(|w| w.chars().count() == 1).filter_map(|w| w.chars().next()).collect();
        for c in single.iter().filter(|c| crate::is_han(**c)) {
            let particle =
                matches!(c, '吗' | '呢' | '吧' | '啊' | '呀' | '嗯' | '哦' | '乃' | '亦' | '矣' | '焉' | '哉');
            assert_eq!(is_stop_char(*c), !particle, "{c}");
        }
    }

    #[test]
    fn function_words_alone_are_only_stopwords_and_a_formulation_is_not() {
        let jieba = Jieba::new();
        assert!(only_stopwords(&jieba, "我们的，和他们的"));
        assert!(only_stopwords(&jieba, "的的的的的的的的"));
        assert!(!only_stopwords(&jieba, "高质量发展的"));
        assert!(!only_stopwords(&jieba, "。，"));
    }
}
