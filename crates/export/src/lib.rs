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
mod error;
mod xlsx;

pub use crate::chart::{PNG_HEIGHT, PNG_WIDTH, SERIES_COLOURS, chart_png};
pub use crate::csv::csv;
pub use crate::error::ExportError;
pub use crate::xlsx::xlsx;
