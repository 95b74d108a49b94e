//! SQL of conversations, participants, messages and attachments. A conversation is visible to
//! its owner and its participants only; everyone else gets `None` (a 404).
use super::types::*;
use crate::page::{Page, Paged};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::Value;

const CONV_COLS: &str =
    "c.id, c.owner_id, c.client_id, c.project_id, c.title, c.metadata, c.created_at, c.updated_at";
const VISIBLE: &str = "(c.owner_id = ?1 OR EXISTS (SELECT 1 FROM conversation_participants p WHERE p.conversation_id = c.id AND p.user_id = ?1))";

fn conv(r: &Row) -> rusqlite::Result<ConversationResponse> {
    let meta: String = r.get(5)?;
    Ok(ConversationResponse {
        id: r.get(0)?,
        owner_id: r.get(1)?,
        client_id: r.get(2)?,
        project_id: r.get(3)?,
        title: r.get(4)?,
        metadata: serde_json::from_str(&meta).unwrap_or(Value::Null),
        created_at: r.get(6)?,
        updated_at: r.get(7)?,
        is_owner: r.get(8)?,
    })
}

pub fn insert(
    c: &Connection,
    id: &str,
    owner: &str,
    scope: (Option<String>, Option<String>),
    title: &str,
    metadata: &Value,
) -> rusqlite::Result<()> {
    let now = crate::time::now_rfc3339();
    c.prepare_cached(
        "INSERT INTO conversations (id, owner_id, client_id, project_id, title, metadata, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
    )?
    .execute(params![id, owner, scope.0, scope.1, title, metadata.to_string(), now])?;
    Ok(())
}

pub fn get_visible(
    c: &Connection,
    user_id: &str,
    id: &str,
) -> rusqlite::Result<Option<ConversationResponse>> {
    c.prepare_cached(&format!(
        "SELECT {CONV_COLS}, c.owner_id = ?1 FROM conversations c WHERE c.id = ?2 AND {VISIBLE}"
    ))?
    .query_row(params![user_id, id], conv)
    .optional()
}

pub fn list_visible(
    c: &Connection,
    user_id: &str,
    f: &ListFilter,
    page: Page,
) -> rusqlite::Result<Paged<ConversationResponse>> {
    let search = f
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            format!(
                "%{}%",
                s.replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            )
        });
    let filter = format!(
        "FROM conversations c WHERE {VISIBLE}
           AND (?2 IS NULL OR c.client_id = ?2) AND (?3 IS NULL OR c.project_id = ?3)
           AND (?4 IS NULL OR c.title LIKE ?4 ESCAPE '\\' OR EXISTS (SELECT 1 FROM chat_messages m
                WHERE m.conversation_id = c.id AND m.content LIKE ?4 ESCAPE '\\'))"
    );
    let total: i64 = c
        .prepare_cached(&format!("SELECT COUNT(*) {filter}"))?
        .query_row(params![user_id, f.client_id, f.project_id, search], |r| {
            r.get(0)
        })?;
    let (limit, offset) = page.sql();
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {CONV_COLS}, c.owner_id = ?1 {filter}
         ORDER BY c.updated_at DESC, c.id DESC LIMIT ?5 OFFSET ?6"
    ))?;
    let rows = stmt.query_map(
        params![user_id, f.client_id, f.project_id, search, limit, offset],
        conv,
    )?;
    Ok(Paged::new(
        rows.collect::<rusqlite::Result<_>>()?,
        total as u64,
        page,
    ))
}

pub fn update(
    c: &Connection,
    id: &str,
    title: Option<&str>,
    metadata: Option<&Value>,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "UPDATE conversations SET title = COALESCE(?2, title), metadata = COALESCE(?3, metadata), updated_at = ?4 WHERE id = ?1",
    )?
    .execute(params![
        id,
        title,
        metadata.map(Value::to_string),
        crate::time::now_rfc3339()
    ])?;
    Ok(())
}

pub fn touch(c: &Connection, id: &str) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE conversations SET updated_at = ?2 WHERE id = ?1")?
        .execute(params![id, crate::time::now_rfc3339()])?;
    Ok(())
}

pub fn delete(c: &Connection, id: &str) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM conversations WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

pub fn user_exists(c: &Connection, user_id: &str) -> rusqlite::Result<bool> {
    c.prepare_cached("SELECT EXISTS(SELECT 1 FROM users WHERE id = ?1 AND active = 1)")?
        .query_row([user_id], |r| r.get(0))
}

