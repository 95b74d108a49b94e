//! The catalog of every domain event the app emits: what webhooks subscribe to and what
//! automations trigger on. One list, so the two catalogs cannot disagree.
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use super::catalog_examples::{
    approval_example, content_example, publishing_example, task_example, task_fields,
};

/// One event type, self-described.
#[derive(Serialize, ToSchema, Clone)]
pub struct EventDef {
    /// e.g. `task.moved`.
    pub name: &'static str,
    pub description: &'static str,
    /// Payload fields conditions and templates can use (dotted paths).
    pub fields: Vec<&'static str>,
    /// A representative `data` payload.
    #[schema(value_type = Object)]
    pub example: Value,
    /// Only admins' automations may trigger on it (it concerns every user or the deployment).
    pub admin_only: bool,
}

fn def(
    name: &'static str,
    description: &'static str,
    extra_fields: &[&'static str],
    example: Value,
    admin_only: bool,
) -> EventDef {
    let mut fields: Vec<&'static str> = if name.starts_with("task.")
        || name.starts_with("comment.")
        || name.starts_with("timer.")
    {
        task_fields()
    } else {
        Vec::new()
    };
    fields.extend_from_slice(extra_fields);
    EventDef {
        name,
        description,
        fields,
        example,
        admin_only,
    }
}

/// Every event type, in a stable order.
pub fn events() -> Vec<EventDef> {
    let t = || task_example(json!({}));
    let col2 = "0193a3c1-0000-7000-8000-000000000002";
    vec![
        def("task.created", "A task was created.", &[], t(), false),
        def(
            "task.updated",
            "A task's fields changed.",
            &["changes"],
            task_example(json!({ "changes": ["title", "priority"] })),
            false,
        ),
        def(
            "task.moved",
            "A task moved to another board column.",
            &["from_column_id", "to_column_id"],
            task_example(
                json!({ "from_column_id": "0193a3c1-0000-7000-8000-000000000001", "to_column_id": col2 }),
            ),
            false,
        ),
        def("task.completed", "A task was marked done.", &[], t(), false),
        def("task.deleted", "A task was deleted.", &[], t(), false),
        def(
            "task.assigned",
            "A task was assigned to a user.",
            &[],
            t(),
            false,
        ),
        def(
            "task.overdue",
            "A task passed its due date without being done.",
            &[],
            t(),
            false,
        ),
        def(
            "comment.created",
            "Someone commented on a task.",
            &["comment_id", "content", "author_id"],
            task_example(
                json!({ "comment_id": "0193a3c1-0000-7000-8000-0000000000c1", "content": "Looks good, ship it", "author_id": "0193a3c1-0000-7000-8000-0000000000b1" }),
            ),
            false,
        ),
        def(
            "timer.started",
            "A time-tracking timer started on a task.",
            &["user_id"],
            task_example(json!({ "user_id": "0193a3c1-0000-7000-8000-0000000000b1" })),
            false,
        ),
        def(
            "timer.stopped",
            "A running timer stopped.",
            &["user_id", "minutes"],
            task_example(
                json!({ "user_id": "0193a3c1-0000-7000-8000-0000000000b1", "minutes": 30 }),
            ),
            false,
        ),
        def(
            "learning.created",
            "A learning (writing style, preferences, design system, product knowledge) was generated.",
            &["learning_id", "type", "title", "client_id"],
            json!({ "learning_id": "0193a3c1-0000-7000-8000-0000000000d1", "type": "writing_style", "title": "Writing style", "client_id": null }),
            false,
        ),
        def(
            "learning.merged",
            "Several learnings were consolidated into one merged_<type> learning.",
            &["learning_id", "type", "merged_ids", "title"],
            json!({ "learning_id": "0193a3c1-0000-7000-8000-0000000000d3", "type": "merged_writing_style", "merged_ids": ["0193a3c1-0000-7000-8000-0000000000d1", "0193a3c1-0000-7000-8000-0000000000d2"], "title": "Merged writing style" }),
            false,
        ),
        def(
            "content.created",
            "A content was generated and saved in the content studio.",
            &[
                "content_id",
                "title",
                "platform",
                "status",
                "client_id",
                "project_id",
            ],
            content_example(None),
            false,
        ),
        def(
            "content.updated",
            "A content was edited, refined or restored (a new version), or its fields changed.",
            &[
                "content_id",
                "title",
                "platform",
                "status",
                "client_id",
                "project_id",
            ],
            content_example(None),
            false,
        ),
        def(
            "content.status_changed",
            "A content moved to another status (draft, in_review, approved, scheduled, published, rejected, archived).",
            &[
                "content_id",
                "title",
                "platform",
                "status",
                "previous_status",
                "client_id",
                "project_id",
            ],
            content_example(Some("draft")),
            false,
        ),
        def(
            "persona.created",
            "A persona was created or generated.",
            &["persona_id", "name"],
            json!({ "persona_id": "0193a3c1-0000-7000-8000-0000000000e1", "name": "Startup founder" }),
            false,
        ),
        def(
            "plan.created",
            "An editorial plan was created (by hand or by the autonomous planner).",
            &[
                "plan_id",
                "title",
                "start_date",
                "end_date",
                "platforms",
                "client_id",
                "project_id",
            ],
            json!({ "plan_id": "0193a3c1-0000-7000-8000-0000000000f1", "title": "December launch", "start_date": "2026-12-01", "end_date": "2026-12-31", "platforms": ["linkedin", "x"], "client_id": null, "project_id": null }),
            false,
        ),
        def(
            "plan.item_created",
            "An item was added to an editorial plan (by hand or generated).",
            &[
                "item_id",
                "plan_id",
                "date",
                "platform",
                "title",
                "client_id",
                "project_id",
            ],
            json!({ "item_id": "0193a3c1-0000-7000-8000-0000000000f2", "plan_id": "0193a3c1-0000-7000-8000-0000000000f1", "date": "2026-12-02", "platform": "linkedin", "title": "Behind the number: 6 hours a week", "client_id": null, "project_id": null }),
            false,
        ),
        def(
            "publishing.published",
            "A post went out on LinkedIn, Facebook or Instagram (now or at its scheduled time).",
            &[
                "post_id",
                "content_id",
                "title",
                "account_id",
                "account_name",
                "platform",
                "url",
                "external_id",
                "scheduled_at",
                "attempts",
            ],
            publishing_example("published"),
            false,
        ),
        def(
            "publishing.failed",
            "A post could not be published (token expired, version retired, duplicate, given up after retries), or it was sent but could not be confirmed (status unknown).",
            &[
                "post_id",
                "content_id",
                "title",
                "account_id",
                "platform",
                "status",
                "error",
                "attempts",
            ],
            publishing_example("failed"),
            false,
        ),
        def(
            "publishing.missed",
            "A scheduled post was due while the server was down, longer ago than the grace period; it was not sent.",
            &[
                "post_id",
                "content_id",
                "title",
                "account_id",
                "platform",
                "scheduled_at",
                "error",
            ],
            publishing_example("missed"),
            false,
        ),
        def(
            "publishing.account_connected",
            "A LinkedIn, Facebook Page or Instagram account was connected (or reconnected).",
            &["account_id", "platform", "name"],
            json!({ "account_id": "0193a3c1-0000-7000-8000-000000000a01", "platform": "linkedin", "name": "Ada Lovelace", "owner_id": "0193a3c1-0000-7000-8000-0000000000b1" }),
            false,
        ),
        def(
            "approval.requested",
            "An approval link was created for a content.",
            &[
                "approval_id",
                "content_id",
                "title",
                "reviewer_name",
                "reviewer_email",
                "expires_at",
            ],
            json!({ "approval_id": "0193a3c1-0000-7000-8000-000000000a11", "content_id": "0193a3c1-0000-7000-8000-0000000000c9", "title": "Launch post", "reviewer_name": "Client", "reviewer_email": "client@example.com", "expires_at": "2026-12-08T09:00:00.000Z", "owner_id": "0193a3c1-0000-7000-8000-0000000000b1" }),
            false,
        ),
        def(
            "approval.approved",
            "A reviewer approved a content through its approval link.",
            &[
                "approval_id",
                "content_id",
                "title",
                "comment",
                "reviewer_name",
                "released_posts",
            ],
            approval_example("approve"),
            false,
        ),
        def(
            "approval.rejected",
            "A reviewer asked for changes through an approval link (the content is back to draft).",
            &[
                "approval_id",
                "content_id",
                "title",
                "comment",
                "reviewer_name",
            ],
            approval_example("reject"),
            false,
        ),
        def(
            "user.created",
            "A user account was created.",
            &["user_id", "email", "role"],
            json!({ "user_id": "0193a3c1-0000-7000-8000-0000000000b3", "email": "new@example.com", "role": "member" }),
            true,
        ),
        def(
            "user.password_changed",
            "A user's password changed (their sessions ended).",
            &["user_id"],
            json!({ "user_id": "0193a3c1-0000-7000-8000-0000000000b1" }),
            true,
        ),
        def(
            "user.mfa_enabled",
            "A user turned on two-factor authentication.",
            &["user_id"],
            json!({ "user_id": "0193a3c1-0000-7000-8000-0000000000b1" }),
            true,
        ),
        def(
            "user.identity_linked",
            "A user linked an outside sign-in (Supabase) to their account.",
            &["user_id", "provider"],
            json!({ "user_id": "0193a3c1-0000-7000-8000-0000000000b1", "provider": "supabase" }),
            true,
        ),
        def(
            "user.mfa_disabled",
            "A user turned off two-factor authentication.",
            &["user_id"],
            json!({ "user_id": "0193a3c1-0000-7000-8000-0000000000b1" }),
            true,
        ),
        def(
            "multimodal.plan_started",
            "A production plan's assets were queued for a content.",
            &["run_id", "content_id", "assets"],
            json!({ "run_id": "0193a3c1-0000-7000-8000-0000000000e1", "content_id": "0193a3c1-0000-7000-8000-0000000000c9", "assets": 5 }),
            false,
        ),
        def(
            "multimodal.plan_executed",
            "Every asset of a production plan finished (completed or failed).",
            &["run_id", "content_id", "completed", "failed"],
            json!({ "run_id": "0193a3c1-0000-7000-8000-0000000000e1", "content_id": "0193a3c1-0000-7000-8000-0000000000c9", "completed": 4, "failed": 1 }),
            false,
        ),
        def(
            "multimodal.asset_completed",
            "An image or video asset (or a new version of one) was produced.",
            &["asset_id", "version", "mime", "size", "width", "height"],
            json!({ "asset_id": "0193a3c1-0000-7000-8000-0000000000e2", "version": 1, "mime": "image/png", "size": 48213, "width": 1080, "height": 1350 }),
            false,
        ),
        def(
            "multimodal.asset_failed",
            "An asset's generation failed (the provider's message, or a content-policy refusal).",
            &["asset_id", "error"],
            json!({ "asset_id": "0193a3c1-0000-7000-8000-0000000000e2", "error": "Images (openai_images): refused by the content policy: …" }),
            false,
        ),
        def(
            "multimodal.asset_deleted",
            "An asset and its versions were deleted.",
            &["asset_id", "content_id"],
            json!({ "asset_id": "0193a3c1-0000-7000-8000-0000000000e2", "content_id": "0193a3c1-0000-7000-8000-0000000000c9" }),
            false,
        ),
        def(
            "multimodal.provider_saved",
            "An admin created or changed an image/video provider.",
            &["id", "name", "type"],
            json!({ "id": "0193a3c1-0000-7000-8000-0000000000e3", "name": "OpenAI Images", "type": "openai_images" }),
            true,
        ),
        def(
            "settings.updated",
            "An admin changed deployment settings.",
            &["keys"],
            json!({ "keys": ["frontend_url"] }),
            true,
        ),
    ]
}

pub fn find(name: &str) -> Option<EventDef> {
    events().into_iter().find(|e| e.name == name)
}
