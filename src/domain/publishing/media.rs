//! The images a post carries, from the multimodal area's storage interface: checked when the
//! post is queued (each asked id must be a finished image of the content; none asked: every
//! image of it), read as bytes when sent to LinkedIn, handed to Meta as capability URLs (which
//! Meta fetches, so they must be absolute: `public_url`).
use crate::domain::multimodal::assets;
use crate::state::AppState;
use rusqlite::Connection;

/// LinkedIn and Instagram carousels stop at 10 images (Facebook takes more; 20 is our cap).
const MAX_IMAGES: usize = 20;

/// The images to attach. An error names what is wrong (a 422 for the caller).
pub fn check(
    c: &Connection,
    content_id: &str,
    asked: Option<&[String]>,
) -> Result<Vec<String>, String> {
    let images: Vec<String> = assets::of_content(c, content_id)
        .map_err(|e| format!("reading the content's assets: {e}"))?
        .into_iter()
        .filter(|a| a.mime.starts_with("image/"))
        .map(|a| a.id)
        .collect();
    let chosen: Vec<String> = match asked {
        None => images.clone(),
        Some(ids) => {
            if let Some(bad) = ids.iter().find(|id| !images.contains(id)) {
                return Err(format!(
                    "asset {bad} is not a finished image of this content"
                ));
            }
            ids.to_vec()
        }
    };
    if chosen.len() > MAX_IMAGES {
        return Err(format!("at most {MAX_IMAGES} images per post"));
    }
    Ok(chosen)
}

/// Bytes of each image (LinkedIn uploads them).
pub fn bytes(state: &AppState, ids: &[String]) -> Result<Vec<(String, Vec<u8>)>, String> {
    ids.iter()
        .map(|id| {
            state
                .db
                .read_blocking(|c| assets::read_bytes(c, id))
                .map_err(|e| format!("reading asset {id}: {e}"))?
                .ok_or_else(|| format!("asset {id} is gone"))
        })
        .collect()
}

/// Public capability URL of each image (Meta fetches them, so they must be absolute).
pub fn urls(state: &AppState, ids: &[String]) -> Result<Vec<String>, String> {
    let urls: Vec<String> = ids.iter().map(|id| assets::public_url(state, id)).collect();
    if urls.iter().any(|u| u.starts_with('/')) {
        return Err(
            "Facebook and Instagram fetch images from this server: an admin sets public_url in Settings"
                .into(),
        );
    }
    Ok(urls)
}
