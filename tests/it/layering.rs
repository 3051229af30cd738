//! The floors' direction, as each crate's `Cargo.toml` writes it: corpus → search → core →
//! telegram → the binary. A folder cannot refuse an import; these manifests can, and this test
//! keeps them saying so.

use crate::support::root;

/// The normal dependencies a crate's manifest names.
fn dependencies(krate: &str) -> Vec<String> {
    let manifest = std::fs::read_to_string(root().join("crates").join(krate).join("Cargo.toml")).unwrap();
    let manifest: toml::Table = manifest.parse().unwrap();
    let deps = manifest.get("dependencies").and_then(|d| d.as_table()).cloned().unwrap_or_default();
    deps.keys().cloned().collect()
}

fn assert_none_of(krate: &str, forbidden: &[&str]) {
    let deps = dependencies(krate);
    let found: Vec<&String> = deps.iter().filter(|d| forbidden.contains(&d.as_str())).collect();
    assert!(found.is_empty(), "crates/{krate} depends on {found:?}, which its floor must not");
}

#[test]
fn the_corpus_floor_needs_no_async_runtime_no_index_and_nothing_above_it() {
    assert_none_of("corpus", &["tokio", "tantivy", "digestbot-search", "digestbot-core", "digestbot-telegram"]);
}

#[test]
fn the_search_floor_knows_nothing_of_the_bot() {
    assert_none_of("search", &["tokio", "teloxide", "digestbot-core", "digestbot-telegram"]);
}

#[test]
fn the_core_knows_no_telegram_and_no_http() {
    assert_none_of("core", &["teloxide", "axum", "tower", "url", "reqwest", "hyper", "digestbot-telegram"]);
    let deps = dependencies("core");
    assert!(deps.iter().any(|d| d == "digestbot-search"), "the core stands on the search floor: {deps:?}");
}

#[test]
fn the_telegram_edge_stands_on_the_core_and_not_on_the_binary() {
    let deps = dependencies("telegram");
    assert!(deps.iter().any(|d| d == "digestbot-core"), "{deps:?}");
    assert_none_of("telegram", &["digestbot", "digestbot-testkit"]);
}