pub fn add_participant(
    c: &Connection,
    conv_id: &str,
    user_id: &str,
    by: &str,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO conversation_participants (conversation_id, user_id, added_by, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT DO NOTHING",
    )?
    .execute(params![conv_id, user_id, by, crate::time::now_rfc3339()])?;
    Ok(())
}

/// True when a participant was removed.
pub fn remove_participant(c: &Connection, conv_id: &str, user_id: &str) -> rusqlite::Result<bool> {
    Ok(c.prepare_cached(
        "DELETE FROM conversation_participants WHERE conversation_id = ?1 AND user_id = ?2",
    )?
    .execute(params![conv_id, user_id])?
        > 0)
}

/// The owner first, then participants in the order they were added.
pub fn participants(c: &Connection, conv_id: &str) -> rusqlite::Result<Vec<ParticipantResponse>> {
    let mut stmt = c.prepare_cached(
        "SELECT u.id, u.email, u.name, 'owner', c.created_at FROM conversations c JOIN users u ON u.id = c.owner_id WHERE c.id = ?1
         UNION ALL
         SELECT u.id, u.email, u.name, 'participant', p.created_at FROM conversation_participants p JOIN users u ON u.id = p.user_id
          WHERE p.conversation_id = ?1
         ORDER BY 4 DESC, 5",
    )?;
    let rows = stmt.query_map([conv_id], |r| {
        Ok(ParticipantResponse {
            user_id: r.get(0)?,
            email: r.get(1)?,
            name: r.get(2)?,
            role: r.get(3)?,
            added_at: r.get(4)?,
        })
    })?;
    rows.collect()
}

/// The owner and every participant as viewers of the access rule.
pub fn member_viewers(
    c: &Connection,
    conv_id: &str,
) -> rusqlite::Result<Vec<crate::access::Viewer>> {
    c.prepare_cached(
        "SELECT u.id, u.role = 'admin' FROM users u
          WHERE u.id IN (SELECT owner_id FROM conversations WHERE id = ?1
                         UNION SELECT user_id FROM conversation_participants WHERE conversation_id = ?1)",
    )?
    .query_map([conv_id], |r| {
        Ok(crate::access::Viewer {
            user_id: r.get(0)?,
            admin: r.get(1)?,
        })
    })?
    .collect()
}

/// User ids of the owner and every participant.
pub fn member_ids(c: &Connection, conv_id: &str) -> rusqlite::Result<Vec<String>> {
    Ok(participants(c, conv_id)?
        .into_iter()
        .map(|p| p.user_id)
        .collect())
}

pub fn insert_message(c: &Connection, m: &MessageResponse) -> rusqlite::Result<()> {
    let ids: Vec<&str> = m.attachments.iter().map(|a| a.id.as_str()).collect();
    c.prepare_cached(
        "INSERT INTO chat_messages (id, conversation_id, user_id, role, content, tool_calls, attachments, provider, model, usage, status, error, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        m.id,
        m.conversation_id,
        m.user_id,
        m.role,
        m.content,
        Value::Array(m.tool_calls.clone()).to_string(),
        serde_json::to_string(&ids).unwrap_or_default(),
        m.provider,
        m.model,
        m.usage.as_ref().map(Value::to_string),
        m.status,
        m.error,
        m.created_at
    ])?;
    Ok(())
}

/// One page of the history, oldest first.
/// A page of history: `limit` messages after skipping `offset`, counted back from the newest
/// (or from just before `before`), returned oldest first. None: `before` is not a message of
/// the conversation.
pub fn messages(
    c: &Connection,
    conv_id: &str,
    before: Option<&str>,
    page: Page,
) -> rusqlite::Result<Option<Paged<MessageResponse>>> {
    let cursor: Option<(String, String)> = match before {
        None => None,
        Some(id) => {
            let found = c
                .prepare_cached(
                    "SELECT created_at, id FROM chat_messages WHERE id = ?1 AND conversation_id = ?2",
                )?
                .query_row([id, conv_id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let Some(found) = found else {
                return Ok(None);
            };
            Some(found)
        }
    };
    let (at, id) = cursor.unzip();
    let total: i64 = c
        .prepare_cached(
            "SELECT COUNT(*) FROM chat_messages WHERE conversation_id = ?1
               AND (?2 IS NULL OR (created_at, id) < (?2, ?3))",
        )?
        .query_row(params![conv_id, at, id], |r| r.get(0))?;
    let files = attachments_meta(c, conv_id)?;
    let (limit, offset) = page.sql();
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {MSG_COLS} FROM chat_messages WHERE conversation_id = ?1
           AND (?4 IS NULL OR (created_at, id) < (?4, ?5))
         ORDER BY created_at DESC, id DESC LIMIT ?2 OFFSET ?3"
    ))?;
    let rows = stmt.query_map(params![conv_id, limit, offset, at, id], |r| {
        message(r, &files)
    })?;
    let mut items: Vec<MessageResponse> = rows.collect::<rusqlite::Result<_>>()?;
    items.reverse();
    Ok(Some(Paged::new(items, total as u64, page)))
}

