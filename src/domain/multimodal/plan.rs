//! Production plans: which visuals a content needs. With a model, the plan is written by it
//! (streamed as `{content}` frames, then parsed); offline — or when the model's answer is not a
//! usable plan — it is derived from the content's structure: a cover, a carousel slide per
//! section and a quote card, laid out by the local renderer.
use super::content_store::{self, ContentText};
use super::types::{ASPECTS, KINDS, PlanAsset, ProductionPlan};
use crate::access::Viewer;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use serde_json::{Value, json};
use tokio::sync::mpsc;

pub struct Ask {
    pub content_id: Option<String>,
    pub brief: Option<String>,
    pub platform: Option<String>,
    pub asset_types: Option<Vec<String>>,
    pub count: Option<u32>,
    /// The chat provider and model that write the plan (default: the configured default).
    pub provider: Option<String>,
    pub model: Option<String>,
    /// The media provider the planned assets use (none: the local renderer).
    pub image_provider_id: Option<String>,
}

const SYSTEM: &str = "You are an art director planning the visuals of a social media post. Answer with ONE JSON object and nothing else: {\"text\": \"a short rationale\", \"assets\": [{\"kind\": \"image|carousel_slide|thumbnail|cover|video\", \"prompt\": \"what the image shows, for an image model\", \"aspect_ratio\": \"1:1|4:5|3:4|4:3|16:9|9:16\", \"text_overlay\": \"heading line\\nbody line(s) to set on the image, or null\"}]}.";

/// The default aspect ratio of a kind on a platform.
pub fn default_aspect(kind: &str, platform: &str) -> &'static str {
    match (kind, platform) {
        ("thumbnail", _) => "16:9",
        ("cover", "blog" | "youtube" | "medium" | "newsletter") => "16:9",
        ("carousel_slide", "instagram") => "4:5",
        ("video", "tiktok" | "instagram") => "9:16",
        ("video", _) => "16:9",
        _ => "1:1",
    }
}

/// Check a plan's assets (kinds, prompts, aspects), filling ids and default aspects.
pub fn normalize(plan: &mut ProductionPlan, platform: &str) -> ApiResult<()> {
    if plan.assets.is_empty() || plan.assets.len() > 40 {
        return Err(ApiError::unprocessable("a plan has 1–40 assets"));
    }
    for (i, a) in plan.assets.iter_mut().enumerate() {
        if !KINDS.contains(&a.kind.as_str()) {
            return Err(ApiError::unprocessable(format!(
                "assets[{i}].kind {:?} is not one of {}",
                a.kind,
                KINDS.join(", ")
            )));
        }
        let n = a.prompt.trim().chars().count();
        if n == 0 || n > 4000 {
            return Err(ApiError::unprocessable(format!(
                "assets[{i}].prompt must be 1–4000 characters"
            )));
        }
        if a.text_overlay
            .as_ref()
            .is_some_and(|t| t.chars().count() > 2000)
        {
            return Err(ApiError::unprocessable(format!(
                "assets[{i}].text_overlay is longer than 2000 characters"
            )));
        }
        match a.aspect_ratio.as_deref() {
            None | Some("") => a.aspect_ratio = Some(default_aspect(&a.kind, platform).into()),
            Some(r) if ASPECTS.contains(&r) => {}
            Some(r) => {
                return Err(ApiError::unprocessable(format!(
                    "assets[{i}].aspect_ratio {r:?} is not one of {}",
                    ASPECTS.join(", ")
                )));
            }
        }
        if a.id.trim().is_empty() {
            a.id = format!("a{}", i + 1);
        }
    }
    Ok(())
}

/// Sections of a text: markdown headings start one; without headings, paragraphs do.
fn sections(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let has_headings = text.lines().any(|l| l.trim_start().starts_with('#'));
    if has_headings {
        for line in text.lines() {
            let l = line.trim();
            if let Some(h) = l.strip_prefix('#') {
                out.push((h.trim_start_matches('#').trim().to_string(), String::new()));
            } else if !l.is_empty() {
                match out.last_mut() {
                    Some((_, body)) => {
                        body.push_str(l);
                        body.push(' ');
                    }
                    None => out.push((String::new(), format!("{l} "))),
                }
            }
        }
    } else {
        for para in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
            let (first, rest) = split_sentence(para);
            out.push((first, rest));
        }
    }
    out.into_iter()
        .map(|(h, b)| (h, b.trim().to_string()))
        .filter(|(h, b)| !h.is_empty() || !b.is_empty())
        .collect()
}

