//! `digestbot check` as an admin runs it: outline, JSON, exit codes, config.

use std::process::Command;

use crate::support::{fixture, fixture_corpus, root};

/// Runs the binary from the checkout with the fixture corpus as its corpus.
fn digestbot(args: &[&str]) -> (i32, String, String) {
    run(Command::new(env!("CARGO_BIN_EXE_digestbot")).args(args).env("DIGESTBOT_CORPUS_DIR", fixture_corpus()))
}

/// Runs the binary from the checkout with the corpus its configuration names.
fn digestbot_as_configured(args: &[&str]) -> (i32, String, String) {
    run(Command::new(env!("CARGO_BIN_EXE_digestbot")).args(args).env_remove("DIGESTBOT_CORPUS_DIR"))
}

fn run(command: &mut Command) -> (i32, String, String) {
    let out = command.current_dir(root()).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn check_prints_the_corpus_outline_and_exits_zero() {
    let (code, out, err) = digestbot(&["check"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("省委人大工作会议交流材料摘登"));
    assert!(out.contains("1. 坚持“四个强化”人大大有作为 — 中共合肥市委"));
    assert!(out.contains("一是坚持党的领导,把牢政治方向 · 1 passage(s)"));
    assert!(
        out.trim_end().ends_with("1 digest(s), 4 speech(es), 22 section(s), 26 passage(s); 0 error(s), 0 warning(s)"),
        "{out}"
    );
}

#[test]
fn check_json_has_the_documented_shape() {
    let (code, out, _) = digestbot(&["check", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let d = &v["digests"][0];
    for key in ["id", "file", "title", "date", "source", "url", "editor", "note", "speeches"] {
        assert!(d.get(key).is_some(), "digest lacks {key}");
    }
    assert!(d["date"].is_null() && d["url"].is_null());
    assert_eq!(d["editor"], "郝倩淑");
    assert_eq!(d["note"].as_array().unwrap().len(), 1);
    let speech = &d["speeches"][3];
    assert_eq!(speech["speaker"], "濉溪县刘桥镇人大");
    let section = &speech["sections"][1];
    assert_eq!(section["heading"], "一是坚持党的领导,把牢政治方向");
    assert!(speech["sections"][0]["heading"].is_null());
    let passage = &section["passages"][0];
    assert!(passage["id"].is_string() && passage["text"].as_str().unwrap().starts_with("一是坚持党的领导"));
    assert_eq!(v["problems"], serde_json::json!([]));
}

#[test]
fn check_reports_problems_as_file_line_message_and_exits_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.txt"), "").unwrap();
    std::fs::copy(fixture("shapes/no-speaker.txt"), dir.path().join("no-speaker.txt")).unwrap();
    let (code, out, _) = digestbot(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.contains("empty.txt:0: error: is empty"), "{out}");
    assert!(out.contains("no-speaker.txt:2: warning: speech"), "{out}");
    let (_, json, _) = digestbot(&["check", "--json", dir.path().to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["problems"][0]["severity"], "error");
    assert_eq!(v["problems"][0]["line"], 0);
}

#[test]
fn the_corpus_directory_comes_from_config_or_environment() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bot.toml");
    std::fs::write(&config, format!("corpus_dir = {:?}\n", fixture("shapes").to_str().unwrap())).unwrap();
    let (code, out, err) = digestbot_as_configured(&["check", "--config", config.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("政府工作报告"), "{out}");

    let out = Command::new(env!("CARGO_BIN_EXE_digestbot"))
        .args(["check"])
        .current_dir(root())
        .env("DIGESTBOT_CORPUS_DIR", fixture("shapes"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("政府工作报告"));
}

#[test]
fn a_bad_config_is_a_clear_error_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bot.toml");
    std::fs::write(&config, "corpus_dir = 42\n").unwrap();
    let (code, out, err) = digestbot_as_configured(&["check", "--config", config.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("corpus_dir") && !err.contains("panicked"), "{err}");
    let (code, _, err) = digestbot_as_configured(&["check", "--config", "/nonexistent.toml"]);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent.toml"), "{err}");
}

#[test]
fn search_lists_every_passage_with_the_words_highlighted_and_its_source() {
    let (code, out, err) = digestbot(&["search", "人大代表"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("共 7 段"), "{out}");
    assert!(out.matches("**人大代表**").count() >= 7, "{out}");
    assert!(out.contains("《坚持“四个强化”人大大有作为》 · 中共合肥市委 · 三、强化一线定位"), "{out}");
    assert_eq!(out.matches("anhui-renda-huiyi_p").count(), 7);
}

#[test]
fn search_json_has_the_documented_shape_and_limit_cuts_hits_not_total() {
    let (code, out, _) = digestbot(&["search", "人大", "--limit", "3", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["query"], "人大");
    assert!(v["total"].as_u64().unwrap() > 3);
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 3);
    for key in ["passage_id", "digest", "speech", "speaker", "section", "text", "snippet"] {
        assert!(hits[0].get(key).is_some(), "hit lacks {key}");
    }
    assert!(hits[0]["text"].as_str().unwrap().contains("人大"));
}

#[test]
fn search_answers_bad_queries_with_a_message_not_a_trace() {
    let (code, out, err) = digestbot(&["search", "。。。"]);
    assert_eq!(code, 2);
    assert!(out.is_empty() && err.contains("标点") && !err.contains("panicked"), "{err}");
    let (code, out, _) = digestbot(&["search", "--json", "😀"]);
    assert_eq!(code, 2);
    assert!(serde_json::from_str::<serde_json::Value>(&out).unwrap()["error"].is_string());
    let (code, out, _) = digestbot(&["search", "不存在的词语组合"]);
    assert_eq!(code, 0);
    assert!(out.contains("没有找到"), "{out}");
}

/// `digestbot chat` on the fixture corpus with `input` piped in.
fn chat(input: &[u8]) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_digestbot"))
        .arg("chat")
        .current_dir(root())
        .env("DIGESTBOT_CORPUS_DIR", fixture_corpus())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn chat_answers_commands_from_stdin_and_buttons_are_numbers_to_type() {
    let out = String::from_utf8(chat("/search 人大代表\n1\n/speaker 合肥\n2\n/frob\n".as_bytes()).stdout).unwrap();
    assert!(out.contains("共 7 段 · 第 1/2 页") && out.contains("[1] 下一页 ▶"), "{out}");
    assert!(out.contains("第 2/2 页") && out.contains("[1] ◀ 上一页"), "typing 1 pressed the button: {out}");
    assert!(out.contains("**人大代表**") && out.contains("（/read anhui-renda-huiyi_p"), "{out}");
    assert!(out.contains("[2] 一、强化制度自信"), "{out}");
    assert!(out.contains("习近平总书记强调,“坚持和完善人民代表大会制度"), "typing 2 opened section 一: {out}");
    assert!(out.contains("没有 /frob 这个命令"), "{out}");
}

#[test]
fn chat_answers_a_line_that_is_not_utf8_and_goes_on_with_the_next() {
    let mut input = "/search 人大代表\n".as_bytes().to_vec();
    input.extend_from_slice(b"\xff\xfe\xc3\x28 \x80\n");
    input.extend_from_slice("/speaker 合肥\n".as_bytes());
    let output = chat(&input);
    let (out, err) = (String::from_utf8(output.stdout).unwrap(), String::from_utf8_lossy(&output.stderr));
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert!(out.contains("共 7 段 · 第 1/2 页"), "the line before was answered: {out}");
    assert!(out.contains("只有标点或符号"), "the unreadable line was answered as text: {out}");
    assert!(out.contains("[2] 一、强化制度自信"), "the line after was answered: {out}");
}

#[test]
fn serve_without_a_token_points_to_chat() {
    let out = Command::new(env!("CARGO_BIN_EXE_digestbot"))
        .current_dir(root())
        .env_remove("TELOXIDE_TOKEN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("digestbot chat"));
}

/// Runs the binary with `env`, killing it when it has not exited within `limit`: a command that
/// should refuse to start must not be left running.
fn run_for_at_most(args: &[&str], env: &[(&str, &str)], limit: std::time::Duration) -> (Option<i32>, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_digestbot"));
    command.args(args).current_dir(root()).stdin(std::process::Stdio::null());
    command.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().unwrap();
    let started = std::time::Instant::now();
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if started.elapsed() > limit {
            child.kill().unwrap();
            child.wait().unwrap();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    (code, err)
}

#[test]
fn every_command_refuses_a_missing_corpus_directory_with_a_clear_error() {
    let missing = [("DIGESTBOT_CORPUS_DIR", "/nonexistent/digests")];
    let limit = std::time::Duration::from_secs(60);
    for args in [&["check"][..], &["check", "--json"], &["search", "人大"], &["search", "--json", "人大"], &["chat"]]
    {
        let (code, err) = run_for_at_most(args, &missing, limit);
        assert_eq!(code, Some(1), "{args:?}: {err}");
        assert!(err.contains("cannot read the corpus directory /nonexistent/digests"), "{args:?}: {err}");
    }
    let (code, err) = run_for_at_most(&["search", "--corpus", "/nonexistent", "人大"], &[], limit);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("cannot read the corpus directory /nonexistent"), "{err}");
    // The API URL leads nowhere: a bot that started anyway would retry until killed.
    let serve = [
        ("DIGESTBOT_CORPUS_DIR", "/nonexistent/digests"),
        ("TELOXIDE_TOKEN", "123:abc"),
        ("TELOXIDE_API_URL", "http://127.0.0.1:9/"),
    ];
    let (code, err) = run_for_at_most(&["serve"], &serve, limit);
    assert_eq!(code, Some(1), "serve must not start: {err}");
    assert!(err.contains("cannot read the corpus directory /nonexistent/digests"), "{err}");
}

#[test]
fn max_file_mb_from_the_environment_caps_the_size_of_a_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("corpus/anhui-renda-huiyi.txt"), dir.path().join("seed.txt")).unwrap();
    std::fs::File::create(dir.path().join("big.txt")).unwrap().set_len(2 * 1024 * 1024).unwrap();
    let dir = dir.path().to_str().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_digestbot"))
        .args(["check", dir])
        .current_dir(root())
        .env("DIGESTBOT_MAX_FILE_MB", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(text.contains("big.txt:0: error: is 2 MB, more than the 1 MB a digest may be"), "{text}");
    let out = Command::new(env!("CARGO_BIN_EXE_digestbot"))
        .args(["check", dir])
        .current_dir(root())
        .env("DIGESTBOT_MAX_FILE_MB", "3")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("big.txt:0: error: looks like a binary file"), "under the cap it is read: {text}");
    // `search` loads with the same cap: its problems are logged on stderr.
    let out = Command::new(env!("CARGO_BIN_EXE_digestbot"))
        .args(["search", "--corpus", dir, "人大"])
        .current_dir(root())
        .env("DIGESTBOT_MAX_FILE_MB", "1")
        .output()
        .unwrap();
    let logs = String::from_utf8_lossy(&out.stderr);
    assert!(logs.contains("more than the 1 MB a digest may be"), "{logs}");
}

#[test]
fn a_max_file_mb_that_is_not_a_number_is_an_error_naming_the_key() {
    let (code, out, err) =
        run(Command::new(env!("CARGO_BIN_EXE_digestbot")).args(["check"]).env("DIGESTBOT_MAX_FILE_MB", "abc"));
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("max_file_mb") && err.contains("DIGESTBOT_MAX_FILE_MB"), "{err}");
}

#[test]
fn check_escapes_control_characters_in_file_names_so_no_line_can_be_forged() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("空\nfine.txt:3: warning: 伪造.txt"), "").unwrap();
    std::fs::copy(fixture("corpus/anhui-renda-huiyi.txt"), dir.path().join("政府\t报告\u{1b}[2J.txt")).unwrap();
    let (code, out, _) = digestbot(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.contains(&r"空\nfine.txt:3: warning: 伪造.txt:0: error: is empty"), "{out}");
    assert!(!lines.iter().any(|l| l.starts_with("fine.txt")), "{out}");
    assert!(lines.iter().any(|l| l.starts_with(r"政府\t报告\u{1b}[2J.txt  《省委人大工作会议交流材料摘登》")), "{out}");
    assert!(!out.contains('\u{1b}') && !out.contains('\t'), "{out}");
}

#[test]
fn check_says_per_file_which_lines_it_set_aside_as_furniture() {
    let dir = fixture("real-reports");
    let (code, out, err) = digestbot(&["check", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    // A file's block: its line, then the indented lines under it.
    let file = |name: &str| {
        let mut lines = out.lines().skip_while(|l| !l.starts_with(name));
        let first = lines.next().unwrap();
        let rest: Vec<&str> = lines.take_while(|l| l.starts_with(' ')).collect();
        format!("{first}\n{}\n", rest.join("\n"))
    };
    let beijing = file("beijing.txt");
    assert!(beijing.contains("\n  furniture: 13 line(s) set aside, not text\n"), "{beijing}");
    assert!(
        beijing.contains("\n    1-9  下载 | 打印 | 全屏 | 收藏 | 【字号： | 加大 | 还原 | 减小 | 】\n"),
        "{beijing}"
    );
    assert!(beijing.contains("\n    12-13  来源：北京日报 | 时间：2026-02-02\n"), "{beijing}");
    assert!(beijing.contains("\n    106  相关报道：\n"), "{beijing}");
    assert!(!file("guangdong.txt").contains("furniture"), "a file without furniture says nothing of it");

    let (_, json, _) = digestbot(&["check", "--json", dir.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let beijing = &v["digests"][0];
    assert_eq!(beijing["preamble"][0], "下载");
    assert_eq!(beijing["preamble"].as_array().unwrap().len(), 11);
    assert_eq!(beijing["trailer"], serde_json::json!(["来源：北京日报", "相关报道："]));
    assert_eq!(beijing["speeches"][0]["speaker"], "北京市市长 殷勇");
}

#[test]
fn check_shows_a_multi_speaker_pages_kicker_occasion_and_bylines_so_an_admin_sees_mistakes() {
    let dir = fixture("real-digests");
    let (code, out, err) = digestbot(&["check", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("  kicker: 工商界人士、政协委员接受本报采访表示——"), "{out}");
    assert!(out.contains("  occasion: ——学习贯彻习近平总书记关于扶贫工作的重要论述研讨会发言摘编"), "{out}");
    assert!(out.contains("  1. 靠种花走上致富路 — 重庆市垫江县委书记蒲彬彬代表"), "{out}");
    assert!(out.contains("       byline: （本报记者闫旭、刘新吾整理）"), "{out}");
    let (_, json, _) = digestbot(&["check", "--json", dir.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let digests = v["digests"].as_array().unwrap();
    let page = |file: &str| digests.iter().find(|d| d["file"] == file).unwrap();
    let yizheng = page("rmrb-2020-02-20-yizheng-jianyan.txt");
    assert_eq!(yizheng["kicker"], serde_json::json!(["工商界人士、政协委员接受本报采访表示——"]));
    assert_eq!(yizheng["speeches"][0]["byline"], serde_json::json!(["（作者为全国政协常委、经济委员会副主任）"]));
    // Fields a page does not have are left out, so other files print as they always did.
    let kexue = page("rmrb-2019-10-17-kexue-suzhi.txt");
    assert!(kexue.get("kicker").is_none() && kexue.get("occasion").is_none());
    assert!(kexue["speeches"][0].get("byline").is_none());
}
