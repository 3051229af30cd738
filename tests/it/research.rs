//! The research tools as a journalist or researcher uses them: quotations checked against the
//! fifty government work reports (and the fixture corpus), altered in each way people alter
//! them; trends counted as `search --json` counts; exports with the rows and columns promised.
//! The answers are read as values here; `research_bot.rs` sends them through Telegram.

use std::collections::BTreeMap;
use std::process::Command;
use std::sync::{Arc, OnceLock};

use digestbot_core::attachment::{Attachment, Cell};
use digestbot_core::reply::{Response, Rich, Style};
use digestbot_core::research::verify::render;
use digestbot_core::{App, Caller};
use digestbot_corpus::Loc;
use digestbot_search::library::Library;
use digestbot_search::verify::{Piece, Verification};
use digestbot_search::{Verdict, VerifyError};

use crate::support::{analyzer, fixture, fixture_library, root};

const READER: Caller = Caller::private(401);

/// The bot on the fifty national government work reports, 1954–2023, indexed once per process.
fn reports_app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    APP.get_or_init(|| App::new(Library::load(&fixture("gov-work-reports"), analyzer()).unwrap()))
}

/// The library it serves.
fn reports() -> Arc<Library> {
    reports_app().library()
}

/// The one passage whose text contains `original`: the true source a quotation of it must find.
fn source_of(library: &Library, original: &str) -> Loc {
    let found: Vec<Loc> = library
        .locs()
        .filter(|loc| loc.resolve(&library.corpus).is_some_and(|at| at.passage.text().contains(original)))
        .collect();
    assert_eq!(found.len(), 1, "the test needs text found in exactly one passage: {original}");
    found[0]
}

fn verified(library: &Library, quotation: &str) -> Verification {
    library.verify(quotation).unwrap_or_else(|e| panic!("{quotation}: {e:?}"))
}

/// The file and year of a passage, for readable failures.
fn whence(library: &Library, loc: Loc) -> String {
    let at = loc.resolve(&library.corpus).unwrap();
    format!("{} ({})", at.digest.file, at.digest.date.as_deref().unwrap_or("-"))
}

/// The text of the spans of `style` in an answer, in order.
fn styled(text: &Rich, style: &Style) -> Vec<String> {
    text.0.iter().filter(|span| &span.style == style).map(|span| span.text.clone()).collect()
}

const FROM_2023: &str = "保持广义货币供应量和社会融资规模增速同名义经济增速基本匹配，支持实体经济发展";

/// A quotation altered from the source, and what the answer must say of it.
struct Altered {
    how: &'static str,
    quotation: &'static str,
    verdict: Verdict,
    added: &'static str,
    missing: &'static str,
}

