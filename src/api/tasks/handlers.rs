//! Thin handlers of /tasks.
use super::types::*;
use super::{activity, cache, columns, edit, overdue, report, store};
use crate::access::Viewer;
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};

#[utoipa::path(tag = "tasks", params(ColumnQuery), responses((status = 200, body = Vec<Column>), (status = 404, body = ErrorBody)))]
#[get("/tasks/columns")]
pub async fn list_columns(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<ColumnQuery>,
) -> ApiResult<web::Json<Vec<Column>>> {
    let v = Viewer::from(&user);
    let q = q.into_inner();
    let cols = state
        .db
        .run(move |c| -> ApiResult<_> {
            let (st, sid) = columns::resolve_scope(
                c,
                &v,
                q.project_id.as_deref(),
                q.scope_type.as_deref(),
                q.scope_id.as_deref(),
            )?;
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let cols = columns::list_or_seed(&tx, &st, &sid)?;
            tx.commit()?;
            Ok(cols)
        })
        .await?;
    Ok(web::Json(cols))
}

fn check_column_name(name: &str) -> ApiResult<()> {
    if name.trim().is_empty() || name.chars().count() > 100 {
        return Err(ApiError::unprocessable("name must be 1–100 characters"));
    }
    Ok(())
}

#[utoipa::path(tag = "tasks", request_body = CreateColumn, responses((status = 201, body = Column), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/tasks/columns")]
pub async fn create_column(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<CreateColumn>,
) -> ApiResult<HttpResponse> {
    let v = Viewer::from(&user);
    let b = body.into_inner();
    check_column_name(&b.name)?;
    let col = state
        .db
        .run(move |c| -> ApiResult<_> {
            let (st, sid) = columns::resolve_scope(
                c,
                &v,
                b.project_id.as_deref(),
                b.scope_type.as_deref(),
                b.scope_id.as_deref(),
            )?;
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            columns::list_or_seed(&tx, &st, &sid)?;
            let col = columns::insert(
                &tx,
                (&st, &sid),
                b.name.trim(),
                b.position,
                b.is_done,
                b.color.as_deref().unwrap_or(""),
                b.wip_limit,
            )?;
            tx.commit()?;
            Ok(col)
        })
        .await?;
    Ok(HttpResponse::Created().json(col))
}

#[utoipa::path(tag = "tasks", request_body = UpdateColumn, responses((status = 200, body = Column), (status = 404, body = ErrorBody)))]
#[put("/tasks/columns/{id}")]
pub async fn update_column(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<UpdateColumn>,
) -> ApiResult<web::Json<Column>> {
    let v = Viewer::from(&user);
    let b = body.into_inner();
    if let Some(n) = &b.name {
        check_column_name(n)?;
    }
    let col = state
        .db
        .run(move |c| -> ApiResult<_> {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let col = columns::get_visible(&tx, &v, &id)?;
            let col = columns::update(&tx, &col, &b)?;
            tx.commit()?;
            Ok(col)
        })
        .await?;
    Ok(web::Json(col))
}

