use digestbot_core::attachment::{Cell, Sheet};

/// Excel guesses a legacy code page for a csv without it and garbles the Chinese.
const BOM: &[u8] = b"\xEF\xBB\xBF";

// Writing to a Vec cannot fail, and `flexible` rules out the only other error.
const INFALLIBLE: &str = "a flexible csv writer into a Vec cannot fail";

/// The sheet as UTF-8 csv: the header, then one record per row. Passages open through the bot
/// when `bot` names it (`https://t.me/<bot>?start=<id>`), else they show the bare id.
pub fn csv(sheet: &Sheet, bot: Option<&str>) -> Vec<u8> {
    let mut out = Vec::with_capacity(estimate(sheet));
    out.extend_from_slice(BOM);
    // Rows may be shorter than the header (trailing empties); a spreadsheet reads that fine.
    let mut writer = ::csv::WriterBuilder::new().flexible(true).from_writer(out);
    writer.write_record(&sheet.columns).expect(INFALLIBLE);
    let mut record: Vec<String> = Vec::new();
    for row in &sheet.rows {
        record.clear();
        record.extend(row.iter().map(|cell| field(cell, bot)));
        writer.write_record(&record).expect(INFALLIBLE);
    }
    writer.into_inner().expect(INFALLIBLE)
}

fn field(cell: &Cell, bot: Option<&str>) -> String {
    match cell {
        Cell::Text(text) | Cell::Url(text) => text.clone(),
        Cell::Number(number) => number.to_string(),
        Cell::Open(id) => match bot {
            Some(bot) => crate::error::open_link(bot, id),
            None => id.clone(),
        },
        Cell::Empty => String::new(),
    }
}

/// Enough to avoid most regrowth on a big export without walking every cell twice.
fn estimate(sheet: &Sheet) -> usize {
    let sample = sheet.rows.iter().take(64);
    let (rows, bytes) = sample.fold((0usize, 0usize), |(rows, bytes), row| {
        let len: usize = row
            .iter()
            .map(|cell| match cell {
                Cell::Text(text) | Cell::Url(text) | Cell::Open(text) => text.len() + 40,
                Cell::Number(_) => 12,
                Cell::Empty => 1,
            })
            .sum();
        (rows + 1, bytes + len)
    });
    let per_row = bytes.checked_div(rows).unwrap_or(0);
    BOM.len() + 256 + per_row.saturating_mul(sheet.rows.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet() -> Sheet {
        Sheet {
            name: "Hits".into(),
            columns: vec!["日期".into(), "内容".into(), "次数".into(), "链接".into(), "来源".into()],
            rows: vec![
                vec![
                    Cell::text("2019-03-05"),
                    Cell::text("坚持以人民为中心的发展思想，\"引号\"，逗号,换行\n第二行"),
                    Cell::Number(3.0),
                    Cell::Open("p12345".into()),
                    Cell::Url("https://example.org/a?b=c".into()),
                ],
                vec![Cell::text("2020-01-01"), Cell::Empty, Cell::Number(0.25), Cell::Open("s77".into()), Cell::Empty],
            ],
        }
    }

    fn parse(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
        let mut reader = ::csv::Reader::from_reader(&bytes[BOM.len()..]);
        let header = reader.headers().unwrap().iter().map(String::from).collect();
        let rows = reader.records().map(|record| record.unwrap().iter().map(String::from).collect()).collect();
        (header, rows)
    }

    #[test]
    fn a_csv_starts_with_a_bom_and_parses_back_to_the_same_header_and_rows() {
        let bytes = csv(&sheet(), Some("digest_bot"));
        assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
        let (header, rows) = parse(&bytes);
        assert_eq!(header, ["日期", "内容", "次数", "链接", "来源"]);
        assert_eq!(
            rows,
            [
                vec![
                    "2019-03-05",
                    "坚持以人民为中心的发展思想，\"引号\"，逗号,换行\n第二行",
                    "3",
                    "https://t.me/digest_bot?start=p12345",
                    "https://example.org/a?b=c",
                ],
                vec!["2020-01-01", "", "0.25", "https://t.me/digest_bot?start=s77", ""],
            ]
        );
    }

    #[test]
    fn without_a_bot_a_csv_shows_the_bare_id() {
        let (_, rows) = parse(&csv(&sheet(), None));
        assert_eq!(rows[0][3], "p12345");
        assert_eq!(rows[1][3], "s77");
    }

    #[test]
    fn an_empty_sheet_is_a_bom_and_a_header() {
        let empty = Sheet { name: "Empty".into(), columns: vec!["a".into(), "b".into()], rows: vec![] };
        assert_eq!(csv(&empty, None), b"\xEF\xBB\xBFa,b\n");
    }
}
