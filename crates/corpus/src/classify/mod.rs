//! What a single line looks like: the shapes this genre's layout is inferred from, one file a
//! vocabulary (the note, speakers, page furniture, headings, dates).
//!
//! Everything here looks at one trimmed line and nothing else; the parser decides with context.

mod chars;
mod date;
mod furniture;
mod heading;
mod note;
mod speaker;

pub use self::chars::continues_sentence;
pub(crate) use self::chars::{count_chars, is_han, is_name_dot};
pub use self::date::*;
pub use self::furniture::*;
pub use self::heading::*;
pub use self::note::*;
pub use self::speaker::*;

#[cfg(test)]
mod tests {
    use super::heading::cn_number;
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
    fn a_salutation_addresses_an_audience_and_is_no_title() {
        for t in [
            "各位代表：",
            "各位代表！",
            "各位代表：\u{200d}",
            "同志们：",
            "女士们、先生们：",
            "尊敬的各位来宾，朋友们！",
        ] {
            assert!(is_salutation(t) && !is_title(t), "{t}");
        }
        for t in
            ["各位代表，现在，我代表国务院报告工作。", "结束语", "我们：", "编者按：", "海采：这个假期去哪？看什么？"]
        {
            assert!(!is_salutation(t), "{t}");
        }
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

    #[test]
    fn a_title_that_gives_only_a_year_gives_that_year() {
        assert_eq!(cn_year("2019年中华人民共和国国务院政府工作报告").as_deref(), Some("2019"));
        assert_eq!(cn_year("第十三个五年规划 1987年报告").as_deref(), Some("1987"));
        assert_eq!(cn_year("十五年来的工作"), None);
        assert_eq!(cn_year("3000年"), None);
    }
}
