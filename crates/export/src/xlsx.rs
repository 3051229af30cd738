use std::borrow::Cow;

use digestbot_core::attachment::{Cell, Sheet, Table};
use rust_xlsxwriter::{ColNum, Format, FormatAlign, FormatBorder, RowNum, Url, Workbook, Worksheet, XlsxError};

use crate::error::ExportError;

/// Excel refuses a longer cell, counted in UTF-16 units.
const MAX_CELL: usize = 32_767;
/// Excel's limit on a sheet name, in UTF-16 units.
const MAX_SHEET_NAME: usize = 31;
/// Excel repairs (drops) the links past this many on one sheet, with a warning on opening.
const MAX_LINKS: usize = 65_530;
/// Widths are guessed from the first rows: a big export should not be walked twice in full.
const WIDTH_SAMPLE: usize = 500;
/// Wider than this (in Excel's units, about one Latin character), a column wraps instead.
const MAX_PLAIN_WIDTH: usize = 50;
const WRAPPED_WIDTH: f64 = 60.0;
const MIN_WIDTH: usize = 8;
/// Past this much text a workbook is deflated at the fastest level, so 10,000 rows of long Chinese
/// text still take well under a second.
const FAST_DEFLATE_ABOVE: usize = 16 << 20;
/// Room for the autofilter's drop-down button beside a header.
const FILTER_BUTTON: usize = 3;

/// Formats are built once per workbook: rust_xlsxwriter looks each one up by value per cell, and
/// building one per cell would allocate for every cell of a big export.
struct Formats {
    header: Format,
    plain: Format,
    wrapped: Format,
    link: Format,
    link_wrapped: Format,
}

impl Formats {
    fn new() -> Formats {
        // Top-aligned, so a short cell sits beside the start of a long wrapped one.
        let plain = Format::new().set_align(FormatAlign::Top);
        let link = plain.clone().set_hyperlink();
        Formats {
            header: Format::new().set_bold().set_border_bottom(FormatBorder::Thin),
            wrapped: plain.clone().set_text_wrap(),
            link_wrapped: link.clone().set_text_wrap(),
            plain,
            link,
        }
    }
}

/// The table as an xlsx workbook, one worksheet per sheet. Passages link into the bot when `bot`
/// names it (`https://t.me/<bot>?start=<id>`), else they show the bare id.
pub fn xlsx(table: &Table, bot: Option<&str>) -> Result<Vec<u8>, ExportError> {
    let formats = Formats::new();
    let mut workbook = Workbook::new();
    let mut taken: Vec<String> = Vec::with_capacity(table.sheets.len());
    for sheet in &table.sheets {
        let name = unique(sheet_name(&sheet.name), &taken);
        taken.push(name.to_lowercase());
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(name)?;
        write_sheet(worksheet, sheet, bot, &formats)?;
    }
    // A workbook without a sheet does not open in Excel.
    if table.sheets.is_empty() {
        workbook.add_worksheet();
    }
    // Deflate is most of the time of a big export: zlib's default level takes about 20 ms per MB
    // of text, its fastest about 9 (and leaves the file about half again as big).
    if text_bytes(table) > FAST_DEFLATE_ABOVE {
        workbook.set_zip_compression_level(1);
    }
    Ok(workbook.save_to_buffer()?)
}

fn write_sheet(
    worksheet: &mut Worksheet,
    sheet: &Sheet,
    bot: Option<&str>,
    formats: &Formats,
) -> Result<(), ExportError> {
    let width = sheet.rows.iter().map(Vec::len).fold(sheet.columns.len(), usize::max);
    let wrapped = widths(worksheet, sheet, width)?;

    for (col, header) in sheet.columns.iter().enumerate() {
        worksheet.write_string_with_format(0, col_num(col)?, fit(header), &formats.header)?;
    }
    let mut links = 0;
    for (row, cells) in sheet.rows.iter().enumerate() {
        let row = row_num(row + 1)?;
        for (col, cell) in cells.iter().enumerate() {
            let (text, link) =
                if wrapped[col] { (&formats.wrapped, &formats.link_wrapped) } else { (&formats.plain, &formats.link) };
            let col = col_num(col)?;
            match cell {
                Cell::Text(value) => {
                    worksheet.write_string_with_format(row, col, fit(value), text)?;
                }
                Cell::Number(value) if value.is_finite() => {
                    worksheet.write_number_with_format(row, col, *value, text)?;
                }
                // Excel has no NaN or infinity; the core never sends them, but a file should
                // still open if it did.
                Cell::Number(value) => {
                    worksheet.write_string_with_format(row, col, value.to_string(), text)?;
                }
                Cell::Open(id) => match bot {
                    Some(bot) if links < MAX_LINKS => {
                        let url = Url::new(crate::error::open_link(bot, id)).set_text(fit(id));
                        links += write_link(worksheet, (row, col), url, id, (link, text))?;
                    }
                    _ => {
                        worksheet.write_string_with_format(row, col, fit(id), text)?;
                    }
                },
                Cell::Url(address) if links < MAX_LINKS => {
                    let url = Url::new(address.as_str());
                    links += write_link(worksheet, (row, col), url, address, (link, text))?;
                }
                Cell::Url(address) => {
                    worksheet.write_string_with_format(row, col, fit(address), text)?;
                }
                Cell::Empty => {}
            }
        }
    }

    if width > 0 {
        worksheet.set_freeze_panes(1, 0)?;
        let last_row = row_num(sheet.rows.len())?;
        worksheet.autofilter(0, 0, last_row, col_num(width - 1)?)?;
    }
    Ok(())
}

