//! The images a post carries: checked when it is queued, read (bytes for LinkedIn, capability
//! URLs for Meta) when it is sent. Assets belong to the multimodal area; until a content has
//! any, a post is text only and an asked-for asset id is unknown.
use crate::state::AppState;
use rusqlite::Connection;

/// The images to attach: the asked ids, each an image of this content (`None`: every image of
/// the content). An error names what is wrong (a 422 for the caller).
pub fn check(
    _c: &Connection,
    _content_id: &str,
    asked: Option<&[String]>,
) -> Result<Vec<String>, String> {
    match asked.unwrap_or_default() {
        [] => Ok(Vec::new()),
        [first, ..] => Err(format!("asset {first} not found on this content")),
    }
}

/// Bytes of each image (LinkedIn uploads them).
pub fn bytes(_state: &AppState, ids: &[String]) -> Result<Vec<(String, Vec<u8>)>, String> {
    match ids {
        [] => Ok(Vec::new()),
        [first, ..] => Err(format!("asset {first} is gone")),
    }
}

/// Public capability URL of each image (Meta fetches them).
pub fn urls(_state: &AppState, ids: &[String]) -> Vec<String> {
    ids.iter().map(|_| String::new()).collect()
}
