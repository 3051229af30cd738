//! Findings that leave as files: a chart of how often terms occur over time, a table of hits.
//! Values only, so the core's answers stay testable as values; the edges render them (PNG, xlsx,
//! csv) with `digestbot-export`.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attachment {
    Chart(Chart),
    Table(Table),
}

/// Counts per period, one series per term, on one chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// The x axis: `2019` or `2019-03`, in order, every period between the first and last.
    pub periods: Vec<String>,
    pub series: Vec<Series>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    /// The term as the person typed it (the legend shows it where the chart's font can).
    pub term: String,
    /// One count per period of [`Chart::periods`].
    pub counts: Vec<u64>,
}

/// A workbook: one or more sheets of rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The file name without extension, ASCII (`digestbot-search-20261203`).
    pub name: String,
    pub sheets: Vec<Sheet>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    /// At most 31 characters (Excel's limit).
    pub name: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    /// A passage, section or speech by id: a link that opens it in the bot where the edge has one
    /// (`https://t.me/<bot>?start=<id>`), else the id.
    Open(String),
    /// A web address (the digest's source page).
    Url(String),
    Empty,
}

// Numbers in tables are counts and similarities, never NaN.
impl Eq for Cell {}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell::Text(text.into())
    }

    /// Text, or an empty cell when there is none.
    pub fn maybe(text: Option<&str>) -> Cell {
        text.map_or(Cell::Empty, Cell::text)
    }
}