#[test]
fn each_kind_of_alteration_finds_the_true_source_first_with_the_difference_marked_exactly() {
    let library = reports();
    let source = source_of(&library, FROM_2023);
    let cases = [
        Altered { how: "copied", quotation: FROM_2023, verdict: Verdict::Exact, added: "", missing: "" },
        Altered {
            how: "a character dropped",
            quotation: "保持广义货币供应量和社会资规模增速同名义经济增速基本匹配，支持实体经济发展",
            verdict: Verdict::Close,
            added: "",
            missing: "融",
        },
        Altered {
            how: "a character added",
            quotation: "保持广义货币供应量和社会融资规模增速同名义经济增速基本相匹配，支持实体经济发展",
            verdict: Verdict::Close,
            added: "相",
            missing: "",
        },
        // 2021 and 2022 say 与 here: the quotation is nearer to them in that one character, but
        // nearer to 2023 as a whole.
        Altered {
            how: "a character changed",
            quotation: "保持广义货币供应量和社会融资规模增速与名义经济增速基本匹配，支持实体经济发展",
            verdict: Verdict::Close,
            added: "与",
            missing: "同",
        },
        Altered {
            how: "Traditional forms",
            quotation: "保持廣義貨幣供應量和社會融資規模增速同名義經濟增速基本匹配，支持實體經濟發展",
            verdict: Verdict::Exact,
            added: "",
            missing: "",
        },
        Altered {
            how: "other punctuation and quotation marks",
            quotation: "“保持广义货币供应量和社会融资规模增速同名义经济增速基本匹配；支持实体经济发展。”",
            verdict: Verdict::Exact,
            added: "",
            missing: "",
        },
        Altered {
            how: "full-width letters and spaces",
            quotation: "保持广义货币供应量和社会融资规模增速 同名义经济增速基本匹配， 支持实体经济发展",
            verdict: Verdict::Exact,
            added: "",
            missing: "",
        },
    ];
    for case in cases {
        let found = verified(&library, case.quotation);
        let best = found.matches.first().unwrap_or_else(|| panic!("{}: no match", case.how));
        assert_eq!(
            best.locs[0],
            source,
            "{}: the first source is {}, not the 2023 report",
            case.how,
            whence(&library, best.locs[0])
        );
        assert_eq!(found.verdict(), case.verdict, "{}", case.how);
        assert_eq!((best.added.as_str(), best.missing.as_str()), (case.added, case.missing), "{}", case.how);
        assert_eq!(best.differences(), case.added.chars().count() + case.missing.chars().count());
        // The marks are exactly the differences: what the text has and the quotation leaves out,
        // and what the quotation adds, at their places.
        let marked =
            |kind: fn(&Piece) -> Option<&String>| best.pieces.iter().filter_map(kind).cloned().collect::<String>();
        let missing = marked(|p| if let Piece::Missing(t) = p { Some(t) } else { None });
        let added = marked(|p| if let Piece::Added(t) = p { Some(t) } else { None });
        assert_eq!((added.as_str(), missing.as_str()), (case.added, case.missing), "{}", case.how);
        // The answer shows them: left out in bold, added as 〔+…〕 in italics.
        let answer = render(&library, &found);
        if !case.missing.is_empty() {
            assert!(styled(&answer, &Style::Bold).contains(&case.missing.to_string()), "{}", answer.to_plain());
        }
        if !case.added.is_empty() {
            let mark = format!("〔+{}〕", case.added);
            assert!(styled(&answer, &Style::Italic).contains(&mark), "{}", answer.to_plain());
        }
    }
}

#[test]
fn a_copied_quotation_is_verbatim_and_one_in_other_forms_is_exact_but_not_verbatim() {
    let library = reports();
    let copied = verified(&library, FROM_2023);
    assert!(copied.matches[0].verbatim && (copied.matches[0].similarity - 1.0).abs() < 1e-9);
    assert!(render(&library, &copied).to_plain().contains("一字不差"));
    let traditional =
        verified(&library, "保持廣義貨幣供應量和社會融資規模增速同名義經濟增速基本匹配，支持實體經濟發展");
    assert!(!traditional.matches[0].verbatim);
    assert!(render(&library, &traditional).to_plain().contains("标点或繁简、全角写法不同"));
}

#[test]
fn full_width_digits_match_the_published_half_width_ones() {
    let library = reports();
    let source = source_of(&library, "积极的财政政策要加力提效。赤字率拟按3%安排。");
    let found = verified(&library, "积极的财政政策要加力提效。赤字率拟按３％安排。");
    assert_eq!(found.verdict(), Verdict::Exact);
    assert_eq!(found.matches[0].locs[0], source, "{}", whence(&library, found.matches[0].locs[0]));
}

#[test]
fn two_words_swapped_are_close_to_the_true_source_with_the_moved_word_marked() {
    let library = reports();
    let source = source_of(&library, FROM_2023);
    let found = verified(&library, "保持社会融资规模和广义货币供应量增速同名义经济增速基本匹配，支持实体经济发展");
    assert_eq!(found.verdict(), Verdict::Close);
    let best = &found.matches[0];
    assert_eq!(best.locs[0], source, "{}", whence(&library, best.locs[0]));
    assert!(best.similarity >= 0.65 && best.similarity < 1.0, "{}", best.similarity);
    // The quotation puts the moved word where the text does not have it.
    assert!(best.added.contains("广义货币供应量") || best.added.contains("社会融资规模"), "{best:?}");
    assert!(best.missing.chars().count() < 10, "{best:?}");
}