const MSG_COLS: &str = "id, conversation_id, user_id, role, content, tool_calls, attachments, provider, model, usage, status, error, created_at";

fn message(r: &Row, files: &[AttachmentResponse]) -> rusqlite::Result<MessageResponse> {
    let calls: String = r.get(5)?;
    let ids: String = r.get(6)?;
    let usage: Option<String> = r.get(9)?;
    let ids: Vec<String> = serde_json::from_str(&ids).unwrap_or_default();
    Ok(MessageResponse {
        id: r.get(0)?,
        conversation_id: r.get(1)?,
        user_id: r.get(2)?,
        role: r.get(3)?,
        content: r.get(4)?,
        tool_calls: serde_json::from_str(&calls).unwrap_or_default(),
        attachments: ids
            .iter()
            .filter_map(|id| files.iter().find(|f| &f.id == id).cloned())
            .collect(),
        provider: r.get(7)?,
        model: r.get(8)?,
        usage: usage.and_then(|u| serde_json::from_str(&u).ok()),
        status: r.get(10)?,
        error: r.get(11)?,
        created_at: r.get(12)?,
    })
}

/// The last `limit` messages, oldest first.
pub fn recent_messages(
    c: &Connection,
    conv_id: &str,
    limit: i64,
) -> rusqlite::Result<Vec<MessageResponse>> {
    let files = attachments_meta(c, conv_id)?;
    let mut stmt = c.prepare_cached(&format!(
        "SELECT * FROM (SELECT {MSG_COLS}
           FROM chat_messages WHERE conversation_id = ?1 ORDER BY created_at DESC, id DESC LIMIT ?2)
         ORDER BY created_at, id"
    ))?;
    let rows = stmt.query_map(params![conv_id, limit], |r| message(r, &files))?;
    rows.collect()
}

pub fn insert_attachment(
    c: &Connection,
    a: &AttachmentResponse,
    text: &str,
    data: Option<&[u8]>,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO chat_attachments (id, conversation_id, user_id, filename, mime, kind, size, text, data, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        a.id,
        a.conversation_id,
        a.user_id,
        a.filename,
        a.mime,
        a.kind,
        a.size,
        text,
        data,
        a.created_at
    ])?;
    Ok(())
}

fn attachments_meta(c: &Connection, conv_id: &str) -> rusqlite::Result<Vec<AttachmentResponse>> {
    let mut stmt = c.prepare_cached(
        "SELECT id, conversation_id, user_id, filename, mime, kind, size, length(text), created_at
           FROM chat_attachments WHERE conversation_id = ?1",
    )?;
    let rows = stmt.query_map([conv_id], |r| {
        Ok(AttachmentResponse {
            id: r.get(0)?,
            conversation_id: r.get(1)?,
            user_id: r.get(2)?,
            filename: r.get(3)?,
            mime: r.get(4)?,
            kind: r.get(5)?,
            size: r.get(6)?,
            chars: r.get(7)?,
            created_at: r.get(8)?,
        })
    })?;
    rows.collect()
}

/// The attachments among `ids` that belong to this conversation.
pub fn attachments_in(
    c: &Connection,
    conv_id: &str,
    ids: &[String],
) -> rusqlite::Result<Vec<AttachmentResponse>> {
    Ok(attachments_meta(c, conv_id)?
        .into_iter()
        .filter(|a| ids.contains(&a.id))
        .collect())
}

/// Content of the conversation's attachments: id -> (filename, mime, kind, text, bytes).
pub fn attachment_contents(
    c: &Connection,
    conv_id: &str,
) -> rusqlite::Result<Vec<AttachmentContent>> {
    let mut stmt = c.prepare_cached(
        "SELECT id, filename, mime, kind, text, data FROM chat_attachments WHERE conversation_id = ?1",
    )?;
    let rows = stmt.query_map([conv_id], |r| {
        Ok(AttachmentContent {
            id: r.get(0)?,
            filename: r.get(1)?,
            mime: r.get(2)?,
            kind: r.get(3)?,
            text: r.get(4)?,
            data: r.get(5)?,
        })
    })?;
    rows.collect()
}
