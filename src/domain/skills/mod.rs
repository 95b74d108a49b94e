//! Skills: instruction blocks the caller switches on and off; the active ones are combined into
//! one prompt every generation follows. Twelve built-ins are seeded on a workspace's first list.
pub mod seed;
pub mod store;
pub mod types;

use crate::access::{self, Resource, Viewer};
use crate::db::Db;
use crate::domain::learnings::{model, text};
use crate::error::{ApiError, ApiResult};
use crate::page::{Page, Paged};
use crate::state::AppState;
use types::*;

/// Skills as a shareable resource (registered in `app.rs`).
pub const RESOURCE: Resource = Resource::shareable("skill", "skills");

fn check_type(t: Option<&str>) -> ApiResult<String> {
    let t = t.unwrap_or("writing");
    if !SKILL_TYPES.contains(&t) {
        return Err(ApiError::unprocessable(format!(
            "skill_type must be one of {}",
            SKILL_TYPES.join(", ")
        )));
    }
    Ok(t.to_string())
}

fn validate(s: &mut SkillInput) -> ApiResult<String> {
    s.name = s.name.trim().to_string();
    s.instructions = s.instructions.trim().to_string();
    if s.name.is_empty() || s.name.chars().count() > 120 {
        return Err(ApiError::unprocessable("name must be 1–120 characters"));
    }
    if s.instructions.is_empty() || s.instructions.chars().count() > 20_000 {
        return Err(ApiError::unprocessable(
            "instructions must be 1–20000 characters",
        ));
    }
    if s.description.chars().count() > 1000 {
        return Err(ApiError::unprocessable(
            "description is longer than 1000 characters",
        ));
    }
    check_type(s.skill_type.as_deref())
}

/// Seed the built-ins once for this owner (a no-op afterwards, even if they were deleted).
pub fn ensure_seeded(tx: &rusqlite::Connection, owner: &str) -> rusqlite::Result<()> {
    if store::seeded(tx, owner, "skills")? {
        return Ok(());
    }
    for (s, t) in seed::all() {
        store::insert(tx, owner, &s, &t, true)?;
    }
    store::mark_seeded(tx, owner, "skills")
}

pub async fn list(
    db: &Db,
    v: Viewer,
    skill_type: Option<String>,
    page: Page,
) -> ApiResult<Paged<Skill>> {
    if let Some(t) = &skill_type {
        check_type(Some(t))?;
    }
    let owner = v.user_id.clone();
    if !db.read(move |c| store::seeded(c, &owner, "skills")).await? {
        let owner = v.user_id.clone();
        db.write(move |tx| ensure_seeded(tx, &owner)).await?;
    }
    let (items, total) = db
        .read(move |c| store::list(c, &v, skill_type.as_deref(), page))
        .await?;
    Ok(Paged::new(items, total, page))
}

pub async fn get(db: &Db, v: Viewer, id: String) -> ApiResult<Option<Skill>> {
    Ok(db.read(move |c| store::get(c, &v, &id)).await?)
}

fn check_folder(c: &rusqlite::Connection, v: &Viewer, folder: Option<&str>) -> ApiResult<()> {
    if let Some(f) = folder
        && store::folder(c, &v.user_id, f)?.is_none()
    {
        return Err(ApiError::missing("folder not found"));
    }
    Ok(())
}

pub async fn create(db: &Db, v: Viewer, mut s: SkillInput) -> ApiResult<Skill> {
    let t = validate(&mut s)?;
    db.write(move |tx| -> ApiResult<Skill> {
        (s.client_id, s.project_id) =
            access::check_placement(tx, &v, s.client_id.as_deref(), s.project_id.as_deref())?
                .map_err(ApiError::from)?;
        check_folder(tx, &v, s.folder_id.as_deref())?;
        let id = store::insert(tx, &v.user_id, &s, &t, false)?;
        store::get(tx, &v, &id)?.ok_or(ApiError::NotFound("skill"))
    })
    .await
}

/// Run `f` on a skill the caller may change (404 when invisible, 403 when read-only).
async fn edit<T: Send + 'static>(
    db: &Db,
    v: Viewer,
    id: String,
    f: impl FnOnce(&rusqlite::Connection, &Viewer, &Skill) -> ApiResult<T> + Send + 'static,
) -> ApiResult<Option<T>> {
    db.write(move |tx| -> ApiResult<Option<T>> {
        let Some(s) = store::get(tx, &v, &id)? else {
            return Ok(None);
        };
        if !access::can_edit(tx, &v, &RESOURCE, &id)? {
            return Err(ApiError::forbidden(
                "only the owner or an admin may change this skill",
            ));
        }
        f(tx, &v, &s).map(Some)
    })
    .await
}

