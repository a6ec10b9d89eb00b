//! Maps as a user names and reads them: the object addressing grammar and where key and value
//! types come from.
pub mod addr;
pub mod batch;
pub mod export;
pub mod json_in;
pub mod types;
