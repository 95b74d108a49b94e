//! Collections: create, list, get, rename/describe, delete, and cross-reference (related
//! passages in the other collections). Changes follow the one access rule (`can_edit`).
use super::collections_store::{self as store, Collection};
use super::{COLLECTION, search, sources};
use crate::access::{self, Viewer};
use crate::error::{ApiError, ApiResult};
use crate::page::{Page, Paged};
use crate::state::AppState;

fn check_name(name: &str) -> ApiResult<()> {
    if name.trim().is_empty() || name.chars().count() > 200 {
        return Err(ApiError::unprocessable("name must be 1–200 characters"));
    }
    Ok(())
}

pub async fn create(
    state: &AppState,
    v: Viewer,
    name: String,
    description: String,
    client_id: Option<String>,
    project_id: Option<String>,
) -> ApiResult<Collection> {
    check_name(&name)?;
    state
        .db
        .write(move |tx| -> ApiResult<Option<Collection>> {
            let (client, project) =
                access::check_placement(tx, &v, client_id.as_deref(), project_id.as_deref())?
                    .map_err(ApiError::from)?;
            let id = store::insert(
                tx,
                &v.user_id,
                client.as_deref(),
                project.as_deref(),
                name.trim(),
                &description,
            )?;
            Ok(store::get(tx, &v, &id)?)
        })
        .await?
        .ok_or(ApiError::NotFound("collection"))
}

pub async fn list(state: &AppState, v: Viewer, page: Page) -> ApiResult<Paged<Collection>> {
    Ok(state.db.read(move |c| store::list(c, &v, page)).await?)
}

pub async fn get(state: &AppState, v: Viewer, id: String) -> ApiResult<Collection> {
    state
        .db
        .read(move |c| store::get(c, &v, &id))
        .await?
        .ok_or(ApiError::NotFound("collection"))
}

/// Inside a write: a visible collection the caller may change (404 unseen, 403 read-only).
fn writable(c: &rusqlite::Connection, v: &Viewer, id: &str) -> ApiResult<()> {
    store::get(c, v, id)?.ok_or(ApiError::NotFound("collection"))?;
    if !access::can_edit(c, v, &COLLECTION, id)? {
        return Err(ApiError::forbidden(
            "only the owner can change a collection",
        ));
    }
    Ok(())
}

pub async fn update(
    state: &AppState,
    v: Viewer,
    id: String,
    name: Option<String>,
    description: Option<String>,
) -> ApiResult<Collection> {
    if let Some(n) = &name {
        check_name(n)?;
    }
    state
        .db
        .write(move |tx| -> ApiResult<Option<Collection>> {
            writable(tx, &v, &id)?;
            store::update(
                tx,
                &id,
                name.as_deref().map(str::trim),
                description.as_deref(),
            )?;
            Ok(store::get(tx, &v, &id)?)
        })
        .await?
        .ok_or(ApiError::NotFound("collection"))
}

pub async fn delete(state: &AppState, v: Viewer, id: String) -> ApiResult<()> {
    state
        .db
        .write(move |tx| -> ApiResult<()> {
            writable(tx, &v, &id)?;
            store::delete(tx, &id)?;
            Ok(())
        })
        .await
}

/// Passages related to `query` in the other collections (all of them, or `others`).
pub async fn cross_reference(
    state: &AppState,
    v: Viewer,
    id: String,
    query: String,
    others: Vec<String>,
    limit: Option<usize>,
) -> ApiResult<Vec<search::Hit>> {
    if query.trim().is_empty() {
        return Err(ApiError::unprocessable("query is empty"));
    }
    get(state, v.clone(), id.clone()).await?;
    let q = search::Query {
        text: query,
        limit: limit.unwrap_or(10),
        filters: search::Filters {
            collection_ids: others.into_iter().filter(|c| *c != id).collect(),
            exclude_collection: Some(id),
            ..Default::default()
        },
        ..Default::default()
    };
    sources::search(state, v, q).await
}
