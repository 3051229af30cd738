//! `/compare` through the real dispatcher over real HTTP: the summary, the aligned paragraphs
//! paged in place with Telegram's strike-through and underline, the workbook, and the pick by
//! buttons.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use digestbot_testkit::TestBot;

use crate::bot::{assert_valid_html, button, buttons, calls_to, messages_to, text};
use crate::fake_api::{Call, FakeApi, callback, message, private_chat};
use crate::support::fixture;

async fn spawn_on_reports() -> FakeApi {
    TestBot::with().corpus(fixture("gov-work-reports")).start().await.detach()
}

/// Waits for the `n`th edit in `chat` and returns all of them.
async fn edits_in(api: &FakeApi, chat: i64, n: usize) -> Vec<Call> {
    calls_to(api, "editMessageText", chat, n).await
}

#[tokio::test]
async fn a_comparison_pages_its_aligned_paragraphs_in_place_and_exports_a_workbook() {
    let api = spawn_on_reports().await;
    api.push(message(private_chat(611), 611, "/compare gwr-2022 gwr-2023"));
    let summary = messages_to(&api, 611, 1).await.remove(0);
    assert_valid_html(&summary);
    let html = text(&summary);
    assert!(html.starts_with("<b>🔀 对比：政府工作报告，2022-03-05 → 政府工作报告，2023-03-05</b>"), "{html}");
    assert!(html.contains("段落：16 段未变，9 段改动，9 段移动，92 段删去，76 段新增"), "{html}");
    assert!(html.contains("「党的二十大精神」×4 <a href="), "each formulation links to a passage: {html}");
    assert!(html.contains("<b>5.5%左右 → 5%左右</b>"), "{html}");
    let id = summary.message_id.unwrap();
    api.push(callback(611, 611, id, &button(&summary, "逐段对照")));
    let page = edits_in(&api, 611, 1).await.remove(0);
    assert_valid_html(&page);
    assert_eq!(page.body["message_id"].as_i64(), Some(id), "the page replaces the summary");
    let html = text(&page);
    assert!(html.contains("逐段对照（第 1/"), "{html}");
    assert!(html.contains("…… 1 段未变 ……"), "{html}");
    assert!(html.contains("<u>本届政府任期即将结束。</u>"), "added text underlined: {html}");
    assert!(html.contains("向大会报告<s>政府</s>工作"), "dropped text struck through: {html}");
    let labels: Vec<String> = buttons(&page).into_iter().map(|b| b.0).collect();
    assert_eq!(labels, ["↩ 概要", "下一页 ▶"]);
    api.push(callback(611, 611, id, &button(&page, "下一页")));
    let second = edits_in(&api, 611, 2).await.remove(1);
    assert_valid_html(&second);
    assert!(text(&second).contains("逐段对照（第 2/"), "{}", text(&second));
    assert_ne!(text(&second), text(&page));
    // The workbook: every aligned row, every formulation with its counts on both sides.
    api.push(callback(611, 611, id, &button(&summary, "导出")));
    let document = &calls_to(&api, "sendDocument", 611, 1).await[0];
    let upload = document.upload.as_ref().expect("a file");
    assert!(upload.file_name.ends_with(".xlsx"), "{}", upload.file_name);
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(upload.bytes.to_vec())).unwrap();
    assert_eq!(workbook.sheet_names(), ["逐段对照", "提法", "数字"]);
    let aligned = workbook.worksheet_range("逐段对照").unwrap();
    assert_eq!(aligned.rows().count(), 1 + 16 + 9 + 9 + 92 + 76);
    let formulations: Vec<Vec<Data>> = workbook.worksheet_range("提法").unwrap().rows().map(|r| r.to_vec()).collect();
    let header: Vec<String> = formulations[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(header, ["提法", "类别", "第一篇次数", "第二篇次数", "出处段落开头", "链接"]);
    let row = formulations.iter().find(|r| r[0] == Data::String("党的二十大精神".into())).expect("党的二十大精神");
    assert_eq!((row[1].to_string(), row[2].to_string(), row[3].to_string()), ("新增".into(), "0".into(), "4".into()));
    let row = formulations.iter().find(|r| r[0] == Data::String("助企纾困".into())).expect("助企纾困");
    assert_eq!((row[1].to_string(), row[2].to_string(), row[3].to_string()), ("删去".into(), "3".into(), "0".into()));
}

/// Turns the picker's pages until a report of `date` shows, presses it, and returns what the
/// message (`id` in `chat`) became; `edits` counts the edits made so far in the chat.
async fn pick(api: &FakeApi, (chat, id): (i64, i64), mut page: Call, date: &str, edits: &mut usize) -> Call {
    while !buttons(&page).iter().any(|(label, _)| label.contains(date)) {
        api.push(callback(chat, chat, id, &button(&page, "下一页")));
        *edits += 1;
        page = edits_in(api, chat, *edits).await.remove(*edits - 1);
    }
    api.push(callback(chat, chat, id, &button(&page, date)));
    *edits += 1;
    edits_in(api, chat, *edits).await.remove(*edits - 1)
}

#[tokio::test]
async fn compare_alone_lets_a_reader_pick_both_reports_with_buttons() {
    let api = spawn_on_reports().await;
    api.push(message(private_chat(612), 612, "/compare"));
    let picker = messages_to(&api, 612, 1).await.remove(0);
    assert_valid_html(&picker);
    assert!(text(&picker).contains("先选第一篇"), "{}", text(&picker));
    // The reports are listed ten a page, oldest first: turn to the one of 2022, then of 2023.
    let id = picker.message_id.unwrap();
    let mut edits = 0;
    let second = pick(&api, (612, id), picker, "2022-03-05", &mut edits).await;
    assert!(text(&second).contains("第一篇：政府工作报告，2022-03-05"), "{}", text(&second));
    assert!(!buttons(&second).iter().any(|(label, _)| label.contains("2022-03-05")), "not against itself");
    let result = pick(&api, (612, id), second, "2023-03-05", &mut edits).await;
    assert_eq!(result.body["message_id"].as_i64(), Some(id), "the comparison replaces the picker");
    assert_valid_html(&result);
    assert!(
        text(&result).starts_with("<b>🔀 对比：政府工作报告，2022-03-05 → 政府工作报告，2023-03-05</b>"),
        "the comparison replaces the picker: {}",
        text(&result)
    );
}
