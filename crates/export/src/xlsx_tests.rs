use std::io::Cursor;
use std::time::Instant;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use digestbot_core::attachment::{Cell, Sheet, Table};

use super::*;

fn open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes)).unwrap()
}

fn text(value: &str) -> Data {
    Data::String(value.to_owned())
}

fn hits() -> Sheet {
    Sheet {
        name: "Hits".into(),
        columns: vec!["日期".into(), "内容".into(), "相似度".into(), "段落".into(), "来源".into(), "备注".into()],
        rows: vec![
            vec![
                Cell::text("2019-03-05"),
                Cell::text("坚持以人民为中心的发展思想，".repeat(8)),
                Cell::Number(0.875),
                Cell::Open("p12345".into()),
                Cell::Url("https://example.org/speech/1".into()),
                Cell::Empty,
            ],
            vec![
                Cell::text("2020-01-01"),
                Cell::text("短"),
                Cell::Number(42.0),
                Cell::Open("s77".into()),
                Cell::Url(format!("https://example.org/{}", "x".repeat(3000))),
                Cell::text("长链接"),
            ],
        ],
    }
}

fn table(sheets: Vec<Sheet>) -> Table {
    Table { name: "digestbot-search-20261203".into(), sheets }
}

#[test]
fn a_workbook_has_its_sheets_header_and_every_row() {
    let counts = Sheet {
        name: "按年".into(),
        columns: vec!["年".into(), "次数".into()],
        rows: (2000..2010)
            .map(|year| vec![Cell::text(year.to_string()), Cell::Number(f64::from(year - 1990))])
            .collect(),
    };
    let mut workbook = open(xlsx(&table(vec![hits(), counts]), Some("digest_bot")).unwrap());
    assert_eq!(workbook.sheet_names(), ["Hits", "按年"]);

    let range = workbook.worksheet_range("Hits").unwrap();
    assert_eq!(range.get_size(), (3, 6));
    let header: Vec<&Data> = range.rows().next().unwrap().iter().collect();
    assert_eq!(header, [&text("日期"), &text("内容"), &text("相似度"), &text("段落"), &text("来源"), &text("备注")]);
    let row = |r: u32, c: u32| range.get_value((r, c)).cloned().unwrap_or(Data::Empty);
    assert_eq!(row(1, 1), text(&"坚持以人民为中心的发展思想，".repeat(8)));
    assert_eq!(row(1, 2), Data::Float(0.875));
    assert_eq!(row(1, 3), text("p12345"));
    assert_eq!(row(1, 4), text("https://example.org/speech/1"));
    assert_eq!(row(1, 5), Data::Empty);
    assert_eq!(row(2, 2), Data::Float(42.0));
    // Too long for a link: kept as text.
    assert_eq!(row(2, 4), text(&format!("https://example.org/{}", "x".repeat(3000))));
    assert_eq!(row(2, 5), text("长链接"));

    let range = workbook.worksheet_range("按年").unwrap();
    assert_eq!(range.get_size(), (11, 2));
    assert_eq!(range.get_value((10, 0)), Some(&text("2009")));
    assert_eq!(range.get_value((10, 1)), Some(&Data::Float(19.0)));
}

#[test]
fn without_a_bot_a_passage_is_its_bare_id() {
    let mut workbook = open(xlsx(&table(vec![hits()]), None).unwrap());
    let range = workbook.worksheet_range("Hits").unwrap();
    assert_eq!(range.get_value((1, 3)), Some(&text("p12345")));
}

#[test]
fn sheet_names_excel_refuses_are_made_acceptable_and_unique() {
    let named = |name: &str| Sheet { name: name.into(), columns: vec!["a".into()], rows: vec![vec![Cell::text(name)]] };
    let sheets = vec![
        named("a/b:c*d?e[f]g\\h"),
        named("'quoted'"),
        named("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三"),
        named(""),
        named("History"),
        named("hits"),
        named("HITS"),
    ];
    let workbook = open(xlsx(&table(sheets), None).unwrap());
    assert_eq!(
        workbook.sheet_names(),
        [
            "a_b_c_d_e_f_g_h",
            "quoted",
            "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一",
            "Sheet",
            "History_",
            "hits",
            "HITS (2)",
        ]
    );
}

