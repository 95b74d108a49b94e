//! System prompts and offline draft templates, embedded from `assets/prompts/` (not code strings).
#[derive(rust_embed::RustEmbed)]
#[folder = "assets/prompts/"]
struct Prompts;

/// The text of an embedded prompt file (empty if missing, which a test would catch).
pub fn get(name: &str) -> String {
    Prompts::get(name)
        .map(|f| String::from_utf8_lossy(&f.data).into_owned())
        .unwrap_or_default()
}

/// The chat system prompt with today's date and the user filled in.
pub fn chat_system(user: &str) -> String {
    get("chat_system.md")
        .replace("{date}", &chrono::Utc::now().format("%Y-%m-%d").to_string())
        .replace("{user}", user)
}

/// A platform template of the offline provider (`linkedin`, `blog`, …, `generic`).
pub fn draft_template(platform: &str) -> String {
    let all: serde_json::Value =
        serde_json::from_str(&get("local_drafts.json")).unwrap_or_default();
    all[platform]
        .as_str()
        .or_else(|| all["generic"].as_str())
        .unwrap_or("# {title}\n\n{hook}\n\n{points}")
        .to_string()
}
