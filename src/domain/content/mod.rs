//! The content studio: contents generated and refined per platform (every version kept, with
//! what each drew on), templates, feedback. Platform rules live in `platforms`, the one
//! generation path in `generate` (validation) and `run` (the worker), the offline composer in
//! `compose`. Operations authorize with the one access rule on the registered `content`
//! resource, write through `Db::write` and emit `content.created`, `content.updated` and
//! `content.status_changed`.
pub mod compose;
pub mod feedback;
pub mod generate;
pub mod platforms;
pub mod run;
mod shape;
pub mod store;
pub mod templates;
pub mod templates_store;
pub mod tools;
pub mod types;

use crate::access::{self, Resource, Viewer};
use crate::db::Db;
use crate::error::{ApiError, ApiResult};
use crate::page::{Page, Paged};
use rusqlite::Connection;
use serde_json::{Value, json};
use types::*;

/// Contents as a shareable resource (registered in `app.rs`).
pub const RESOURCE: Resource = Resource::shareable("content", "contents");

fn emit(
    tx: &Connection,
    kind: &str,
    actor: &str,
    x: &Content,
    previous_status: Option<&str>,
) -> rusqlite::Result<()> {
    let mut data = json!({
        "content_id": x.id, "title": x.title, "platform": x.platform, "status": x.status,
        "client_id": x.client_id, "project_id": x.project_id, "owner_id": x.created_by,
    });
    if let Some(p) = previous_status {
        data["previous_status"] = Value::from(p);
    }
    crate::events::emit(tx, kind, Some(actor), data).map(|_| ())
}

/// Save what a generation produced: a new content (version 1, linked to its planner item) or
/// the refined content's next version; its provenance; its event. One write.
pub(crate) fn save_generated(
    tx: &Connection,
    job: &generate::Job,
    draft: &str,
    warnings: &[String],
    drawn: &[Drawn],
) -> rusqlite::Result<(String, i64, String)> {
    let now = crate::time::now_rfc3339();
    let by = &job.viewer.user_id;
    let (x, origin, instructions, event) = match &job.refine {
        Some((old, ins)) => {
            let mut x = store::get(tx, &job.viewer, &old.id)?.unwrap_or_else(|| old.clone());
            x.version = store::versions_count(tx, &x.id)? + 1;
            x.draft_content = draft.to_string();
            x.warnings = warnings.to_vec();
            x.provider = Some(job.provider.clone());
            x.model = Some(job.model.clone());
            x.updated_at = now.clone();
            store::update(tx, &x)?;
            (x, "refine", Some(ins.as_str()), "content.updated")
        }
        None => {
            let x = Content {
                id: uuid::Uuid::now_v7().to_string(),
                title: run::title_of(job),
                platform: job.platform.name.to_string(),
                brief: job.brief.clone(),
                draft_content: draft.to_string(),
                status: "draft".into(),
                version: 1,
                persona_id: job.persona_id.clone(),
                template_id: job.template.as_ref().map(|t| t.id.clone()),
                client_id: job.client_id.clone(),
                project_id: job.project_id.clone(),
                task_id: job.task_id.clone(),
                warnings: warnings.to_vec(),
                provider: Some(job.provider.clone()),
                model: Some(job.model.clone()),
                created_by: by.clone(),
                created_at: now.clone(),
                updated_at: now.clone(),
            };
            store::insert(tx, by, &x)?;
            if let Some(item) = &job.plan_item_id {
                crate::domain::planner::store::link_content(tx, item, &x.id, &now)?;
            }
            (x, "generate", None, "content.created")
        }
    };
    let v = NewVersion {
        title: &x.title,
        draft,
        origin,
        instructions,
        warnings,
    };
    store::insert_version(tx, &x.id, x.version, &v, by, &now)?;
    for d in drawn {
        store::insert_provenance(tx, &x.id, x.version, d)?;
    }
    emit(tx, event, by, &x, None)?;
    Ok((x.id, x.version, x.title))
}

pub async fn list(
    db: &Db,
    v: Viewer,
    mut f: ContentFilter,
    page: Page,
) -> ApiResult<Paged<Content>> {
    if let Some(s) = &f.status
        && !STATUSES.contains(&s.as_str())
    {
        return Err(ApiError::unprocessable(format!(
            "unknown status {s:?}; use {}",
            STATUSES.join(", ")
        )));
    }
    if let Some(p) = f.platform.take().filter(|p| !p.is_empty()) {
        f.platform = Some(
            platforms::find(&p)
                .ok_or_else(|| ApiError::unprocessable(platforms::unknown(&p)))?
                .name
                .to_string(),
        );
    }
    f.q = f.q.map(|q| q.trim().to_string()).filter(|q| !q.is_empty());
    let (items, total) = db.read(move |c| store::list(c, &v, &f, page)).await?;
    Ok(Paged::new(items, total, page))
}

