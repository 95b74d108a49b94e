//! The design-system generation: pages (and sources with a URL) are fetched through the
//! SSRF-guarded agent, their stylesheets measured, and image URLs read by a vision-capable model
//! whose findings only add to the measured CSS. Offline, images are skipped with a stage frame.
use super::design;
use super::design_vision::{self, Fetched};
use super::generate::{Frames, Plan, load, placed, stage};
use super::model;
use super::types::NewLearning;
use crate::access::Viewer;
use crate::state::AppState;
use serde_json::json;

pub(super) fn design_system(
    state: &AppState,
    v: &Viewer,
    plan: &Plan,
    out: Frames,
) -> Result<Option<Vec<NewLearning>>, String> {
    let sources = if plan.selection.source_ids.is_empty() && !plan.urls.is_empty() {
        vec![]
    } else {
        load(state, v, &plan.selection)?
    };
    let mut sheets = Vec::new();
    let mut ids = Vec::new();
    let mut urls: Vec<(Option<String>, String)> =
        plan.urls.iter().map(|u| (None, u.clone())).collect();
    for s in &sources {
        match &s.url {
            Some(u) if u.starts_with("http") => urls.push((Some(s.id.clone()), u.clone())),
            _ => {
                sheets.push(design::inline_css(&s.content) + "\n" + &s.content);
                ids.push(s.id.clone());
            }
        }
    }
    let allow = state
        .db
        .read_blocking(|c| crate::settings::store::allow_private_network(c, &state.secrets))
        .unwrap_or(false);
    let agent = state.http.user_url(allow, true);
    let (mut failures, mut pages, mut images) = (Vec::new(), Vec::new(), Vec::new());
    let total = urls.len().max(1) as f64;
    for (i, (source, url)) in urls.iter().enumerate() {
        if !stage(
            out,
            &format!("fetching {url}"),
            0.1 + 0.6 * i as f64 / total,
        ) {
            return Ok(None);
        }
        match design_vision::fetch(agent, url) {
            Ok(Fetched::Css(css)) => {
                sheets.extend(css);
                ids.extend(source.clone());
                pages.push(url.clone());
            }
            Ok(Fetched::Image(img)) if images.len() < design_vision::MAX_IMAGES => {
                images.push((source.clone(), url.clone(), img));
            }
            Ok(Fetched::Image(_)) => failures.push(format!(
                "{url}: at most {} images are read at once",
                design_vision::MAX_IMAGES
            )),
            Err(e) => failures.push(e.to_string()),
        }
    }
    let read_images = plan.with_model && !images.is_empty();
    if !images.is_empty() && !plan.with_model {
        let what = format!(
            "skipping {} image{}: reading images needs a vision-capable model, and the offline provider cannot see",
            images.len(),
            if images.len() == 1 { "" } else { "s" }
        );
        if !stage(out, &what, 0.75) {
            return Ok(None);
        }
    }
    if sheets.is_empty() && !read_images {
        return Err(match failures.first() {
            Some(f) => format!("no page could be fetched: {f}"),
            None if !images.is_empty() => "there is no CSS to read, and images need a vision-capable model: configure one in Settings".into(),
            None => "give urls or sources with a URL or pasted CSS".into(),
        });
    }
    if !stage(out, "reading the stylesheets", 0.8) {
        return Ok(None);
    }
    let mut data = design::extract(&sheets);
    if read_images {
        let what = format!("reading {} image(s) with the vision model", images.len());
        if !stage(out, &what, 0.85) {
            return Ok(None);
        }
        let seen = model::generate_json_seeing(
            state,
            &v.user_id,
            "learnings.design_system",
            &plan.choice,
            design_vision::SYSTEM,
            &design_vision::prompt(&data),
            &images.iter().map(|(_, _, i)| i.clone()).collect::<Vec<_>>(),
            design_vision::SCHEMA,
        )?;
        data["from_images"] = design_vision::merge(&mut data, &seen);
        data["images"] = json!(images.iter().map(|(_, u, _)| u).collect::<Vec<_>>());
        ids.extend(images.iter().filter_map(|(s, _, _)| s.clone()));
    }
    if data["colors"].as_array().is_none_or(Vec::is_empty)
        && data["fonts"].as_array().is_none_or(Vec::is_empty)
    {
        return Err("no colours or fonts were found in these pages' CSS".into());
    }
    data["pages"] = json!(pages);
    data["failed"] = json!(failures);
    let content = design::describe(&data);
    let conf = if failures.is_empty() { 0.8 } else { 0.6 };
    Ok(Some(vec![placed(
        plan,
        "design_system",
        "Design system".into(),
        content,
        data,
        conf,
        ids,
    )]))
}