#[test]
fn a_quotation_running_across_two_passages_is_found_in_both() {
    let library = reports();
    let first = source_of(&library, FROM_2023);
    let (_, next) = library.neighbors(first);
    let next = next.expect("the passage is followed by another");
    let tail: String = {
        let text = first.resolve(&library.corpus).unwrap().passage.text();
        let chars: Vec<char> = text.chars().collect();
        chars[chars.len() - 20..].iter().collect()
    };
    let head: String = next.resolve(&library.corpus).unwrap().passage.text().chars().take(20).collect();
    let found = verified(&library, &format!("{tail}{head}"));
    assert_eq!(found.verdict(), Verdict::Exact, "{tail}{head}");
    assert_eq!(found.matches[0].locs, vec![first, next]);
    assert!(found.matches[0].pieces.contains(&Piece::Break));
    assert!(found.matches[0].text.contains('\n'), "the passages are shown apart");
}

#[test]
fn text_that_is_not_in_the_corpus_is_not_found_and_the_answer_says_how_much_was_searched() {
    let library = reports();
    let found = verified(&library, "我们要在火星上建设第一座社会主义新农村图书馆和量子奶茶店");
    assert_eq!(found.verdict(), Verdict::NotFound, "{:?}", found.matches);
    assert!(found.matches.is_empty());
    let answer = render(&library, &found).to_plain();
    assert!(answer.contains(&format!("在语料库的 {} 段中没有找到", library.index.len())), "{answer}");
}

#[test]
fn every_altered_quotation_of_the_fixture_corpus_finds_its_passage() {
    let library = fixture_library();
    let mut checked = 0;
    for loc in library.locs() {
        let text = loc.resolve(&library.corpus).unwrap().passage.text();
        let chars: Vec<char> = text.chars().filter(|c| c.is_alphanumeric()).collect();
        if chars.len() < 40 {
            continue;
        }
        // Twenty-four characters from the middle, one changed to a character no passage has.
        let mut quotation: Vec<char> = chars[8..32].to_vec();
        let changed = quotation[12];
        quotation[12] = '龘';
        let quotation: String = quotation.into_iter().collect();
        let found = verified(library, &quotation);
        let best = &found.matches[0];
        assert!(best.locs.contains(&loc), "{quotation}: found {:?}", best.locs);
        assert_eq!((best.added.as_str(), best.missing.chars().collect::<Vec<_>>()), ("龘", vec![changed]));
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} passages long enough");
}

#[test]
fn bad_quotations_are_refused_with_what_to_do() {
    let library = reports();
    assert_eq!(library.verify("   "), Err(VerifyError::Empty));
    assert_eq!(library.verify("，。！？——……"), Err(VerifyError::NoWords));
    assert!(matches!(library.verify("稳中求进"), Err(VerifyError::TooShort { chars: 4, min: 8 })));
    assert!(matches!(library.verify(&"改革".repeat(300)), Err(VerifyError::TooLong { max: 500, .. })));
    assert!(matches!(library.verify(&"发".repeat(100_000)), Err(VerifyError::TooLong { .. })));
    assert_eq!(library.verify("我们的，和他们的，你们的"), Err(VerifyError::Common));
    let app = reports_app();
    assert_answers(
        app,
        &[
            ("/verify", "请在 /verify 后面贴上要核对的引文"),
            ("/verify ，。！", "只有标点或符号"),
            ("/verify 稳中求进", "请至少贴上 8 个字"),
            ("/verify 我们的，和他们的，你们的", "无法确定出处"),
        ],
    );
}

/// Each input is answered with one message, without a file, that says what is expected.
fn assert_answers(app: &App, cases: &[(&str, &str)]) {
    for (said, answer) in cases {
        let text = only_text(&app.handle_text(READER, said, "digestbot"));
        assert!(text.contains(answer), "{said}: {text}");
    }
}

fn only_text(response: &Response) -> String {
    assert_eq!(response.messages.len(), 1, "{response:?}");
    assert!(response.attachment.is_none());
    response.messages[0].text.to_plain()
}