#[test]
fn a_cell_over_excels_limit_is_cut_with_an_ellipsis() {
    let long = "长".repeat(40_000);
    let fitted = fit(&long);
    assert_eq!(fitted.encode_utf16().count(), MAX_CELL);
    assert!(fitted.ends_with('…'));
    // Characters outside the BMP take two units and must not be split.
    let astral = "𠀀".repeat(20_000);
    let fitted = fit(&astral);
    assert!(fitted.encode_utf16().count() <= MAX_CELL);
    assert!(fitted.ends_with('…'));
    assert_eq!(fit("短"), "短");

    let sheet = Sheet { name: "Long".into(), columns: vec!["text".into()], rows: vec![vec![Cell::Text(long)]] };
    let mut workbook = open(xlsx(&table(vec![sheet]), None).unwrap());
    let range = workbook.worksheet_range("Long").unwrap();
    let Some(Data::String(cell)) = range.get_value((1, 0)) else {
        panic!("no text cell");
    };
    assert_eq!(cell.chars().count(), MAX_CELL);
}

#[test]
fn a_table_without_sheets_is_still_a_workbook() {
    let workbook = open(xlsx(&table(vec![]), None).unwrap());
    assert_eq!(workbook.sheet_names().len(), 1);
}

#[test]
fn columns_of_long_text_wrap_and_short_ones_do_not() {
    assert_eq!(display_width("2019-03-05"), 10);
    assert_eq!(display_width("人民"), 4);
    assert!(display_width(&"人".repeat(1000)) <= MAX_PLAIN_WIDTH + 2);
}

/// 10,000 rows of nine columns of about 200 Chinese characters, each different.
fn big_sheet() -> Sheet {
    let alphabet: Vec<char> =
        "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可也你".chars().collect();
    let rows = (0..10_000usize)
        .map(|r| {
            (0..9usize)
                .map(|c| {
                    if c == 8 {
                        return Cell::Number(r as f64);
                    }
                    // A linear congruential generator: text about as compressible as prose.
                    let mut state = (r * 9 + c) as u64;
                    let text: String = (0..200)
                        .map(|_| {
                            state =
                                state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                            let pick = (state >> 33) as usize;
                            if pick.is_multiple_of(3) {
                                alphabet[pick / 3 % alphabet.len()]
                            } else {
                                char::from_u32(0x4E00 + (pick % 3000) as u32).unwrap_or('中')
                            }
                        })
                        .collect();
                    Cell::Text(format!("{r}-{c}{text}"))
                })
                .collect()
        })
        .collect();
    Sheet { name: "Hits".into(), columns: (0..9).map(|c| format!("列{c}")).collect(), rows }
}

#[test]
fn ten_thousand_rows_of_chinese_export() {
    let sheet = big_sheet();
    let wanted = match &sheet.rows[9_999][3] {
        Cell::Text(text) => text.clone(),
        other => panic!("{other:?}"),
    };
    let table = table(vec![sheet]);
    let started = Instant::now();
    let bytes = xlsx(&table, Some("digest_bot")).unwrap();
    println!("xlsx, 10,000 rows × 9 columns of Chinese: {:?}, {} bytes", started.elapsed(), bytes.len());
    let started = Instant::now();
    let csv = crate::csv(&table.sheets[0], Some("digest_bot"));
    println!("csv, the same sheet: {:?}, {} bytes", started.elapsed(), csv.len());

    let mut workbook = open(bytes);
    let range = workbook.worksheet_range("Hits").unwrap();
    assert_eq!(range.get_size(), (10_001, 9));
    assert_eq!(range.get_value((10_000, 3)), Some(&Data::String(wanted)));
    assert_eq!(range.get_value((10_000, 8)), Some(&Data::Float(9_999.0)));
}
