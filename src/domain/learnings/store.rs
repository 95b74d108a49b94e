//! All SQL of the learnings area: learnings, their feedback, custom rules, and the sources a
//! generation reads.
use super::types::*;
use crate::access::{self, Viewer};
use crate::page::Page;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::Value;

const COLS: &str = "l.id, l.owner_id, l.type, l.title, l.content, l.data, l.confidence, \
                    l.source_ids, l.client_id, l.project_id, l.created_at, l.updated_at";

fn row(r: &Row) -> rusqlite::Result<Learning> {
    let data: String = r.get(5)?;
    let sources: String = r.get(7)?;
    Ok(Learning {
        id: r.get(0)?,
        owner_id: r.get(1)?,
        kind: r.get(2)?,
        title: r.get(3)?,
        content: r.get(4)?,
        data: serde_json::from_str(&data).unwrap_or(Value::Null),
        confidence: r.get(6)?,
        source_ids: serde_json::from_str(&sources).unwrap_or_default(),
        client_id: r.get(8)?,
        project_id: r.get(9)?,
        feedback: vec![],
        created_at: r.get(10)?,
        updated_at: r.get(11)?,
    })
}

pub fn insert(c: &Connection, owner: &str, n: &NewLearning) -> rusqlite::Result<String> {
    let id = uuid::Uuid::now_v7().to_string();
    let now = crate::time::now_rfc3339();
    c.prepare_cached(
        "INSERT INTO learnings (id, owner_id, client_id, project_id, type, title, content, data,
            confidence, source_ids, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
    )?
    .execute(params![
        id,
        owner,
        n.client_id,
        n.project_id,
        n.kind,
        n.title,
        n.content,
        n.data.to_string(),
        n.confidence.clamp(0.0, 1.0),
        serde_json::to_string(&n.source_ids).unwrap_or_else(|_| "[]".into()),
        now
    ])?;
    Ok(id)
}

/// A visible learning with its feedback.
pub fn get(c: &Connection, v: &Viewer, id: &str) -> rusqlite::Result<Option<Learning>> {
    let sql = format!(
        "SELECT {COLS} FROM learnings l WHERE l.id = ?3 AND {}",
        access::visible("l", "learning", 1)
    );
    let Some(mut l) = c
        .prepare_cached(&sql)?
        .query_row(params![v.user_id, v.admin, id], row)
        .optional()?
    else {
        return Ok(None);
    };
    l.feedback = feedback(c, id)?;
    Ok(Some(l))
}

pub fn list(
    c: &Connection,
    v: &Viewer,
    f: &ListFilter,
    page: Page,
) -> rusqlite::Result<(Vec<Learning>, u64)> {
    let filter = format!(
        "FROM learnings l WHERE {}
           AND (?3 IS NULL OR l.type = ?3)
           AND (?4 IS NULL OR EXISTS (SELECT 1 FROM json_each(l.source_ids) j WHERE j.value = ?4))
           AND (?5 IS NULL OR l.client_id = ?5)",
        access::visible("l", "learning", 1)
    );
    let total: i64 = c
        .prepare_cached(&format!("SELECT COUNT(*) {filter}"))?
        .query_row(
            params![v.user_id, v.admin, f.kind, f.source_id, f.client_id],
            |r| r.get(0),
        )?;
    let (limit, offset) = page.sql();
    let sql = format!(
        "SELECT {COLS} {filter} ORDER BY l.type, l.created_at DESC, l.id LIMIT ?6 OFFSET ?7"
    );
    let mut items: Vec<Learning> = c
        .prepare_cached(&sql)?
        .query_map(
            params![
                v.user_id,
                v.admin,
                f.kind,
                f.source_id,
                f.client_id,
                limit,
                offset
            ],
            row,
        )?
        .collect::<rusqlite::Result<_>>()?;
    for l in items.iter_mut() {
        l.feedback = feedback(c, &l.id)?;
    }
    Ok((items, total as u64))
}

/// Learnings for a generation: the client's (when given) first, then the user's own without a
/// client; most confident first within each group.
pub fn for_context(
    c: &Connection,
    v: &Viewer,
    client_id: Option<&str>,
    limit: i64,
) -> rusqlite::Result<Vec<Learning>> {
    let sql = format!(
        "SELECT {COLS} FROM learnings l WHERE {}
           AND ((?3 IS NOT NULL AND l.client_id = ?3) OR (l.owner_id = ?1 AND l.client_id IS NULL))
         ORDER BY (l.client_id IS NULL), l.confidence DESC, l.updated_at DESC LIMIT ?4",
        access::visible("l", "learning", 1)
    );
    c.prepare_cached(&sql)?
        .query_map(params![v.user_id, v.admin, client_id, limit], row)?
        .collect()
}

pub fn update(c: &Connection, id: &str, p: &LearningPatch) -> rusqlite::Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE learnings SET title = COALESCE(?2, title), content = COALESCE(?3, content),
                data = COALESCE(?4, data), confidence = COALESCE(?5, confidence), updated_at = ?6
             WHERE id = ?1",
        )?
        .execute(params![
            id,
            p.title,
            p.content,
            p.data.as_ref().map(Value::to_string),
            p.confidence,
            crate::time::now_rfc3339()
        ])?;
    Ok(n > 0)
}

