//! `GET /tasks/`: a page of tasks, and for a project board the serialized page cached per
//! (query, board version) in `AppState::bodies`. Everyone who may open a project's board sees the
//! same cards (access.rs: project members see every task with that project_id), so one cached
//! body serves all of them; triggers bump `board_versions` on any write to the board's tasks or
//! columns, which retires the entry. The body is kept gzipped as well (compressed once per board
//! version): JSON of cards compresses about tenfold on the wire to a browser.
use super::types::{Task, TaskQuery};
use super::{list_in, store};
use crate::access::{self, Viewer};
use crate::cache::{Body, VersionedBodies};
use crate::db::Db;
use crate::error::{ApiError, ApiResult};
use crate::page::{Page, Paged};
use std::sync::Arc;

/// A list answer: a project board's cached body, or a page built for this viewer.
pub enum Listing {
    Board(Body),
    Page(Paged<Task>),
}

fn key(q: &TaskQuery, page: Page) -> String {
    format!(
        "tasks\u{1}{:?}\u{1}{:?}\u{1}{:?}\u{1}{:?}\u{1}{:?}\u{1}{:?}\u{1}{:?}\u{1}{}\u{1}{}",
        q.project_id,
        q.client_id,
        q.assignee_id,
        q.column_id,
        q.priority,
        q.parent_task_id,
        q.include_subtasks,
        page.limit,
        page.offset
    )
}

pub async fn list(
    db: &Db,
    bodies: Arc<VersionedBodies>,
    v: Viewer,
    q: TaskQuery,
    page: Page,
) -> ApiResult<Listing> {
    db.read(move |c| -> ApiResult<_> {
        let Some(project) = q.project_id.as_deref() else {
            return Ok(Listing::Page(list_in(c, &v, &q, page)?));
        };
        if !access::in_project(c, &v, project)? {
            return Ok(Listing::Page(list_in(c, &v, &q, page)?));
        }
        // Read the version first: the list read after it is at least as new.
        let version = store::board_version(c, project)?;
        let k = key(&q, page);
        if let Some(body) = bodies.get(&k, version) {
            return Ok(Listing::Board(body));
        }
        let list = list_in(c, &v, &q, page)?;
        let json = serde_json::to_vec(&list).map_err(anyhow::Error::from)?;
        let body = Body::new(json).map_err(|e| ApiError::internal("compressing a board", e))?;
        bodies.put(k, version, body.clone());
        Ok(Listing::Board(body))
    })
    .await
}
