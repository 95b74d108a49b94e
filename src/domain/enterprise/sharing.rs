//! Shares (a resource made visible to another client/project), associations (a resource moved
//! into a client+project) and the legacy subtask route. Resource kinds are the ones registered in
//! `app::registry().resources`; anything else is a 422 listing them.
use super::sharing_store as store;
use super::types::{AssociateInput, LegacySubtask, Share, ShareInput, ShareQuery};
use crate::access::{self, Resource, Resources, Viewer};
use crate::db::Db;
use crate::domain::tasks::{self, types::CreateTask, types::Task};
use crate::error::{ApiError, ApiResult};
use crate::page::{Page, Paged};
use rusqlite::Connection;
use serde_json::{Value, json};

/// The registered shareable kind named by a request.
fn kind(resources: &Resources, name: &str) -> ApiResult<Resource> {
    resources.shareable(name).copied().ok_or_else(|| {
        ApiError::unprocessable(format!(
            "resource_type must be one of {}",
            resources.shareable_kinds().join(", ")
        ))
    })
}

fn check_target(c: &Connection, v: &Viewer, target_type: &str, target_id: &str) -> ApiResult<()> {
    let ok = match target_type {
        "client" => access::in_client(c, v, target_id)?,
        "project" => access::in_project(c, v, target_id)?,
        _ => {
            return Err(ApiError::unprocessable(
                "target_type must be client or project",
            ));
        }
    };
    if ok {
        Ok(())
    } else {
        Err(ApiError::NotFound("target"))
    }
}

/// Share a visible resource with a client/project the viewer belongs to (idempotent).
pub async fn share(db: &Db, resources: &Resources, v: Viewer, i: ShareInput) -> ApiResult<Share> {
    let res = kind(resources, &i.resource_type)?;
    db.write(move |c| -> ApiResult<_> {
        check_target(c, &v, &i.target_type, &i.target_id)?;
        if !access::can_view(c, &v, &res, &i.resource_id)? {
            return Err(ApiError::NotFound("resource"));
        }
        let s = store::insert(
            c,
            &v.user_id,
            res.kind,
            &i.resource_id,
            &i.target_type,
            &i.target_id,
        )?;
        crate::events::emit(
            c,
            "resource.shared",
            Some(&v.user_id),
            json!({
                "resource_type": s.resource_type, "resource_id": s.resource_id,
                "target_type": s.target_type, "target_id": s.target_id,
            }),
        )?;
        Ok(s)
    })
    .await
}

/// Shares the viewer made, or that target one of their scopes (all for admins).
pub async fn list(db: &Db, v: Viewer, q: ShareQuery, page: Page) -> ApiResult<Paged<Share>> {
    let (items, total) = db.read(move |c| store::list(c, &v, &q, page)).await?;
    Ok(Paged::new(items, total, page))
}

/// Remove a share: who made it, whoever may edit the resource, or an admin.
pub async fn unshare(db: &Db, resources: &Resources, v: Viewer, id: String) -> ApiResult<()> {
    let resources: Vec<Resource> = resources
        .shareable_kinds()
        .into_iter()
        .filter_map(|k| resources.shareable(k).copied())
        .collect();
    db.write(move |c| -> ApiResult<_> {
        let s = store::get(c, &v, &id)?.ok_or(ApiError::NotFound("share"))?;
        let editor = match resources.iter().find(|r| r.kind == s.resource_type) {
            Some(res) => access::can_edit(c, &v, res, &s.resource_id)?,
            None => false,
        };
        if !v.admin && s.created_by.as_deref() != Some(&v.user_id) && !editor {
            return Err(ApiError::forbidden(
                "only who shared it, the owner or an admin may remove a share",
            ));
        }
        Ok(store::delete(c, &id)?)
    })
    .await
}

/// Move a resource into a client+project (or back to personal with both null): whoever may edit
/// it, into a scope they belong to. Tasks also move to the new board (with their subtasks).
pub async fn associate(
    db: &Db,
    resources: &Resources,
    v: Viewer,
    i: AssociateInput,
) -> ApiResult<Value> {
    let res = kind(resources, &i.resource_type)?;
    db.write(move |c| -> ApiResult<_> {
        if !access::can_view(c, &v, &res, &i.resource_id)? {
            return Err(ApiError::NotFound("resource"));
        }
        if !access::can_edit(c, &v, &res, &i.resource_id)? {
            return Err(ApiError::forbidden(
                "only the owner, a member of its project or an admin may move a resource",
            ));
        }
        let (client, project) =
            access::check_placement(c, &v, i.client_id.as_deref(), i.project_id.as_deref())?
                .map_err(ApiError::from)?;
        if res.kind == tasks::RESOURCE.kind {
            tasks::relocate_in(
                c,
                &v,
                &i.resource_id,
                client.as_deref(),
                project.as_deref(),
            )?;
        } else {
            store::set_scope(
                c,
                &res,
                &i.resource_id,
                client.as_deref(),
                project.as_deref(),
            )?;
        }
        let data = json!({
            "resource_type": res.kind, "resource_id": i.resource_id, "client_id": client, "project_id": project,
        });
        crate::events::emit(c, "resource.associated", Some(&v.user_id), data.clone())?;
        Ok(data)
    })
    .await
}

/// `POST /enterprise/projects/{id}/subtasks`: a task in the project named by the path. A project
/// the caller does not belong to is a 404, like any path resource they cannot see.
pub async fn legacy_subtask(
    db: &Db,
    v: Viewer,
    project_id: String,
    b: LegacySubtask,
) -> ApiResult<Task> {
    db.write(move |c| -> ApiResult<_> {
        if !access::in_project(c, &v, &project_id)? {
            return Err(ApiError::NotFound("project"));
        }
        let dto = CreateTask {
            title: b.title,
            description: b.description,
            project_id: Some(project_id),
            parent_task_id: b.parent_task_id,
            assignee_id: b.assignee_id,
            priority: b.priority,
            due_date: b.due_date,
            estimated_minutes: b.estimated_minutes,
            ..Default::default()
        };
        tasks::create_in(c, &v, dto)
    })
    .await
}