pub async fn update(db: &Db, v: Viewer, id: String, mut s: SkillInput) -> ApiResult<Option<Skill>> {
    let t = validate(&mut s)?;
    edit(db, v, id, move |tx, v, old| {
        store::update(tx, &old.id, &s, &t)?;
        store::get(tx, v, &old.id)?.ok_or(ApiError::NotFound("skill"))
    })
    .await
}

pub async fn delete(db: &Db, v: Viewer, id: String) -> ApiResult<Option<()>> {
    edit(db, v, id, |tx, _, s| {
        Ok(store::delete(tx, &s.id).map(|_| ())?)
    })
    .await
}

/// Set `active`, or flip it when not given.
pub async fn toggle(
    db: &Db,
    v: Viewer,
    id: String,
    active: Option<bool>,
) -> ApiResult<Option<Skill>> {
    edit(db, v, id, move |tx, v, s| {
        store::set_active(tx, &s.id, active.unwrap_or(!s.active))?;
        store::get(tx, v, &s.id)?.ok_or(ApiError::NotFound("skill"))
    })
    .await
}

pub async fn move_to(
    db: &Db,
    v: Viewer,
    id: String,
    folder: Option<String>,
) -> ApiResult<Option<Skill>> {
    edit(db, v, id, move |tx, v, s| {
        check_folder(tx, v, folder.as_deref())?;
        store::set_folder(tx, &s.id, folder.as_deref())?;
        store::get(tx, v, &s.id)?.ok_or(ApiError::NotFound("skill"))
    })
    .await
}

pub async fn folders(db: &Db, v: Viewer, page: Page) -> ApiResult<Paged<Folder>> {
    Ok(page.slice(db.read(move |c| store::folders(c, &v.user_id)).await?))
}

fn check_folder_input(f: &mut FolderInput) -> ApiResult<()> {
    f.name = f.name.trim().to_string();
    if f.name.is_empty() || f.name.chars().count() > 120 {
        return Err(ApiError::unprocessable("name must be 1–120 characters"));
    }
    Ok(())
}

pub async fn create_folder(db: &Db, v: Viewer, mut f: FolderInput) -> ApiResult<Folder> {
    check_folder_input(&mut f)?;
    db.write(move |tx| -> ApiResult<Folder> {
        check_folder(tx, &v, f.parent_id.as_deref())?;
        let id = store::insert_folder(tx, &v.user_id, &f)?;
        store::folder(tx, &v.user_id, &id)?.ok_or(ApiError::NotFound("folder"))
    })
    .await
}

pub async fn update_folder(
    db: &Db,
    v: Viewer,
    id: String,
    mut f: FolderInput,
) -> ApiResult<Option<Folder>> {
    check_folder_input(&mut f)?;
    db.write(move |tx| -> ApiResult<Option<Folder>> {
        let all = store::folders(tx, &v.user_id)?;
        if !all.iter().any(|x| x.id == id) {
            return Ok(None);
        }
        // A folder cannot move under itself or one of its descendants.
        let mut up = f.parent_id.clone();
        while let Some(p) = up {
            if p == id {
                return Err(ApiError::unprocessable("a folder cannot be inside itself"));
            }
            up = all
                .iter()
                .find(|x| x.id == p)
                .ok_or_else(|| ApiError::missing("folder not found"))?
                .parent_id
                .clone();
        }
        store::update_folder(tx, &id, &f)?;
        Ok(store::folder(tx, &v.user_id, &id)?)
    })
    .await
}

pub async fn delete_folder(db: &Db, v: Viewer, id: String) -> ApiResult<Option<()>> {
    db.write(move |tx| -> ApiResult<Option<()>> {
        let Some(f) = store::folder(tx, &v.user_id, &id)? else {
            return Ok(None);
        };
        store::delete_folder(tx, &id, f.parent_id.as_deref())?;
        Ok(Some(()))
    })
    .await
}

/// The caller's active skills combined into one prompt (stable order: by name).
pub fn active_instructions_in(
    c: &rusqlite::Connection,
    owner: &str,
) -> rusqlite::Result<ActiveInstructions> {
    let skills = store::active(c, owner)?;
    Ok(ActiveInstructions {
        instructions: skills
            .iter()
            .map(|s| format!("## {}\n{}", s.name, s.instructions.trim()))
            .collect::<Vec<_>>()
            .join("\n\n"),
        skill_ids: skills.into_iter().map(|s| s.id).collect(),
    })
}