pub async fn get(db: &Db, v: Viewer, id: String) -> ApiResult<Option<ContentDetail>> {
    Ok(db
        .read(move |c| -> rusqlite::Result<Option<ContentDetail>> {
            let Some(content) = store::get(c, &v, &id)? else {
                return Ok(None);
            };
            Ok(Some(ContentDetail {
                assets: vec![],
                feedback: store::feedback(c, &id)?,
                versions_count: store::versions_count(c, &id)?,
                provenance: store::provenance(c, &id, content.version)?,
                plan_item_id: store::plan_item_of(c, &id)?,
                content,
            }))
        })
        .await?)
}

/// A visible content the caller may change (403 when visible only; None when invisible).
fn editable(c: &Connection, v: &Viewer, id: &str) -> ApiResult<Option<Content>> {
    let Some(x) = store::get(c, v, id)? else {
        return Ok(None);
    };
    if !access::can_edit(c, v, &RESOURCE, id)? {
        return Err(ApiError::forbidden(
            "only the owner, members of its project or client, or an admin may change this content",
        ));
    }
    Ok(Some(x))
}

fn nonempty(s: String) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Edit a content: new text or title makes a version (origin `edit`, keeping what the previous
/// version drew on); a status change emits
/// `content.status_changed`; a new client/project is checked like any placement.
pub async fn update(db: &Db, v: Viewer, id: String, p: ContentPatch) -> ApiResult<Option<Content>> {
    if let Some(s) = &p.status
        && !STATUSES.contains(&s.as_str())
    {
        return Err(ApiError::unprocessable(format!(
            "unknown status {s:?}; use {}",
            STATUSES.join(", ")
        )));
    }
    if p.title
        .as_ref()
        .is_some_and(|t| t.trim().is_empty() || t.chars().count() > 300)
    {
        return Err(ApiError::unprocessable("title must be 1–300 characters"));
    }
    if p.draft_content
        .as_ref()
        .is_some_and(|d| d.chars().count() > 100_000)
    {
        return Err(ApiError::unprocessable(
            "draft_content is longer than 100000 characters",
        ));
    }
    db.write(move |tx| -> ApiResult<Option<Content>> {
        let Some(mut x) = editable(tx, &v, &id)? else {
            return Ok(None);
        };
        let before = x.clone();
        let (persona, task) =
            generate::check_refs(tx, &v, p.persona_id.clone(), p.task_id.clone())?;
        if p.persona_id.is_some() {
            x.persona_id = persona;
        }
        if p.task_id.is_some() {
            x.task_id = task;
        }
        if p.client_id.is_some() || p.project_id.is_some() {
            let (cid, pid) = match (&p.client_id, &p.project_id) {
                // Removing the project keeps the client; a new project brings its own.
                (None, Some(pr)) if pr.trim().is_empty() => (x.client_id.clone(), None),
                (c, Some(pr)) => (c.clone().and_then(nonempty), nonempty(pr.clone())),
                (Some(c), None) => {
                    let c = nonempty(c.clone());
                    let keep = if c == x.client_id {
                        x.project_id.clone()
                    } else {
                        None
                    };
                    (c, keep)
                }
                (None, None) => (None, None),
            };
            (x.client_id, x.project_id) =
                access::check_placement(tx, &v, cid.as_deref(), pid.as_deref())?
                    .map_err(ApiError::from)?;
        }
        if let Some(t) = &p.title {
            x.title = t.trim().to_string();
        }
        if let Some(d) = &p.draft_content {
            x.draft_content = platforms::normalize(&x.platform, d.trim());
            x.warnings = platforms::check(&x.platform, &x.draft_content);
        }
        if let Some(s) = &p.status {
            x.status = s.clone();
        }
        let now = crate::time::now_rfc3339();
        x.updated_at = now.clone();
        let text_changed = x.title != before.title || x.draft_content != before.draft_content;
        if text_changed {
            x.version = store::versions_count(tx, &x.id)? + 1;
            let nv = NewVersion {
                title: &x.title,
                draft: &x.draft_content,
                origin: "edit",
                instructions: None,
                warnings: &x.warnings,
            };
            store::insert_version(tx, &x.id, x.version, &nv, &v.user_id, &now)?;
            store::copy_provenance(tx, &x.id, before.version, x.version)?;
        }
        store::update(tx, &x)?;
        emit(tx, "content.updated", &v.user_id, &x, None)?;
        if x.status != before.status {
            emit(
                tx,
                "content.status_changed",
                &v.user_id,
                &x,
                Some(&before.status),
            )?;
        }
        Ok(Some(x))
    })
    .await
}

pub async fn delete(db: &Db, v: Viewer, id: String) -> ApiResult<bool> {
    db.write(move |tx| -> ApiResult<bool> {
        if editable(tx, &v, &id)?.is_none() {
            return Ok(false);
        }
        Ok(store::delete(tx, &id)?)
    })
    .await
}

/// The versions of a visible content, newest first (None: no such content).
pub async fn versions(
    db: &Db,
    v: Viewer,
    id: String,
    page: Page,
) -> ApiResult<Option<Paged<ContentVersion>>> {
    Ok(db
        .read(
            move |c| -> rusqlite::Result<Option<Paged<ContentVersion>>> {
                if store::get(c, &v, &id)?.is_none() {
                    return Ok(None);
                }
                let (items, total) = store::versions(c, &id, page)?;
                Ok(Some(Paged::new(items, total, page)))
            },
        )
        .await?)
}

/// Make version `n` current again, as a new version (origin `restore`) with what `n` drew on.
pub async fn restore(db: &Db, v: Viewer, id: String, n: i64) -> ApiResult<Option<Content>> {
    db.write(move |tx| -> ApiResult<Option<Content>> {
        let Some(mut x) = editable(tx, &v, &id)? else {
            return Ok(None);
        };
        let old = store::version(tx, &id, n)?.ok_or(ApiError::NotFound("version"))?;
        let now = crate::time::now_rfc3339();
        x.title = old.title;
        x.draft_content = old.draft_content;
        x.warnings = platforms::check(&x.platform, &x.draft_content);
        x.version = store::versions_count(tx, &id)? + 1;
        x.updated_at = now.clone();
        let instructions = format!("restored from version {n}");
        let nv = NewVersion {
            title: &x.title,
            draft: &x.draft_content,
            origin: "restore",
            instructions: Some(&instructions),
            warnings: &x.warnings,
        };
        store::insert_version(tx, &id, x.version, &nv, &v.user_id, &now)?;
        store::copy_provenance(tx, &id, n, x.version)?;
        store::update(tx, &x)?;
        emit(tx, "content.updated", &v.user_id, &x, None)?;
        Ok(Some(x))
    })
    .await
}

/// Rate a content anyone who sees it may rate (None: no such content).
pub async fn add_feedback(
    db: &Db,
    v: Viewer,
    id: String,
    score: i64,
    summary: Option<String>,
    tags: Vec<String>,
) -> ApiResult<Option<ContentFeedback>> {
    if !(1..=5).contains(&score) {
        return Err(ApiError::unprocessable("score must be 1–5"));
    }
    let summary = summary.and_then(nonempty);
    if summary.as_ref().is_some_and(|s| s.chars().count() > 2000) {
        return Err(ApiError::unprocessable(
            "summary is longer than 2000 characters",
        ));
    }
    let tags: Vec<String> = tags.into_iter().filter_map(nonempty).collect();
    if tags.len() > 20 || tags.iter().any(|t| t.chars().count() > 50) {
        return Err(ApiError::unprocessable(
            "at most 20 tags of at most 50 characters",
        ));
    }
    Ok(db
        .write(move |tx| -> rusqlite::Result<Option<ContentFeedback>> {
            if store::get(tx, &v, &id)?.is_none() {
                return Ok(None);
            }
            store::add_feedback(tx, &id, &v.user_id, score, summary.as_deref(), &tags).map(Some)
        })
        .await?)
}

/// Move a content to another status on behalf of `actor` (publishing and approvals do): one
/// `content.status_changed` event. Returns the previous status (None: no such content).
pub fn set_status(
    tx: &Connection,
    actor: &str,
    id: &str,
    status: &str,
) -> rusqlite::Result<Option<String>> {
    // The caller authorized the change (a queued post, a reviewer's token): read as the system.
    let system = Viewer {
        user_id: actor.to_string(),
        admin: true,
    };
    let Some(mut x) = store::get(tx, &system, id)? else {
        return Ok(None);
    };
    let before = x.status.clone();
    if before != status {
        x.status = status.to_string();
        x.updated_at = crate::time::now_rfc3339();
        store::update(tx, &x)?;
        emit(tx, "content.status_changed", actor, &x, Some(&before))?;
    }
    Ok(Some(before))
}
