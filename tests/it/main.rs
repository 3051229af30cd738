//! The one integration test binary (one link instead of one per file).

mod app;
mod app_props;
mod bot;
mod check_cli;
mod compare;
mod compare_bot;
mod corpus_bad_input;
mod corpus_digests;
mod corpus_gwr;
mod corpus_load;
mod corpus_lossless;
mod corpus_real;
mod corpus_shapes;
mod daily;
mod html;
mod ids;
mod layering;
mod manage;
mod metrics;
mod ops;
mod presentation;
mod reload;
mod reload_index;
mod research;
mod research_bot;
mod search;
mod support;
mod watch;
mod webhook;

/// The fake Bot API and the updates to feed it, as every test module names them.
mod fake_api {
    pub use digestbot_testkit::fake_api::*;
    pub use digestbot_testkit::updates::*;
}
