//! The screens: each a pure function from the library (and what it needs of the app's caches) to
//! a [`crate::reply::Response`].

pub mod browse;
pub mod inline;
pub mod reading;
pub mod search;
pub mod status;
