//! The research tools through the real dispatcher over real HTTP: the chart arrives as a photo
//! Telegram would take, the workbook as a document a spreadsheet program opens, and both carry
//! what the core answered.

use std::io::Cursor;

use calamine::{Data, DataType, Reader, Xlsx, open_workbook_from_rs};
use digestbot_export::SERIES_COLOURS;
use digestbot_testkit::TestBot;

use crate::bot::{assert_valid_html, button, buttons, calls_to, messages_to, text};
use crate::fake_api::{Call, FakeApi, callback, message, private_chat};
use crate::support::fixture;

async fn spawn_on_reports() -> FakeApi {
    TestBot::with().corpus(fixture("gov-work-reports")).start().await.detach()
}

struct Png {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
}

fn decode_png(bytes: &[u8]) -> Png {
    let mut reader = png::Decoder::new(Cursor::new(bytes)).read_info().expect("a PNG");
    let mut rgb = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut rgb).expect("a whole PNG");
    assert_eq!(frame.color_type, png::ColorType::Rgb);
    rgb.truncate(frame.buffer_size());
    Png { width: frame.width, height: frame.height, rgb }
}

fn pixels_of(image: &Png, (r, g, b): (u8, u8, u8)) -> usize {
    image.rgb.chunks_exact(3).filter(|pixel| pixel == &[r, g, b]).count()
}

/// The upload's bytes, checked to be named as sent.
fn upload(call: &Call, field: &str, name_ends: &str) -> Vec<u8> {
    let upload = call.upload.as_ref().unwrap_or_else(|| panic!("no file in {}", call.body));
    assert_eq!(upload.field, field);
    assert!(upload.file_name.ends_with(name_ends), "{}", upload.file_name);
    upload.bytes.to_vec()
}

fn rows_of(workbook: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str) -> Vec<Vec<Data>> {
    let range = workbook.worksheet_range(sheet).unwrap_or_else(|e| panic!("sheet {sheet}: {e}"));
    range.rows().map(|row| row.to_vec()).collect()
}

fn header(rows: &[Vec<Data>]) -> Vec<String> {
    rows[0].iter().map(|cell| cell.to_string()).collect()
}

#[tokio::test]
async fn a_trend_arrives_as_a_photo_with_one_line_per_term_and_its_export_as_a_workbook() {
    let api = spawn_on_reports().await;
    api.push(message(private_chat(501), 501, "/trend 改革开放 | 高质量发展"));
    let photo = calls_to(&api, "sendPhoto", 501, 1).await.remove(0);
    let image = decode_png(&upload(&photo, "photo", ".png"));
    assert!(image.width >= 800 && image.width == 1200 && image.height == 675, "{}×{}", image.width, image.height);
    for (i, &colour) in SERIES_COLOURS.iter().enumerate() {
        let drawn = pixels_of(&image, colour);
        assert_eq!(drawn > 100, i < 2, "series colour {i}: {drawn} pixels");
    }
    let caption = photo.body["caption"].as_str().unwrap();
    assert_eq!(photo.body["parse_mode"], "HTML");
    assert!(caption.chars().count() <= 1024, "{caption}");
    assert!(caption.contains("1「改革开放」") && caption.contains("2「高质量发展」"), "{caption}");
    assert!(caption.contains("首次：1988"), "{caption}");
    // The export button sits under the chart.
    let data = button(&photo, "导出");
    api.push(callback(501, 501, photo.message_id.unwrap(), &data));
    let document = calls_to(&api, "sendDocument", 501, 1).await.remove(0);
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(upload(&document, "document", ".xlsx"))).unwrap();
    assert_eq!(workbook.sheet_names(), ["趋势", "段落"]);
    let series = rows_of(&mut workbook, "趋势");
    assert_eq!(header(&series), ["时间", "改革开放", "高质量发展"]);
    assert_eq!(series.len(), 1 + 50, "a row per year of the corpus");
    let hits = rows_of(&mut workbook, "段落");
    assert_eq!(header(&hits), ["词", "段落编号", "摘登", "日期", "发言", "发言人", "小节", "全文", "链接", "来源网址"]);
    let counted: f64 = series[1..].iter().map(|row| row[1].get_float().unwrap_or(0.0)).sum();
    let listed = hits[1..].iter().filter(|row| row[0] == Data::String("改革开放".into())).count();
    assert_eq!(counted as usize, listed, "the series counts the rows listed");
    let row = &hits[1];
    assert!(row[7].to_string().contains("改革开放") || row[6].to_string().contains("改革开放"), "{row:?}");
    // The link shows the passage's id (and opens it in the bot).
    assert_eq!(row[8], row[1], "{row:?}");
    assert!(document.body["caption"].as_str().unwrap().contains("的趋势和段落"), "{}", document.body);
}

#[tokio::test]
async fn a_verification_arrives_marked_in_html_and_exports_its_matches() {
    let api = spawn_on_reports().await;
    let quotation = "保持广义货币供应量和社会融资规模增速与名义经济增速基本匹配，支持实体经济发展";
    api.push(message(private_chat(502), 502, &format!("/verify {quotation}")));
    let answer = messages_to(&api, 502, 1).await.remove(0);
    assert_valid_html(&answer);
    let html = text(&answer);
    assert!(html.starts_with("<b>⚠️ 与原文相近，但不完全一致：最接近的一处相差 2 个字。</b>"), "{html}");
    assert!(html.contains("<b>同</b>") && html.contains("<i>〔+与〕</i>"), "{html}");
    assert!(html.contains("?start="), "a link to the source: {html}");
    assert_eq!(buttons(&answer).len(), 1);
    api.push(callback(502, 502, answer.message_id.unwrap(), &button(&answer, "导出")));
    let document = calls_to(&api, "sendDocument", 502, 1).await.remove(0);
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(upload(&document, "document", ".xlsx"))).unwrap();
    let rows = rows_of(&mut workbook, "核对");
    assert_eq!(header(&rows)[..5], ["引文", "判断", "相似度", "引文多出", "引文缺少"]);
    assert_eq!(rows[1][0], Data::String(quotation.into()));
    assert_eq!((rows[1][3].to_string(), rows[1][4].to_string()), ("与".to_string(), "同".to_string()));
}

#[tokio::test]
async fn a_search_exports_every_hit_as_a_row_and_other_chats_are_answered_meanwhile() {
    let api = spawn_on_reports().await;
    api.push(message(private_chat(503), 503, "/export 改革开放"));
    api.push(message(private_chat(504), 504, "/search 稳中求进"));
    let document = calls_to(&api, "sendDocument", 503, 1).await.remove(0);
    let caption = document.body["caption"].as_str().unwrap();
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(upload(&document, "document", ".xlsx"))).unwrap();
    let rows = rows_of(&mut workbook, "段落");
    assert!(rows.len() > 100, "{}", rows.len());
    assert!(caption.contains(&format!("：{} 条。", rows.len() - 1)), "{caption}");
    // A passage matches by its text or by the heading of its section.
    assert!(
        rows[1..].iter().all(|row| row[6].to_string().contains("改革开放") || row[5].to_string().contains("改革开放"))
    );
    let other = messages_to(&api, 504, 1).await.remove(0);
    assert!(text(&other).contains("稳中求进"), "{}", text(&other));
}
