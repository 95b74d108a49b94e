//! Personas: who a piece is aimed at. Five built-ins are seeded on a workspace's first list;
//! `simulate` predicts a persona's reaction (offline: `simulate.rs`; with a model: JSON checked
//! against the Simulation schema). Creating one emits `persona.created`.
pub mod seed;
pub mod simulate;
pub mod store;
pub mod types;

use crate::access::{self, Resource, Viewer};
use crate::db::Db;
use crate::domain::learnings::{model, text};
use crate::domain::skills::store as seeds;
use crate::error::{ApiError, ApiResult};
use crate::page::{Page, Paged};
use crate::state::AppState;
use serde_json::json;
use types::*;

/// Personas as a shareable resource (registered in `app.rs`).
pub const RESOURCE: Resource = Resource::shareable("persona", "personas");

fn clean(list: &mut Vec<String>, what: &str) -> ApiResult<()> {
    list.retain(|s| !s.trim().is_empty());
    for s in list.iter_mut() {
        *s = s.trim().to_string();
    }
    if list.len() > 30 || list.iter().any(|s| s.chars().count() > 300) {
        return Err(ApiError::unprocessable(format!(
            "{what}: at most 30 items of at most 300 characters"
        )));
    }
    Ok(())
}

fn validate(p: &mut PersonaInput) -> ApiResult<()> {
    p.name = p.name.trim().to_string();
    if p.name.is_empty() || p.name.chars().count() > 120 {
        return Err(ApiError::unprocessable("name must be 1–120 characters"));
    }
    if p.role.chars().count() > 200
        || p.tone.chars().count() > 200
        || p.description.chars().count() > 4000
    {
        return Err(ApiError::unprocessable(
            "role and tone are at most 200 characters, description 4000",
        ));
    }
    clean(&mut p.goals, "goals")?;
    clean(&mut p.pain_points, "pain_points")?;
    clean(&mut p.interests, "interests")?;
    clean(&mut p.objections, "objections")?;
    clean(&mut p.platforms, "platforms")
}

pub async fn list(db: &Db, v: Viewer, page: Page) -> ApiResult<Paged<Persona>> {
    let owner = v.user_id.clone();
    if !db
        .read(move |c| seeds::seeded(c, &owner, "personas"))
        .await?
    {
        let owner = v.user_id.clone();
        db.write(move |tx| -> rusqlite::Result<()> {
            if seeds::seeded(tx, &owner, "personas")? {
                return Ok(());
            }
            for p in seed::all() {
                store::insert(tx, &owner, &p, true)?;
            }
            seeds::mark_seeded(tx, &owner, "personas")
        })
        .await?;
    }
    let (items, total) = db.read(move |c| store::list(c, &v, page)).await?;
    Ok(Paged::new(items, total, page))
}

pub async fn get(db: &Db, v: Viewer, id: String) -> ApiResult<Option<Persona>> {
    Ok(db.read(move |c| store::get(c, &v, &id)).await?)
}

pub async fn create(db: &Db, v: Viewer, mut p: PersonaInput) -> ApiResult<Persona> {
    validate(&mut p)?;
    db.write(move |tx| -> ApiResult<Persona> {
        (p.client_id, p.project_id) =
            access::check_placement(tx, &v, p.client_id.as_deref(), p.project_id.as_deref())?
                .map_err(ApiError::from)?;
        let id = store::insert(tx, &v.user_id, &p, false)?;
        crate::events::emit(
            tx,
            "persona.created",
            Some(&v.user_id),
            json!({"persona_id": id, "name": p.name}),
        )?;
        store::get(tx, &v, &id)?.ok_or(ApiError::NotFound("persona"))
    })
    .await
}

pub async fn update(
    db: &Db,
    v: Viewer,
    id: String,
    mut p: PersonaInput,
) -> ApiResult<Option<Persona>> {
    validate(&mut p)?;
    db.write(move |tx| -> ApiResult<Option<Persona>> {
        if store::get(tx, &v, &id)?.is_none() {
            return Ok(None);
        }
        if !access::can_edit(tx, &v, &RESOURCE, &id)? {
            return Err(ApiError::forbidden(
                "only the owner or an admin may change this persona",
            ));
        }
        store::update(tx, &id, &p)?;
        Ok(store::get(tx, &v, &id)?)
    })
    .await
}

pub async fn delete(db: &Db, v: Viewer, id: String) -> ApiResult<bool> {
    db.write(move |tx| -> ApiResult<bool> {
        if store::get(tx, &v, &id)?.is_none() {
            return Ok(false);
        }
        if !access::can_edit(tx, &v, &RESOURCE, &id)? {
            return Err(ApiError::forbidden(
                "only the owner or an admin may delete this persona",
            ));
        }
        Ok(store::delete(tx, &id)?)
    })
    .await
}

const PERSONA_SCHEMA: model::Schema = &[
    ("name", model::Field::Str),
    ("role", model::Field::Str),
    ("description", model::Field::Str),
    ("goals", model::Field::StrList),
    ("pain_points", model::Field::StrList),
    ("interests", model::Field::StrList),
    ("objections", model::Field::StrList),
    ("tone", model::Field::Str),
    ("platforms", model::Field::StrList),
];

const SIMULATION_SCHEMA: model::Schema = &[
    ("relevance_score", model::Field::Num(0.0, 100.0)),
    ("reaction", model::Field::Str),
    ("strengths", model::Field::StrList),
    ("weaknesses", model::Field::StrList),
    ("suggestions", model::Field::StrList),
];

const PLATFORMS: &[&str] = &[
    "linkedin",
    "x",
    "twitter",
    "instagram",
    "facebook",
    "tiktok",
    "youtube",
    "newsletter",
    "blog",
    "github",
];