fn split_sentence(s: &str) -> (String, String) {
    let s = s.trim();
    match s.find(['.', '!', '?']) {
        Some(i) if i + 1 < s.len() => (s[..=i].trim().to_string(), s[i + 1..].trim().to_string()),
        _ => (s.to_string(), String::new()),
    }
}

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    match cut.rfind(' ') {
        Some(i) if i > max / 2 => format!("{}…", &cut[..i]),
        _ => format!("{cut}…"),
    }
}

/// The sentence most worth a quote card: 40–160 characters, the first such.
fn quotable(text: &str) -> Option<String> {
    text.split(['.', '!', '?'])
        .map(|s| s.trim().trim_start_matches(['#', '-', '*', ' ']).trim())
        .find(|s| (40..=160).contains(&s.chars().count()))
        .map(str::to_string)
}

/// The offline plan: a cover, a slide per section (at most 8), a quote card (a thumbnail for
/// video platforms or when asked).
pub fn from_structure(
    title: &str,
    text: &str,
    platform: &str,
    types: &[String],
    count: usize,
) -> ProductionPlan {
    let asked = |k: &str| types.iter().any(|t| t == k);
    let want = |k: &str| types.is_empty() || asked(k);
    let mut secs = sections(text);
    // A leading title heading with nothing under it names the piece: it goes on the cover.
    let title = match secs.first() {
        Some((h, b)) if b.is_empty() && !h.is_empty() && secs.len() > 1 => {
            let h = h.clone();
            secs.remove(0);
            h
        }
        _ => title.to_string(),
    };
    let mut assets = Vec::new();
    if want("cover") {
        let sub = secs
            .first()
            .map(|(h, b)| {
                if b.is_empty() {
                    h.clone()
                } else {
                    clip(b, 120)
                }
            })
            .unwrap_or_default();
        assets.push(asset(
            "cover",
            format!("Cover for “{title}”: the title set large on the brand colour"),
            Some(format!("{title}\n{sub}")),
        ));
    }
    if asked("thumbnail") || (types.is_empty() && matches!(platform, "youtube" | "tiktok")) {
        assets.push(asset(
            "thumbnail",
            format!("Thumbnail for “{title}”"),
            Some(title.clone()),
        ));
    }
    if want("carousel_slide") {
        for (h, b) in secs.iter().take(8) {
            let heading = if h.is_empty() {
                clip(b, 60)
            } else {
                clip(h, 80)
            };
            let body = if h.is_empty() {
                String::new()
            } else {
                clip(b, 220)
            };
            assets.push(asset(
                "carousel_slide",
                format!("Carousel slide: {heading}"),
                Some(format!("{heading}\n{body}").trim().to_string()),
            ));
        }
    }
    let bodies: Vec<&str> = secs.iter().map(|(_, b)| b.as_str()).collect();
    if want("image")
        && let Some(q) = quotable(&bodies.join(" "))
    {
        assets.push(asset(
            "image",
            format!("Quote card: {q}"),
            Some(format!("“{q}.”")),
        ));
    }
    if asked("video") {
        assets.push(asset(
            "video",
            format!("A short video about {title}: {}", clip(text, 300)),
            None,
        ));
    }
    if assets.is_empty() {
        assets.push(asset("image", title.clone(), Some(title.clone())));
    }
    assets.truncate(count);
    let slides = assets.iter().filter(|a| a.kind == "carousel_slide").count();
    let mut plan = ProductionPlan {
        text: format!(
            "Visuals for “{title}” on {platform}: {} asset(s){}. Rendered by the local renderer in the client's design-system colours unless another provider is chosen.",
            assets.len(),
            if slides > 0 {
                format!(", including {slides} carousel slide(s), one per section")
            } else {
                String::new()
            }
        ),
        assets,
    };
    let _ = normalize(&mut plan, platform);
    plan
}

fn asset(kind: &str, prompt: String, overlay: Option<String>) -> PlanAsset {
    PlanAsset {
        id: String::new(),
        kind: kind.into(),
        prompt,
        aspect_ratio: None,
        provider_id: None,
        text_overlay: overlay,
    }
}

/// The plan in a model's answer, if it holds one.
fn parse(answer: &str, platform: &str) -> Option<ProductionPlan> {
    let (a, b) = (answer.find('{')?, answer.rfind('}')?);
    let mut plan: ProductionPlan = serde_json::from_str(answer.get(a..=b)?).ok()?;
    normalize(&mut plan, platform).ok()?;
    Some(plan)
}

