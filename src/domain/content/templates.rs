//! Content templates: the built-ins embedded from `assets/templates/` (one JSON file each, its
//! file name is its id) and each user's custom ones. A generation with a template puts its
//! sections into the prompt, and the offline composer writes one part per section.
use super::templates_store as store;
use super::{platforms, types::*};
use crate::access::Viewer;
use crate::db::Db;
use crate::error::{ApiError, ApiResult};
use serde::Deserialize;

#[derive(rust_embed::RustEmbed)]
#[folder = "assets/templates/"]
struct Builtins;

#[derive(Deserialize)]
struct File {
    name: String,
    description: String,
    platform: Option<String>,
    structure: TemplateStructure,
}

/// Every built-in template, in file-name order.
pub fn builtins() -> Vec<ContentTemplate> {
    let mut names: Vec<_> = Builtins::iter().filter(|n| n.ends_with(".json")).collect();
    names.sort();
    names
        .iter()
        .filter_map(|n| Builtins::get(n))
        .filter_map(|f| serde_json::from_slice::<File>(&f.data).ok())
        .map(|f| ContentTemplate {
            id: f.name.clone(),
            name: f.name,
            description: f.description,
            platform: f.platform,
            builtin: true,
            structure: f.structure,
            created_at: None,
        })
        .collect()
}

/// A built-in by id, or one of the caller's own templates.
pub fn find(
    c: &rusqlite::Connection,
    v: &Viewer,
    id: &str,
) -> rusqlite::Result<Option<ContentTemplate>> {
    if let Some(b) = builtins().into_iter().find(|t| t.id == id) {
        return Ok(Some(b));
    }
    store::get(c, &v.user_id, id)
}

pub async fn list(db: &Db, v: Viewer) -> ApiResult<Vec<ContentTemplate>> {
    let mine = db.read(move |c| store::list(c, &v.user_id)).await?;
    Ok(builtins().into_iter().chain(mine).collect())
}

/// What a custom template is made of (checked before it is saved).
pub struct NewTemplate {
    pub name: String,
    pub description: Option<String>,
    pub platform: Option<String>,
    pub structure: TemplateStructure,
}

fn clean(t: NewTemplate) -> ApiResult<ContentTemplate> {
    let name = t.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::unprocessable("name must be 1–100 characters"));
    }
    let description = t.description.unwrap_or_default().trim().to_string();
    if description.chars().count() > 1000 {
        return Err(ApiError::unprocessable(
            "description is longer than 1000 characters",
        ));
    }
    let platform = match t.platform.filter(|p| !p.trim().is_empty()) {
        Some(p) => Some(
            platforms::find(&p)
                .ok_or_else(|| ApiError::unprocessable(platforms::unknown(&p)))?
                .name
                .to_string(),
        ),
        None => None,
    };
    let sections: Vec<TemplateSection> = t
        .structure
        .sections
        .into_iter()
        .map(|s| TemplateSection {
            name: s.name.trim().to_string(),
            guidance: s.guidance.trim().to_string(),
        })
        .collect();
    if sections.is_empty() || sections.len() > 30 {
        return Err(ApiError::unprocessable(
            "structure.sections must have 1–30 sections",
        ));
    }
    if sections.iter().any(|s| {
        s.name.is_empty() || s.name.chars().count() > 100 || s.guidance.chars().count() > 2000
    }) {
        return Err(ApiError::unprocessable(
            "each section needs a name of 1–100 characters and guidance of at most 2000",
        ));
    }
    let notes = t
        .structure
        .notes
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    if notes.as_ref().is_some_and(|n| n.chars().count() > 4000) {
        return Err(ApiError::unprocessable(
            "notes are longer than 4000 characters",
        ));
    }
    Ok(ContentTemplate {
        id: uuid::Uuid::now_v7().to_string(),
        name,
        description,
        platform,
        builtin: false,
        structure: TemplateStructure { sections, notes },
        created_at: Some(crate::time::now_rfc3339()),
    })
}

pub async fn create(db: &Db, v: Viewer, t: NewTemplate) -> ApiResult<ContentTemplate> {
    let t = clean(t)?;
    db.write(move |tx| -> ApiResult<ContentTemplate> {
        store::insert(tx, &v.user_id, &t)?;
        Ok(t)
    })
    .await
}

/// Delete one of the caller's templates: false when there is no such template; built-ins 403.
pub async fn delete(db: &Db, v: Viewer, id: String) -> ApiResult<bool> {
    if builtins().iter().any(|t| t.id == id) {
        return Err(ApiError::forbidden("built-in templates cannot be deleted"));
    }
    db.write(move |tx| -> ApiResult<bool> { Ok(store::delete(tx, &v.user_id, &id)?) })
        .await
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_builtins_parse_with_sections_and_guidance() {
        let all = super::builtins();
        for id in [
            "creative_brief",
            "media_brief",
            "email",
            "newsletter",
            "blog_post",
            "linkedin_post",
            "x_thread",
            "press_release",
            "case_study",
            "product_launch",
        ] {
            let t = all.iter().find(|t| t.id == id).expect(id);
            assert!(t.structure.sections.len() >= 4, "{id}");
            assert!(t.structure.sections.iter().all(|s| !s.guidance.is_empty()));
            if let Some(p) = &t.platform {
                assert!(super::platforms::find(p).is_some(), "{p}");
            }
        }
    }
}
