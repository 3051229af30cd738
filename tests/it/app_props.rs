//! Property tests over the whole core: random sequences of messages, commands with random
//! arguments, presses of the buttons just shown and of random callback data, and inline queries
//! with random offsets, in private chats and groups. The core never panics, and everything it
//! answers renders to what Telegram accepts: valid HTML within 4096 UTF-16 units, callback data
//! within 64 bytes, notices within 200 characters.

use std::sync::OnceLock;

use digestbot::plain::{Emphasis, render};
use digestbot_core::reply::{Button, Message, Response};
use digestbot_core::{App, Caller};
use digestbot_search::library::Library;
use digestbot_telegram::render::{html, keyboard};
use proptest::prelude::*;

use crate::support::{analyzer, fixture_corpus, passage_id, section_id, speech_id};

const ME: &str = "digestbot";
/// Telegram's limit on a callback answer's text.
const MAX_NOTICE_CHARS: usize = 200;

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    APP.get_or_init(|| App::new(Library::load(&fixture_corpus(), analyzer()).unwrap()))
}

#[derive(Debug, Clone)]
enum Step {
    Text(String),
    NonText,
    /// Presses the n-th button (modulo their number) of the last reply.
    Press(usize),
    /// Presses a button with this callback data, forged or stale.
    Data(String),
    Inline(String, String),
}

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "人大",
            "代表",
            "人民代表大会",
            "合肥",
            "@合肥",
            "预算",
            "監督",
            "２０２４",
            "的",
            "。",
            "“四新”",
            "\"",
            "<b>",
            "&amp;",
            "anhui-renda-huiyi",
            "anhui-renda-huiyi_p99999",
            "anhui-renda-huiyi_pzzzzzzzz",
            "-",
            "*",
            "AND",
            "\u{200f}",
            "\u{3000}",
            "😀",
        ])
        .prop_map(str::to_string),
        prop::sample::select(known_ids()),
        "\\PC{0,12}",
        "[a-z0-9_@<>&\"' /-]{0,10}",
    ]
}

fn text() -> impl Strategy<Value = String> {
    let command =
        prop::sample::select(vec!["search", "s", "speaker", "read", "toc", "random", "start", "help", "frob", "S", ""]);
    let addressee = prop::sample::select(vec!["", "@digestbot", "@otherbot", "@DigestBot"]);
    prop_oneof![
        (command, addressee, prop::collection::vec(piece(), 0..4))
            .prop_map(|(command, to, args)| format!("/{command}{to} {}", args.join(" "))),
        prop::collection::vec(piece(), 1..4).prop_map(|words| words.join(" ")),
        "\\PC{0,300}",
    ]
}

/// Ids of a passage, a section and a speech of the fixture corpus.
fn known_ids() -> Vec<String> {
    vec![passage_id("一是坚持党的领导"), section_id("一、强化制度自信"), speech_id("肩负革命老区绿色振兴使命")]
}

fn callback_data() -> impl Strategy<Value = String> {
    let mut ids = known_ids();
    ids.extend(["anhui-renda-huiyi", "x_p1", "x_pab12cd34", ""].map(String::from));
    let id = prop::sample::select(ids);
    prop_oneof![
        "\\PC{0,70}",
        (prop::sample::select(vec!['p', 'c', 'w', 'W']), any::<u32>(), any::<i64>(), piece())
            .prop_map(|(kind, page, owner, query)| format!("{kind}{page}.{owner}.{query}")),
        (prop::sample::select(vec!['o', 's']), id).prop_map(|(kind, id)| format!("{kind}{id}")),
        (prop::sample::select(vec!['k', 't']), any::<u64>()).prop_map(|(kind, page)| format!("{kind}{page}")),
    ]
}

fn offset() -> impl Strategy<Value = String> {
    prop_oneof![Just(String::new()), "[0-9]{1,22}", "\\PC{0,6}"]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => text().prop_map(Step::Text),
        1 => Just(Step::NonText),
        3 => any::<usize>().prop_map(Step::Press),
        1 => callback_data().prop_map(Step::Data),
        1 => (piece(), offset()).prop_map(|(query, offset)| Step::Inline(query, offset)),
    ]
}

fn caller() -> impl Strategy<Value = Caller> {
    (1i64..4, any::<bool>())
        .prop_map(|(user, private)| if private { Caller::private(user) } else { Caller::member(user, -100) })
}

/// Why Telegram would refuse a message of this reply, if it would.
fn message_problem(message: &Message) -> Option<String> {
    let parts = html(&message.text, ME);
    if parts.is_empty() {
        return Some(format!("a message with nothing to show: {message:?}"));
    }
    if let Some(problem) = parts.iter().find_map(|part| crate::html::problem(part)) {
        return Some(problem);
    }
    let buttons: Vec<&Button> = message.buttons.iter().flatten().collect();
    if let Some(button) = buttons.iter().find(|b| b.action.encode().is_none_or(|data| data.len() > 64)) {
        return Some(format!("button {:?} has no callback data within 64 bytes", button.label));
    }
    if !buttons.is_empty() && keyboard(&message.buttons).is_none() {
        return Some("buttons without a keyboard".into());
    }
    let _ = render(&message.text, Emphasis::Stars);
    None
}

fn response_problem(response: &Response) -> Option<String> {
    if let Some(notice) = &response.notice
        && notice.chars().count() > MAX_NOTICE_CHARS
    {
        return Some(format!("notice of {} characters", notice.chars().count()));
    }
    response.edit.iter().chain(&response.messages).find_map(message_problem)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    #[test]
    fn any_sequence_of_inputs_gets_replies_telegram_accepts(steps in prop::collection::vec((caller(), step()), 1..12)) {
        let app = app();
        let mut shown: Vec<Button> = Vec::new();
        for (caller, step) in steps {
            let response = match step {
                Step::Text(text) => app.handle_text(caller, &text, ME),
                Step::NonText => app.handle_non_text(caller),
                Step::Press(n) if !shown.is_empty() => {
                    let data = shown[n % shown.len()].action.encode().unwrap_or_default();
                    app.handle_callback(caller, &data)
                }
                Step::Press(_) => continue,
                Step::Data(data) => app.handle_callback(caller, &data),
                Step::Inline(query, offset) => {
                    let answer = app.inline(&query, &offset);
                    for article in &answer.articles {
                        let parts = html(&article.message, ME);
                        prop_assert_eq!(parts.len(), 1, "an article is one message");
                        prop_assert_eq!(crate::html::problem(&parts[0]), None);
                        prop_assert!(!article.title.is_empty() && article.id.len() <= 64);
                    }
                    continue;
                }
            };
            prop_assert_eq!(response_problem(&response), None, "{:?}", response);
            let buttons: Vec<Button> =
                response.edit.iter().chain(&response.messages).flat_map(|m| m.buttons.iter().flatten().cloned()).collect();
            if !buttons.is_empty() {
                shown = buttons;
            }
        }
    }
}