/// Validate, then stream the plan on a worker thread: `{content}`… `{plan}` `{done: true}`.
pub async fn start(state: &AppState, v: Viewer, ask: Ask) -> ApiResult<mpsc::Receiver<Value>> {
    let types = ask.asset_types.clone().unwrap_or_default();
    if let Some(bad) = types.iter().find(|t| !KINDS.contains(&t.as_str())) {
        return Err(ApiError::unprocessable(format!(
            "asset_types: {bad:?} is not one of {}",
            KINDS.join(", ")
        )));
    }
    let count = ask.count.unwrap_or(10) as usize;
    if !(1..=20).contains(&count) {
        return Err(ApiError::unprocessable("count must be 1–20"));
    }
    let brief = ask
        .brief
        .clone()
        .map(|b| b.trim().to_string())
        .filter(|b| !b.is_empty());
    if brief.as_ref().is_some_and(|b| b.chars().count() > 20_000) {
        return Err(ApiError::unprocessable(
            "brief is longer than 20000 characters",
        ));
    }
    let (cid, provider, model, image_provider) = (
        ask.content_id.clone(),
        ask.provider.clone(),
        ask.model.clone(),
        ask.image_provider_id.clone(),
    );
    let st = state.clone();
    let vv = v.clone();
    let (content, offline) = state
        .db
        .read(move |c| -> ApiResult<(Option<ContentText>, bool)> {
            let content = match &cid {
                Some(id) => {
                    crate::domain::content::store::get(c, &vv, id)?
                        .ok_or(ApiError::NotFound("content"))?;
                    content_store::text(c, id)?
                }
                None => None,
            };
            if let Some(p) = &image_provider
                && p != "local"
                && super::providers_store::get(c, p)?.is_none()
            {
                return Err(ApiError::missing(
                    "image_provider_id: media provider not found",
                ));
            }
            let resolved = crate::ai::config::resolve_chat(
                c,
                &st.secrets,
                &st.http.trusted,
                provider.as_deref(),
                model.as_deref(),
            )?
            .map_err(ApiError::from)?;
            Ok((content, resolved.0.offline()))
        })
        .await?;
    let (title, text, platform) = match (&content, &brief) {
        (Some(c), _) => (
            c.title.clone(),
            if c.draft.trim().is_empty() {
                c.brief.clone()
            } else {
                c.draft.clone()
            },
            ask.platform.clone().unwrap_or(c.platform.clone()),
        ),
        (None, Some(b)) => (
            clip(b.lines().next().unwrap_or(b), 80),
            b.clone(),
            ask.platform.clone().unwrap_or("linkedin".into()),
        ),
        (None, None) => return Err(ApiError::unprocessable("give content_id or brief")),
    };
    // One thread per running plan: bounded like chat replies (429 beyond).
    let slot = state.generation.acquire(&v.user_id)?;
    let (tx, rx) = mpsc::channel(256);
    let st = state.clone();
    std::thread::Builder::new()
        .name("multimodal-plan".into())
        .spawn(move || {
            let _slot = slot;
            let fallback = from_structure(&title, &text, &platform, &types, count);
            let mut plan = if offline {
                let _ = tx.blocking_send(json!({"content": fallback.text}));
                fallback
            } else {
                let prompt = format!(
                    "Platform: {platform}\nAt most {count} assets{}.\nTitle: {title}\n\n{text}",
                    if types.is_empty() {
                        String::new()
                    } else {
                        format!(", of kinds {}", types.join(", "))
                    }
                );
                let mut on = |p: crate::ai::calls::Piece| {
                    if let crate::ai::calls::Piece::Text(t) = p
                        && tx.blocking_send(json!({"content": t})).is_err()
                    {
                        return crate::ai::Flow::Stop;
                    }
                    crate::ai::Flow::Continue
                };
                match crate::ai::calls::complete(
                    &st,
                    &v.user_id,
                    "multimodal.plan",
                    ask.provider.as_deref(),
                    ask.model.as_deref(),
                    Some(0.4),
                    SYSTEM,
                    &prompt,
                    &mut on,
                ) {
                    Ok((answer, _)) => parse(&answer, &platform).unwrap_or(fallback),
                    Err(e) => {
                        let _ = tx.blocking_send(json!({"error": e.to_string()}));
                        return;
                    }
                }
            };
            plan.assets.truncate(count);
            for a in plan.assets.iter_mut() {
                if a.provider_id.is_none() {
                    a.provider_id = ask.image_provider_id.clone().filter(|p| p != "local");
                }
            }
            let _ = tx.blocking_send(json!({"plan": plan}));
            let _ = tx.blocking_send(json!({"done": true}));
        })
        .map_err(|e| ApiError::internal("spawning the plan thread", e))?;
    Ok(rx)
}
