//! Thin handlers of /tasks: extract, call one `domain::tasks` operation, respond.
use super::types::*;
use crate::access::Viewer;
use crate::domain::tasks::{self, activity, board, columns, edit, jobs, report};
use crate::error::{ApiResult, ErrorBody};
use crate::page::{Page, Paged};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};

#[utoipa::path(tag = "tasks", params(ColumnQuery, Page), responses((status = 200, body = Paged<Column>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/tasks/columns")]
pub async fn list_columns(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<ColumnQuery>,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<Column>>> {
    let q = q.into_inner();
    let b = columns::Board {
        project_id: q.project_id,
        scope_type: q.scope_type,
        scope_id: q.scope_id,
    };
    Ok(web::Json(
        columns::list(&state.db, viewer, b, page.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "tasks", request_body = CreateColumn, responses((status = 201, body = Column), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/tasks/columns")]
pub async fn create_column(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<CreateColumn>,
) -> ApiResult<HttpResponse> {
    let col = columns::create(&state.db, viewer, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(col))
}

#[utoipa::path(tag = "tasks", request_body = UpdateColumn, responses((status = 200, body = Column), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/tasks/columns/{id}")]
pub async fn update_column(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    body: web::Json<UpdateColumn>,
) -> ApiResult<web::Json<Column>> {
    Ok(web::Json(
        columns::update(&state.db, viewer, id.into_inner(), body.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "tasks", params(DeleteColumnQuery), responses((status = 204), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "not empty and no target")))]
#[delete("/tasks/columns/{id}")]
pub async fn delete_column(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    q: web::Query<DeleteColumnQuery>,
) -> ApiResult<HttpResponse> {
    let target = q.into_inner().target_column_id;
    columns::delete(&state.db, viewer, id.into_inner(), target).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "tasks", params(TaskQuery, Page), responses((status = 200, body = Paged<Task>), (status = 422, body = ErrorBody)))]
#[get("/tasks/")]
pub async fn list_tasks(
    req: HttpRequest,
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<TaskQuery>,
    page: web::Query<Page>,
) -> ApiResult<HttpResponse> {
    let listing = board::list(
        &state.db,
        state.bodies.clone(),
        viewer,
        q.into_inner(),
        page.into_inner(),
    )
    .await?;
    Ok(match listing {
        // A project board: sent gzipped as cached to clients that take gzip (browsers do).
        board::Listing::Board(body) => {
            let mut res = HttpResponse::Ok();
            res.content_type("application/json")
                .insert_header(("Vary", "Accept-Encoding"));
            if crate::web::accepts_gzip(&req) {
                res.insert_header(("Content-Encoding", "gzip"))
                    .body(body.gzip)
            } else {
                res.body(body.json)
            }
        }
        board::Listing::Page(page) => HttpResponse::Ok().json(page),
    })
}

#[utoipa::path(tag = "tasks", request_body = CreateTask, responses((status = 201, body = Task), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/tasks/")]
pub async fn create_task(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<CreateTask>,
) -> ApiResult<HttpResponse> {
    let t = tasks::create(&state.db, viewer, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(t))
}

#[utoipa::path(tag = "tasks", responses((status = 200, body = Task), (status = 404, body = ErrorBody)))]
#[get("/tasks/{id}")]
pub async fn get_task(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<web::Json<Task>> {
    Ok(web::Json(
        tasks::get(&state.db, viewer, id.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "tasks", request_body = UpdateTask, responses((status = 200, body = Task), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody, description = "shared read-only"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "the column is on another board"), (status = 422, body = ErrorBody)))]
#[put("/tasks/{id}")]
pub async fn update_task(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    body: web::Json<UpdateTask>,
) -> ApiResult<web::Json<Task>> {
    Ok(web::Json(
        edit::update(&state.db, viewer, id.into_inner(), body.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "tasks", responses((status = 204), (status = 403, body = ErrorBody, description = "shared read-only"), (status = 404, body = ErrorBody)))]
#[delete("/tasks/{id}")]
pub async fn delete_task(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    edit::delete(&state.db, viewer, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "tasks", request_body = MoveTask, responses((status = 200, body = Task), (status = 409, body = ErrorBody, description = "the column is on another board"), (status = 403, body = ErrorBody, description = "shared read-only"), (status = 404, body = ErrorBody)))]
#[put("/tasks/{id}/move")]
pub async fn move_task(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    body: web::Json<MoveTask>,
) -> ApiResult<web::Json<Task>> {
    Ok(web::Json(
        tasks::move_task(&state.db, viewer, id.into_inner(), body.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "tasks", responses((status = 200, body = TimerState)))]
#[get("/tasks/timer")]
pub async fn current_timer(
    state: web::Data<AppState>,
    viewer: Viewer,
) -> ApiResult<web::Json<TimerState>> {
    Ok(web::Json(activity::timer_state(&state.db, viewer).await?))
}

#[utoipa::path(tag = "tasks", request_body = TimerAction, responses((status = 200, body = TimerState), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/tasks/{id}/timer")]
pub async fn timer(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    body: web::Json<TimerAction>,
) -> ApiResult<web::Json<TimerState>> {
    let action = body.into_inner().action;
    Ok(web::Json(
        activity::timer(&state.db, viewer, id.into_inner(), action).await?,
    ))
}

#[utoipa::path(tag = "tasks", params(ReportQuery), responses((status = 200, body = ProductivityReport)))]
#[get("/tasks/productivity-report")]
pub async fn productivity_report(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<ReportQuery>,
) -> ApiResult<web::Json<ProductivityReport>> {
    Ok(web::Json(
        report::productivity(&state.db, viewer, q.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "tasks", responses((status = 200, body = Count)))]
#[post("/tasks/check-overdue")]
pub async fn check_overdue(
    state: web::Data<AppState>,
    viewer: Viewer,
) -> ApiResult<web::Json<Count>> {
    let count = jobs::check(&state.db, viewer).await?;
    Ok(web::Json(Count { count }))
}

#[utoipa::path(tag = "tasks", params(Page), responses((status = 200, body = Paged<Comment>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/tasks/{id}/comments")]
pub async fn list_comments(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<Comment>>> {
    Ok(web::Json(
        activity::comments(&state.db, viewer, id.into_inner(), page.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "tasks", request_body = CreateComment, responses((status = 201, body = Comment), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/tasks/{id}/comments")]
pub async fn add_comment(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    body: web::Json<CreateComment>,
) -> ApiResult<HttpResponse> {
    let content = body.into_inner().content;
    let cm = activity::comment(&state.db, viewer, id.into_inner(), content).await?;
    Ok(HttpResponse::Created().json(cm))
}

#[utoipa::path(tag = "tasks", responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/tasks/comments/{id}")]
pub async fn delete_comment(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    activity::delete_comment(&state.db, viewer, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