#[utoipa::path(tag = "tasks", params(DeleteColumnQuery), responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "not empty and no target")))]
#[delete("/tasks/columns/{id}")]
pub async fn delete_column(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    q: web::Query<DeleteColumnQuery>,
) -> ApiResult<HttpResponse> {
    let v = Viewer::from(&user);
    let target = q.into_inner().target_column_id;
    state
        .db
        .run(move |c| -> ApiResult<_> {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let col = columns::get_visible(&tx, &v, &id)?;
            let target = target
                .map(|t| columns::get_visible(&tx, &v, &t))
                .transpose()?;
            columns::delete(&tx, &col, target.as_ref())?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    state.jobs.notify();
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "tasks", params(TaskQuery), responses((status = 200, body = Vec<Task>)))]
#[get("/tasks/")]
pub async fn list_tasks(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<TaskQuery>,
) -> ApiResult<HttpResponse> {
    let v = Viewer::from(&user);
    let q = q.into_inner();
    let board = state
        .db
        .run(move |c| -> ApiResult<_> {
            if let Some(cached) = cache::board_json(c, &v, &q)? {
                return Ok(Ok(cached));
            }
            let list = store::list(c, &v, &q)?;
            Ok(Err(actix_web::web::Bytes::from(
                serde_json::to_vec(&list).map_err(anyhow::Error::from)?,
            )))
        })
        .await?;
    let mut res = HttpResponse::Ok();
    res.content_type("application/json");
    Ok(match board {
        // A project board: sent gzipped as cached to clients that take gzip (browsers do).
        Ok(board) => {
            res.insert_header(("Vary", "Accept-Encoding"));
            if crate::web::accepts_gzip(&req) {
                res.insert_header(("Content-Encoding", "gzip"))
                    .body(board.gzip)
            } else {
                res.body(board.json)
            }
        }
        Err(json) => res.body(json),
    })
}

#[utoipa::path(tag = "tasks", request_body = CreateTask, responses((status = 201, body = Task), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/tasks/")]
pub async fn create_task(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<CreateTask>,
) -> ApiResult<HttpResponse> {
    let v = Viewer::from(&user);
    let t = state
        .db
        .run(move |c| store::create_task(c, &v, body.into_inner()))
        .await?;
    state.jobs.notify();
    Ok(HttpResponse::Created().json(t))
}

#[utoipa::path(tag = "tasks", responses((status = 200, body = Task), (status = 404, body = ErrorBody)))]
#[get("/tasks/{id}")]
pub async fn get_task(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<Task>> {
    let v = Viewer::from(&user);
    state
        .db
        .run(move |c| store::get(c, &v, &id))
        .await?
        .map(web::Json)
        .ok_or(ApiError::NotFound("task"))
}

#[utoipa::path(tag = "tasks", request_body = UpdateTask, responses((status = 200, body = Task), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/tasks/{id}")]
pub async fn update_task(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<UpdateTask>,
) -> ApiResult<web::Json<Task>> {
    let v = Viewer::from(&user);
    let t = state
        .db
        .run(move |c| edit::update_task(c, &v, &id, body.into_inner()))
        .await?;
    state.jobs.notify();
    Ok(web::Json(t))
}

#[utoipa::path(tag = "tasks", responses((status = 204), (status = 404, body = ErrorBody)))]
#[delete("/tasks/{id}")]
pub async fn delete_task(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let v = Viewer::from(&user);
    state.db.run(move |c| edit::delete_task(c, &v, &id)).await?;
    state.jobs.notify();
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "tasks", request_body = MoveTask, responses((status = 200, body = Task), (status = 400, body = ErrorBody, description = "column of another board"), (status = 404, body = ErrorBody)))]
#[put("/tasks/{id}/move")]
pub async fn move_task(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<MoveTask>,
) -> ApiResult<web::Json<Task>> {
    let v = Viewer::from(&user);
    let t = state
        .db
        .run(move |c| store::move_task(c, &v, &id, body.into_inner()))
        .await?;
    state.jobs.notify();
    Ok(web::Json(t))
}

#[utoipa::path(tag = "tasks", responses((status = 200, body = TimerState)))]
#[get("/tasks/timer")]
pub async fn current_timer(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<web::Json<TimerState>> {
    let uid = user.id.clone();
    Ok(web::Json(
        state
            .db
            .run(move |c| activity::timer_state(c, &uid))
            .await?,
    ))
}

#[utoipa::path(tag = "tasks", request_body = TimerAction, responses((status = 200, body = TimerState), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[put("/tasks/{id}/timer")]
pub async fn timer(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<TimerAction>,
) -> ApiResult<web::Json<TimerState>> {
    let v = Viewer::from(&user);
    let s = state
        .db
        .run(move |c| activity::timer(c, &v, &id, body.action.trim()))
        .await?;
    state.jobs.notify();
    Ok(web::Json(s))
}

#[utoipa::path(tag = "tasks", params(ReportQuery), responses((status = 200, body = ProductivityReport)))]
#[get("/tasks/productivity-report")]
pub async fn productivity_report(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<ReportQuery>,
) -> ApiResult<web::Json<ProductivityReport>> {
    let v = Viewer::from(&user);
    let q = q.into_inner();
    Ok(web::Json(
        state
            .db
            .run(move |c| report::productivity(c, &v, &q))
            .await?,
    ))
}

#[utoipa::path(tag = "tasks", responses((status = 200, body = Count)))]
#[post("/tasks/check-overdue")]
pub async fn check_overdue(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<web::Json<Count>> {
    let v = Viewer::from(&user);
    let count = state.db.run(move |c| overdue::check(c, Some(&v))).await?;
    state.jobs.notify();
    Ok(web::Json(Count { count }))
}

#[utoipa::path(tag = "tasks", responses((status = 200, body = Vec<Comment>), (status = 404, body = ErrorBody)))]
#[get("/tasks/{id}/comments")]
pub async fn list_comments(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<Vec<Comment>>> {
    let v = Viewer::from(&user);
    let list = state
        .db
        .run(move |c| -> ApiResult<_> {
            store::get(c, &v, &id)?.ok_or(ApiError::NotFound("task"))?;
            Ok(activity::comments(c, &id)?)
        })
        .await?;
    Ok(web::Json(list))
}

#[utoipa::path(tag = "tasks", request_body = CreateComment, responses((status = 201, body = Comment), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/tasks/{id}/comments")]
pub async fn add_comment(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<CreateComment>,
) -> ApiResult<HttpResponse> {
    let v = Viewer::from(&user);
    let cm = state
        .db
        .run(move |c| activity::add_comment(c, &v, &id, &body.content))
        .await?;
    state.jobs.notify();
    Ok(HttpResponse::Created().json(cm))
}

#[utoipa::path(tag = "tasks", responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/tasks/comments/{id}")]
pub async fn delete_comment(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let v = Viewer::from(&user);
    state
        .db
        .run(move |c| activity::delete_comment(c, &v, &id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
