//! The core's findings as files: a [`Chart`] as a PNG, a [`Table`] as an xlsx workbook or a
//! [`Sheet`] as csv. The core answers with plain values so it stays testable as values; this crate
//! is where they meet fonts, pixels and spreadsheets, and the edges only send the bytes.
//!
//! Nothing here reads the file system or the network: the chart's font is embedded, so a PNG
//! renders the same on a bare server as on a developer's machine.
//!
//! [`Chart`]: digestbot_core::attachment::Chart
//! [`Table`]: digestbot_core::attachment::Table
//! [`Sheet`]: digestbot_core::attachment::Sheet

mod chart;
mod csv;
mod xlsx;

pub use crate::chart::{PNG_HEIGHT, PNG_WIDTH, SERIES_COLOURS, chart_png};
pub use crate::csv::csv;
pub use crate::xlsx::xlsx;

/// What can go wrong while rendering; none of it depends on the person's input except the number
/// of series, which the core already bounds.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A chart has one colour per series and only [`SERIES_COLOURS`] to give.
    #[error("a chart has at most {max} series, this one has {got}")]
    TooManySeries { got: usize, max: usize },
    /// The embedded font did not load; a broken build, never the data.
    #[error("the embedded chart font is not a valid font")]
    Font,
    /// plotters failed to draw (its errors borrow the backend, so only the text is kept).
    #[error("drawing the chart failed: {0}")]
    Drawing(String),
    #[error("encoding the chart as PNG failed: {0}")]
    Png(#[from] png::EncodingError),
    #[error("writing the workbook failed: {0}")]
    Workbook(#[from] rust_xlsxwriter::XlsxError),
}

/// The address that opens a passage, section or speech in the bot; the edge knows the bot's name.
fn open_link(bot: &str, id: &str) -> String {
    format!("https://t.me/{bot}?start={id}")
}
