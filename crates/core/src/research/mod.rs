//! The research tools: checking a quotation against the text, following a term through time,
//! and exporting what was found.

pub mod compare;
pub mod export;
pub mod rows;
pub mod text;
pub mod trend;
pub mod verify;
