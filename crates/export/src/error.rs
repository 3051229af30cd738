//! What rendering can fail with, and the link every file format writes alike.

/// What can go wrong while rendering; none of it depends on the person's input except the number
/// of series, which the core already bounds.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A chart has one colour per series and only [`crate::SERIES_COLOURS`] to give.
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
pub(crate) fn open_link(bot: &str, id: &str) -> String {
    format!("https://t.me/{bot}?start={id}")
}