/// Writes the link, or its text where rust_xlsxwriter refuses the address (over Excel's 2,080
/// characters, or no scheme it knows). Returns how many links the sheet gained.
fn write_link(
    worksheet: &mut Worksheet,
    (row, col): (RowNum, ColNum),
    url: Url,
    fallback: &str,
    (link, text): (&Format, &Format),
) -> Result<usize, ExportError> {
    match worksheet.write_url_with_format(row, col, url, link) {
        Ok(_) => Ok(1),
        Err(XlsxError::RowColumnLimitError) => Err(XlsxError::RowColumnLimitError.into()),
        Err(_) => {
            worksheet.write_string_with_format(row, col, fit(fallback), text)?;
            Ok(0)
        }
    }
}

/// Sets each column's width from its header and first rows; returns which columns wrap.
fn widths(worksheet: &mut Worksheet, sheet: &Sheet, width: usize) -> Result<Vec<bool>, ExportError> {
    let mut wrapped = Vec::with_capacity(width);
    for col in 0..width {
        let header = sheet.columns.get(col).map_or(0, |header| display_width(header) + FILTER_BUTTON);
        let widest = sheet
            .rows
            .iter()
            .take(WIDTH_SAMPLE)
            .filter_map(|row| row.get(col))
            .map(cell_width)
            .fold(header, usize::max);
        let wraps = widest > MAX_PLAIN_WIDTH;
        let chars = if wraps {
            WRAPPED_WIDTH
        } else {
            // Bounded by MAX_PLAIN_WIDTH, so the cast is exact.
            (widest + 2).max(MIN_WIDTH) as f64
        };
        worksheet.set_column_width(col_num(col)?, chars)?;
        wrapped.push(wraps);
    }
    Ok(wrapped)
}

fn cell_width(cell: &Cell) -> usize {
    match cell {
        Cell::Text(text) | Cell::Open(text) | Cell::Url(text) => display_width(text),
        Cell::Number(number) => number.to_string().len(),
        Cell::Empty => 0,
    }
}

/// Roughly in Excel's width units: a CJK character is about two Latin ones. Stops counting past
/// the width that wraps, so a long text costs no more than a short one.
fn display_width(text: &str) -> usize {
    let mut width = 0;
    for c in text.chars() {
        width += if is_wide(c) { 2 } else { 1 };
        if width > MAX_PLAIN_WIDTH {
            break;
        }
    }
    width
}

fn is_wide(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{115F}'
        | '\u{2E80}'..='\u{A4CF}'
        | '\u{AC00}'..='\u{D7A3}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FF60}'
        | '\u{FFE0}'..='\u{FFE6}'
        | '\u{20000}'..='\u{3FFFD}')
}

/// The text as Excel takes it: cut to its cell limit, marked with "…" where it was cut.
fn fit(text: &str) -> Cow<'_, str> {
    // A UTF-16 unit never takes fewer bytes than one, so a short string needs no counting.
    if text.len() <= MAX_CELL || text.encode_utf16().count() <= MAX_CELL {
        return Cow::Borrowed(text);
    }
    let mut cut = prefix_utf16(text, MAX_CELL - '…'.len_utf16()).to_owned();
    cut.push('…');
    Cow::Owned(cut)
}

/// The longest prefix of `text` within `units` UTF-16 units, on a character boundary.
fn prefix_utf16(text: &str, units: usize) -> &str {
    let mut used = 0;
    for (at, c) in text.char_indices() {
        used += c.len_utf16();
        if used > units {
            return &text[..at];
        }
    }
    text
}

/// A name Excel accepts: no `[]:*?/\`, no apostrophe at either end, at most 31 units, not blank
/// and not the reserved "History".
fn sheet_name(raw: &str) -> String {
    let replaced: String = raw
        .chars()
        .map(|c| match c {
            '[' | ']' | ':' | '*' | '?' | '/' | '\\' => '_',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let name = prefix_utf16(replaced.trim_matches('\''), MAX_SHEET_NAME).trim_end_matches('\'').trim();
    if name.is_empty() {
        "Sheet".to_owned()
    } else if name.eq_ignore_ascii_case("history") {
        format!("{name}_")
    } else {
        name.to_owned()
    }
}

/// Excel compares sheet names without case; a repeated name gets a number, within the limit.
fn unique(name: String, taken: &[String]) -> String {
    let free = |candidate: &str| !taken.contains(&candidate.to_lowercase());
    if free(&name) {
        return name;
    }
    (2..)
        .map(|n| {
            let suffix = format!(" ({n})");
            let base = prefix_utf16(&name, MAX_SHEET_NAME - suffix.len()).trim_end_matches('\'');
            format!("{base}{suffix}")
        })
        .find(|candidate| free(candidate))
        .unwrap_or(name)
}

fn text_bytes(table: &Table) -> usize {
    let cells = table.sheets.iter().flat_map(|sheet| &sheet.rows).flatten();
    cells
        .map(|cell| match cell {
            Cell::Text(text) | Cell::Open(text) | Cell::Url(text) => text.len(),
            Cell::Number(_) | Cell::Empty => 0,
        })
        .sum()
}

fn row_num(row: usize) -> Result<RowNum, ExportError> {
    RowNum::try_from(row).map_err(|_| XlsxError::RowColumnLimitError.into())
}

fn col_num(col: usize) -> Result<ColNum, ExportError> {
    ColNum::try_from(col).map_err(|_| XlsxError::RowColumnLimitError.into())
}

#[cfg(test)]
#[path = "xlsx_tests.rs"]
mod tests;