/// A persona built offline from the description: the sentences that state goals and pains,
/// its keywords as interests, the platforms it names, a tone from its register words.
pub fn draft(description: &str) -> PersonaInput {
    let sentences: Vec<String> = text::sentences(description)
        .into_iter()
        .map(str::to_string)
        .collect();
    let pick = |cues: &[&str]| -> Vec<String> {
        sentences
            .iter()
            .filter(|s| {
                let l = s.to_lowercase();
                cues.iter().any(|c| l.contains(c))
            })
            .take(5)
            .cloned()
            .collect()
    };
    let lower = format!(" {} ", description.to_lowercase());
    let role = sentences.first().cloned().unwrap_or_default();
    let name = role
        .split_whitespace()
        .take(4)
        .collect::<Vec<_>>()
        .join(" ");
    PersonaInput {
        name: if name.is_empty() {
            "New persona".into()
        } else {
            name
        },
        role: role.chars().take(200).collect(),
        description: description.trim().chars().take(4000).collect(),
        goals: pick(&["want", "goal", "need", "trying to", "aim", "hope"]),
        pain_points: pick(&[
            "struggl", "frustrat", "hate", "problem", "pain", "lack", "no time", "too much",
            "hard to", "worr",
        ]),
        interests: text::top(&text::keywords(description), 6, 1)
            .into_iter()
            .map(|(k, _)| k)
            .collect(),
        objections: pick(&[
            "doubt",
            "skeptic",
            "sceptic",
            "don't trust",
            "too expensive",
            "not sure",
        ]),
        tone: [
            "technical",
            "formal",
            "casual",
            "friendly",
            "direct",
            "playful",
        ]
        .iter()
        .find(|t| lower.contains(*t))
        .unwrap_or(&"plain")
        .to_string(),
        platforms: PLATFORMS
            .iter()
            .filter(|p| lower.contains(&format!(" {p}")))
            .map(|p| {
                if *p == "twitter" {
                    "x".to_string()
                } else {
                    p.to_string()
                }
            })
            .collect(),
        ..Default::default()
    }
}

/// Write a persona from a description: the model when one is configured, else `draft`.
pub async fn generate(state: &AppState, v: Viewer, description: String) -> ApiResult<Persona> {
    let description = description.trim().to_string();
    if description.chars().count() < 10 || description.chars().count() > 4000 {
        return Err(ApiError::unprocessable(
            "description must be 10–4000 characters",
        ));
    }
    let (st, uid) = (state.clone(), v.user_id.clone());
    let input = tokio::task::spawn_blocking(move || -> ApiResult<PersonaInput> {
        let choice = model::ModelChoice::default();
        if !model::uses_model(&st, &choice)?.map_err(ApiError::from)? {
            return Ok(draft(&description));
        }
        let out = model::generate_json(&st, &uid, "personas.generate", &choice,
            "You build marketing personas: a realistic reader with goals, pain points, interests, objections, tone and platforms.",
            &format!("Build a persona from this description: {description}"), PERSONA_SCHEMA)
            .map_err(ApiError::BadGateway)?;
        serde_json::from_value(out).map_err(|e| ApiError::BadGateway(format!("the model's persona did not fit: {e}")))
    })
    .await
    .map_err(|e| ApiError::internal("generating a persona", e))??;
    create(&state.db, v, input).await
}

/// Predict the persona's reaction to `content` (or the current draft of a visible content).
pub async fn simulate(
    state: &AppState,
    v: Viewer,
    id: String,
    content: Option<String>,
    content_id: Option<String>,
) -> ApiResult<Option<Simulation>> {
    let (vv, cid) = (v.clone(), content_id.clone());
    let Some((persona, source)) = state
        .db
        .read(
            move |c| -> rusqlite::Result<Option<(Persona, Option<String>)>> {
                let Some(p) = store::get(c, &vv, &id)? else {
                    return Ok(None);
                };
                let s = match &cid {
                    Some(s) => crate::domain::content::store::draft_text(c, &vv, s)?,
                    None => None,
                };
                Ok(Some((p, s)))
            },
        )
        .await?
    else {
        return Ok(None);
    };
    let text = match (
        content
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty()),
        content_id,
    ) {
        (Some(t), _) => t,
        (None, Some(_)) => source.ok_or_else(|| ApiError::missing("content not found"))?,
        (None, None) => return Err(ApiError::unprocessable("give content or content_id")),
    };
    if text.chars().count() > 50_000 {
        return Err(ApiError::unprocessable(
            "content is longer than 50000 characters",
        ));
    }
    let st = state.clone();
    tokio::task::spawn_blocking(move || -> ApiResult<Option<Simulation>> {
        let choice = model::ModelChoice::default();
        if model::uses_model(&st, &choice)?.map_err(ApiError::from)? {
            let out = model::generate_json(&st, &v.user_id, "personas.simulate", &choice,
                "You role-play a persona reading a piece of content and judge how relevant and convincing it is to them.",
                &format!("Persona:\n{}\n\nContent:\n{text}", serde_json::to_string_pretty(&persona).unwrap_or_default()),
                SIMULATION_SCHEMA).map_err(ApiError::BadGateway)?;
            return serde_json::from_value(out).map(Some).map_err(|e| ApiError::BadGateway(format!("the model's answer did not fit: {e}")));
        }
        let emb = crate::domain::knowledge::embed::configured(&st)?;
        Ok(Some(simulate::simulate(&persona, &text, emb.as_ref()).map_err(crate::domain::knowledge::embed::api_error)?))
    })
    .await
    .map_err(|e| ApiError::internal("simulating a persona", e))?
}
