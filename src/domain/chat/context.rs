//! What the model sees of a conversation: the stored history plus the message being sent, with
//! attached documents' text inlined into the user message that carried them and images passed
//! to vision models.
use super::store;
use super::types::{AttachmentContent, MessageResponse};
use crate::ai::agent::ATTACHMENT_MARKER;
use crate::ai::{Image, Message};
use base64::Engine;
use rusqlite::Connection;

/// Messages kept in the model's context (older ones are dropped).
const MAX_HISTORY: usize = 40;
/// Characters of one document's text kept in the context.
const MAX_DOC_CHARS: usize = 40_000;

/// The stored history followed by `new` (not stored yet: it is written while the reply starts).
pub fn history(
    c: &Connection,
    conv_id: &str,
    new: &MessageResponse,
) -> rusqlite::Result<Vec<Message>> {
    let files = store::attachment_contents(c, conv_id)?;
    let mut all = store::recent_messages(c, conv_id, MAX_HISTORY as i64 - 1)?;
    all.push(new.clone());
    let skip = all.len().saturating_sub(MAX_HISTORY);
    Ok(all
        .into_iter()
        .skip(skip)
        .filter_map(|m| convert(m, &files))
        .collect())
}

fn convert(m: MessageResponse, files: &[AttachmentContent]) -> Option<Message> {
    if m.role == "assistant" {
        return (!m.content.trim().is_empty()).then(|| Message::assistant(m.content, vec![]));
    }
    let mut msg = Message::user(m.content);
    for a in &m.attachments {
        let Some(f) = files.iter().find(|f| f.id == a.id) else {
            continue;
        };
        match (f.kind.as_str(), &f.data) {
            ("image", Some(bytes)) => msg.images.push(Image {
                mime: f.mime.clone(),
                data_b64: base64::engine::general_purpose::STANDARD.encode(bytes),
            }),
            _ => {
                let text: String = f.text.chars().take(MAX_DOC_CHARS).collect();
                msg.content
                    .push_str(&format!("{ATTACHMENT_MARKER}{} ---\n{text}", f.filename));
            }
        }
    }
    Some(msg)
}