#[test]
fn verify_answers_with_the_source_line_a_link_and_an_export_button() {
    let app = reports_app();
    let response = app.handle_text(READER, &format!("/verify {FROM_2023}"), "digestbot");
    let message = &response.messages[0];
    let text = message.text.to_plain();
    assert!(text.starts_with("✅ 与原文一致：一字不差"), "{text}");
    assert!(text.contains("2023年中华人民共和国国务院政府工作报告") || text.contains("政府工作报告"), "{text}");
    let links: Vec<&Style> = message.text.0.iter().map(|s| &s.style).filter(|s| matches!(s, Style::Open(_))).collect();
    assert_eq!(links.len(), 1, "one match, one link: {text}");
    let labels: Vec<&str> = message.buttons.iter().flatten().map(|b| b.label.as_str()).collect();
    assert!(labels.iter().any(|l| l.contains("导出")), "{labels:?}");
}

// ---- trends ----

/// Runs the binary over the government work reports.
fn digestbot(args: &[&str]) -> serde_json::Value {
    let (command, args) = args.split_first().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_digestbot"))
        .arg(command)
        .args(["--corpus", &fixture("gov-work-reports").to_string_lossy()])
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

#[test]
fn trend_counts_are_the_passages_search_json_finds_per_year() {
    for query in ["改革开放", "高质量发展", "人民公社", "改革 开放", "@李克强 改革开放"] {
        let search = digestbot(&["search", "--json", "--limit", "100000", "--", query]);
        let mut per_year: BTreeMap<String, u64> = BTreeMap::new();
        let mut undated = 0;
        for hit in search["hits"].as_array().unwrap() {
            match hit["date"].as_str() {
                Some(date) => *per_year.entry(date[..4].to_string()).or_default() += 1,
                None => undated += 1,
            }
        }
        assert_eq!(search["total"].as_u64(), Some(per_year.values().sum::<u64>() + undated));
        let trend = digestbot(&["trend", "--json", "--", query]);
        assert_eq!(trend["by"], "year");
        let series = &trend["series"][0];
        let counted: BTreeMap<String, u64> = series["points"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["count"].as_u64() != Some(0))
            .map(|p| (p["period"].as_str().unwrap().to_string(), p["count"].as_u64().unwrap()))
            .collect();
        assert_eq!(counted, per_year, "{query}");
        assert_eq!(series["undated"].as_u64(), Some(undated), "{query}");
        assert!(per_year.len() >= 3, "{query}: too few years to mean anything: {per_year:?}");
    }
}

#[test]
fn a_term_first_appears_where_the_reports_first_use_it() {
    let trend = digestbot(&["trend", "--json", "--", "改革开放 | 新时代"]);
    let series = trend["series"].as_array().unwrap();
    assert_eq!(series.len(), 2);
    assert_eq!(series[0]["term"], "改革开放");
    assert_eq!(series[0]["first"]["date"].as_str().map(|d| &d[..4]), Some("1988"));
    assert_eq!(series[1]["last"]["date"].as_str().map(|d| &d[..4]), Some("2023"));
    // Every year the corpus has is a point, zeros included, and no year it lacks.
    let years: Vec<&str> =
        series[0]["points"].as_array().unwrap().iter().map(|p| p["period"].as_str().unwrap()).collect();
    assert_eq!(years.len(), 50, "{years:?}");
    assert!(!years.contains(&"1962") && years.contains(&"1954") && years.contains(&"2023"));
}

#[test]
fn a_trend_is_a_chart_value_with_a_series_per_term_and_a_caption_with_first_last_and_speakers() {
    let app = reports_app();
    let response = app.handle_text(READER, "/trend 改革开放 | 高质量发展", "digestbot");
    assert!(response.messages.is_empty());
    let attached = response.attachment.expect("a chart");
    let Attachment::Chart(chart) = &attached.file else { panic!("{:?}", attached.file) };
    assert_eq!(chart.series.iter().map(|s| s.term.as_str()).collect::<Vec<_>>(), ["改革开放", "高质量发展"]);
    assert!(chart.series.iter().all(|s| s.counts.len() == chart.periods.len()));
    let library = reports();
    let trend = library.trend("改革开放 | 高质量发展").unwrap();
    assert_eq!(chart.series[1].counts, trend.terms[1].counts);
    let caption = attached.caption.text.to_plain();
    for expected in ["按年统计", "1「改革开放」", "2「高质量发展」", "首次：1988", "最近：2023", "最常使用："]
    {
        assert!(caption.contains(expected), "{expected} not in {caption}");
    }
    let labels: Vec<&str> = attached.caption.buttons.iter().flatten().map(|b| b.label.as_str()).collect();
    assert!(labels.iter().any(|l| l.contains("导出")), "{labels:?}");
}

#[test]
fn bad_trends_are_answered_in_words_without_a_chart() {
    let app = reports_app();
    assert_answers(
        app,
        &[
            ("/trend", "请在 /trend 后面写上要追踪的词"),
            ("/trend ，。", "标点"),
            ("/trend 的 和", "常用字词"),
            ("/trend 甲 | 乙 | 丙 | 丁", "最多画 3 个词"),
            ("/trend 改革 | ", "两个 | 之间没有词"),
            ("/trend 量子奶茶店", "没有找到包含「量子奶茶店」的段落，所以没有图表"),
        ],
    );
    // The fixture corpus's one digest has no date.
    let undated = App::new(Library::load(&fixture("corpus"), analyzer()).unwrap());
    assert_answers(&undated, &[("/trend 人大", "趋势需要注明日期")]);
}

// ---- exports ----

#[test]
fn an_export_has_a_row_per_passage_with_every_column_a_citation_needs() {
    let app = reports_app();
    let response = app.handle_text(READER, "/export 改革开放", "digestbot");
    let attached = response.attachment.expect("a workbook");
    let Attachment::Table(table) = &attached.file else { panic!("{:?}", attached.file) };
    let sheet = &table.sheets[0];
    assert_eq!(sheet.columns, ["段落编号", "摘登", "日期", "发言", "发言人", "小节", "全文", "链接", "来源网址"]);
    let total = reports().search("改革开放", 0, 1).unwrap().total;
    assert_eq!(sheet.rows.len(), total);
    for row in &sheet.rows {
        assert_eq!(row.len(), sheet.columns.len());
        // A passage matches by its text or by the heading of its section.
        let says = |cell: &Cell| matches!(cell, Cell::Text(text) if text.contains("改革开放"));
        assert!(says(&row[6]) || says(&row[5]), "{row:?}");
        assert!(matches!(&row[7], Cell::Open(id) if Cell::Text(id.clone()) == row[0]), "{row:?}");
    }
    assert!(attached.caption.text.to_plain().contains(&format!("{total} 条")));
}

#[test]
fn an_export_past_ten_thousand_rows_is_cut_there_and_says_so() {
    let Some(dir) = crate::support::bench_corpus() else { return };
    let app = App::new(Library::load(&dir, analyzer()).unwrap());
    let total = app.library().search("发展", 0, 1).unwrap().total;
    assert!(total > 10_000, "{total}");
    let attached = app.handle_text(READER, "/export 发展", "digestbot").attachment.expect("a workbook");
    let Attachment::Table(table) = &attached.file else { panic!() };
    assert_eq!(table.sheets[0].rows.len(), 10_000);
    let caption = attached.caption.text.to_plain();
    assert!(caption.contains(&format!("共 {total} 条，只导出了前 10000 条")), "{caption}");
}

#[test]
fn a_corpus_spanning_under_three_years_is_counted_by_month() {
    let dir = tempfile::tempdir().unwrap();
    for year in ["2022", "2023"] {
        let name = format!("gwr-{year}.txt");
        std::fs::copy(fixture("gov-work-reports").join(&name), dir.path().join(&name)).unwrap();
    }
    let library = Library::load(dir.path(), analyzer()).unwrap();
    let trend = library.trend("高质量发展").unwrap();
    assert_eq!(trend.by, digestbot_search::trend::By::Month);
    assert_eq!(trend.periods, ["2022-03", "2023-03"]);
    let total = library.search("高质量发展", 0, 1).unwrap().total as u64;
    assert_eq!(trend.terms[0].counts.iter().sum::<u64>(), total);
    assert_eq!(trend.terms[0].first.as_ref().map(|f| f.date.as_str()), Some("2022-03-05"));
}