pub fn set_confidence(c: &Connection, id: &str, confidence: f64) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE learnings SET confidence = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![
            id,
            confidence.clamp(0.0, 1.0),
            crate::time::now_rfc3339()
        ])?;
    Ok(())
}

pub fn delete(c: &Connection, id: &str) -> rusqlite::Result<bool> {
    Ok(c.prepare_cached("DELETE FROM learnings WHERE id = ?1")?
        .execute([id])?
        > 0)
}

pub fn add_feedback(
    c: &Connection,
    learning_id: &str,
    user_id: &str,
    score: i64,
    comment: Option<&str>,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO learning_feedback (id, learning_id, user_id, score, comment, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        uuid::Uuid::now_v7().to_string(),
        learning_id,
        user_id,
        score,
        comment,
        crate::time::now_rfc3339()
    ])?;
    Ok(())
}

pub fn feedback(c: &Connection, learning_id: &str) -> rusqlite::Result<Vec<Feedback>> {
    c.prepare_cached(
        "SELECT id, user_id, score, comment, created_at FROM learning_feedback
         WHERE learning_id = ?1 ORDER BY created_at, id",
    )?
    .query_map([learning_id], |r| {
        Ok(Feedback {
            id: r.get(0)?,
            user_id: r.get(1)?,
            score: r.get(2)?,
            comment: r.get(3)?,
            created_at: r.get(4)?,
        })
    })?
    .collect()
}

/// Rules of a client, or (no client) of the user.
pub fn rules(
    c: &Connection,
    owner: &str,
    client_id: Option<&str>,
) -> rusqlite::Result<Option<CustomRules>> {
    c.prepare_cached(
        "SELECT client_id, dos, donts FROM custom_rules
         WHERE (?2 IS NOT NULL AND client_id = ?2) OR (?2 IS NULL AND client_id IS NULL AND owner_id = ?1)",
    )?
    .query_row(params![owner, client_id], |r| {
        let (dos, donts): (String, String) = (r.get(1)?, r.get(2)?);
        Ok(CustomRules {
            client_id: r.get(0)?,
            dos: serde_json::from_str(&dos).unwrap_or_default(),
            donts: serde_json::from_str(&donts).unwrap_or_default(),
        })
    })
    .optional()
}

pub fn put_rules(c: &Connection, owner: &str, r: &CustomRules) -> rusqlite::Result<()> {
    let (dos, donts) = (
        serde_json::to_string(&r.dos).unwrap_or_else(|_| "[]".into()),
        serde_json::to_string(&r.donts).unwrap_or_else(|_| "[]".into()),
    );
    let now = crate::time::now_rfc3339();
    let n = c
        .prepare_cached(
            "UPDATE custom_rules SET dos = ?3, donts = ?4, updated_at = ?5
             WHERE (?2 IS NOT NULL AND client_id = ?2) OR (?2 IS NULL AND client_id IS NULL AND owner_id = ?1)",
        )?
        .execute(params![owner, r.client_id, dos, donts, now])?;
    if n == 0 {
        c.prepare_cached(
            "INSERT INTO custom_rules (id, owner_id, client_id, dos, donts, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            uuid::Uuid::now_v7().to_string(),
            owner,
            r.client_id,
            dos,
            donts,
            now
        ])?;
    }
    Ok(())
}

/// The visible sources a generation reads: the given ids and collections, or (none given) the
/// newest ones of the client/project or of everything visible, capped by count.
pub fn sources(
    c: &Connection,
    v: &Viewer,
    s: &SourceSelection,
    limit: i64,
) -> rusqlite::Result<Vec<SourceText>> {
    let sql = format!(
        "SELECT s.id, s.title, s.url, s.platform, s.content FROM sources s WHERE {}
           AND ((?3 = '[]' AND ?4 = '[]') OR s.id IN (SELECT value FROM json_each(?3))
                OR s.collection_id IN (SELECT value FROM json_each(?4)))
           AND (?5 IS NULL OR s.client_id = ?5) AND (?6 IS NULL OR s.project_id = ?6)
         ORDER BY s.created_at DESC, s.id DESC LIMIT ?7",
        access::visible("s", "source", 1)
    );
    let ids = serde_json::to_string(&s.source_ids).unwrap_or_else(|_| "[]".into());
    let cols = serde_json::to_string(&s.collection_ids).unwrap_or_else(|_| "[]".into());
    c.prepare_cached(&sql)?
        .query_map(
            params![
                v.user_id,
                v.admin,
                ids,
                cols,
                s.client_id,
                s.project_id,
                limit
            ],
            |r| {
                Ok(SourceText {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    url: r.get(2)?,
                    platform: r.get(3)?,
                    content: r.get(4)?,
                })
            },
        )?
        .collect()
}