pub async fn active_instructions(db: &Db, v: Viewer) -> ApiResult<ActiveInstructions> {
    Ok(db
        .read(move |c| active_instructions_in(c, &v.user_id))
        .await?)
}

const SKILL_SCHEMA: model::Schema = &[
    ("name", model::Field::Str),
    ("description", model::Field::Str),
    ("skill_type", model::Field::Str),
    ("instructions", model::Field::Str),
];

/// A skill built offline from the description with the template in `assets/prompts/`.
pub fn draft(description: &str) -> SkillInput {
    let lower = description.to_lowercase();
    let skill_type = [
        ("seo", &["seo", "search", "keyword", "rank"][..]),
        (
            "platform",
            &[
                "linkedin",
                "twitter",
                " x ",
                "thread",
                "instagram",
                "tiktok",
                "newsletter",
                "youtube",
            ],
        ),
        (
            "editing",
            &["edit", "proofread", "grammar", "typo", "clarity"],
        ),
        (
            "formatting",
            &["format", "structure", "bullet", "layout", "carousel"],
        ),
        (
            "strategy",
            &["strategy", "plan", "audience", "funnel", "repurpos"],
        ),
    ]
    .iter()
    .find(|(_, cues)| cues.iter().any(|c| format!(" {lower} ").contains(c)))
    .map_or("writing", |(t, _)| t);
    let focus: Vec<(String, usize)> = text::top(&text::keywords(description), 4, 1);
    let focus: Vec<String> = focus.into_iter().map(|(k, _)| k).collect();
    let title: String = description
        .split_whitespace()
        .take(6)
        .collect::<Vec<_>>()
        .join(" ");
    // At most 120 characters (one long "word" is a whole description), never empty.
    let title: String = title.chars().take(120).collect();
    let name = title
        .trim_end_matches(['.', ',', ':', ';'])
        .trim()
        .to_string();
    let name = name
        .chars()
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + &name[c.len_utf8()..])
        .filter(|n| n.chars().count() <= 120)
        .unwrap_or_else(|| "New skill".to_string());
    let instructions = crate::ai::prompts::get("skill_template.md")
        .replace("{name}", &name)
        .replace("{description}", description.trim())
        .replace("{focus}", &focus.join(", "))
        .replace("{skill_type}", skill_type);
    SkillInput {
        name,
        // A skill's description holds 1,000 characters; the request's may be twice that.
        description: description.trim().chars().take(1000).collect(),
        skill_type: Some(skill_type.to_string()),
        instructions: instructions.trim().to_string(),
        ..Default::default()
    }
}

/// Write a skill from a description: the model when one is configured, else the template.
pub async fn generate(state: &AppState, v: Viewer, description: String) -> ApiResult<Skill> {
    let description = description.trim().to_string();
    if description.chars().count() < 10 || description.chars().count() > 2000 {
        return Err(ApiError::unprocessable(
            "description must be 10–2000 characters",
        ));
    }
    let st = state.clone();
    let uid = v.user_id.clone();
    let input = tokio::task::spawn_blocking(move || -> ApiResult<SkillInput> {
        let choice = model::ModelChoice::default();
        if !model::uses_model(&st, &choice)?.map_err(ApiError::from)? {
            return Ok(draft(&description));
        }
        let out = model::generate_json(
            &st,
            &uid,
            "skills.generate",
            &choice,
            &format!("You write reusable instruction blocks ('skills') for an AI content writer. skill_type is one of {}.", SKILL_TYPES.join(", ")),
            &format!("Write a skill for: {description}\nThe instructions must be several concrete sentences the writer can follow."),
            SKILL_SCHEMA,
        )
        .map_err(ApiError::BadGateway)?;
        let s = |k: &str| out[k].as_str().unwrap_or_default().trim().to_string();
        let t = s("skill_type");
        Ok(SkillInput {
            name: s("name").chars().take(120).collect(),
            description: s("description").chars().take(1000).collect(),
            skill_type: Some(if SKILL_TYPES.contains(&t.as_str()) { t } else { "writing".into() }),
            instructions: s("instructions"),
            ..Default::default()
        })
    })
    .await
    .map_err(|e| ApiError::internal("generating a skill", e))??;
    create(&state.db, v, input).await
}
