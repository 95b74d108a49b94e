//! LinkedIn auto-extract, best effort: with the member's own `li_at` session cookie, read their
//! profile (`/voyager/api/me`) and recent posts (`/voyager/api/identity/profileUpdatesV2`, the
//! member-share feed the web app uses). Voyager wants a CSRF token equal to the JSESSIONID
//! cookie; any value works as long as both match, so one is made per call. LinkedIn changes
//! this private API and refuses many server addresses: a login page, an authwall or a 401/403/999
//! is reported as a refusal, never parsed as posts.
use super::platforms::{Item, get};
use crate::state::AppState;
use serde_json::{Value, json};

pub const DEFAULT_BASE: &str = "https://www.linkedin.com";
const MAX_POSTS: usize = 50;

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// LinkedIn answered with a login page or an error: the cookie is expired or refused.
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

struct Session<'a> {
    agent: &'a ureq::Agent,
    base: String,
    cookie: String,
    csrf: String,
}

impl Session<'_> {
    fn get_json(&self, path: &str) -> Result<Value, FetchError> {
        let url = format!("{}{path}", self.base);
        let headers = [
            ("Cookie", self.cookie.as_str()),
            ("csrf-token", self.csrf.as_str()),
            ("Accept", "application/json"),
            ("x-restli-protocol-version", "2.0.0"),
            ("x-li-lang", "en_US"),
        ];
        let (status, body) = get(self.agent, &url, &headers)?;
        let looks_like_login = body.trim_start().starts_with('<')
            || body.contains("authwall")
            || body.contains("/uas/login")
            || body.contains("/login?session_redirect");
        if matches!(status, 401 | 403 | 999) || (status < 400 && looks_like_login) {
            return Err(FetchError::Refused(format!(
                "LinkedIn refused the saved li_at cookie (HTTP {status}{}): it may have expired; save a fresh one or import the data export",
                if looks_like_login {
                    ", a login page"
                } else {
                    ""
                }
            )));
        }
        if status >= 400 {
            return Err(FetchError::Refused(format!(
                "LinkedIn answered HTTP {status} to {path}"
            )));
        }
        serde_json::from_str(&body).map_err(|e| {
            FetchError::Refused(format!("LinkedIn answered something that is not JSON: {e}"))
        })
    }
}

/// The member's recent posts as importable items.
pub fn recent_posts(
    state: &AppState,
    li_at: &str,
    base: Option<String>,
    allow_private: bool,
) -> Result<Vec<Item>, FetchError> {
    let agent = match base {
        Some(_) => &state.http.trusted,
        None => state.http.user_url(allow_private, true),
    };
    let token = format!("ajax:{}", uuid::Uuid::now_v7().simple());
    let s = Session {
        agent,
        base: base
            .unwrap_or_else(|| DEFAULT_BASE.into())
            .trim_end_matches('/')
            .to_string(),
        cookie: format!("li_at={li_at}; JSESSIONID=\"{token}\""),
        csrf: token,
    };
    let me = s.get_json("/voyager/api/me")?;
    let mini = if me["miniProfile"].is_object() {
        me["miniProfile"].clone()
    } else {
        // The normalized format keeps the profile in `included`.
        me["included"]
            .as_array()
            .and_then(|a| {
                a.iter()
                    .find(|i| i["publicIdentifier"].is_string())
                    .cloned()
            })
            .unwrap_or_default()
    };
    let member = mini["entityUrn"]
        .as_str()
        .and_then(|u| u.rsplit(':').next())
        .filter(|id| !id.is_empty())
        .ok_or_else(|| {
            FetchError::Refused("LinkedIn did not say who the cookie belongs to".into())
        })?
        .to_string();
    let author = format!(
        "{} {}",
        mini["firstName"].as_str().unwrap_or_default(),
        mini["lastName"].as_str().unwrap_or_default()
    )
    .trim()
    .to_string();
    let handle = mini["publicIdentifier"].as_str().unwrap_or_default();
    let path = format!(
        "/voyager/api/identity/profileUpdatesV2?count={MAX_POSTS}&start=0&q=memberShareFeed&moduleKey=member-shares:phone&includeLongTermHistory=true&profileUrn=urn%3Ali%3Afsd_profile%3A{member}"
    );
    let feed = s.get_json(&path)?;
    Ok(posts(&feed, &author, handle))
}

/// Items from a profileUpdatesV2 page: posts with text, keyed by their activity URN.
fn posts(feed: &Value, author: &str, handle: &str) -> Vec<Item> {
    let elements = feed["elements"]
        .as_array()
        .or_else(|| feed["included"].as_array())
        .cloned()
        .unwrap_or_default();
    elements
        .iter()
        .filter_map(|e| {
            let text = e["commentary"]["text"]["text"]
                .as_str()
                .or_else(|| e["commentary"]["text"].as_str())?
                .trim()
                .to_string();
            let urn = e["updateMetadata"]["urn"]
                .as_str()
                .or_else(|| e["urn"].as_str())
                .or_else(|| e["entityUrn"].as_str())?
                .to_string();
            (!text.is_empty()).then(|| Item {
                title: text.lines().next().unwrap_or("").chars().take(80).collect(),
                url: Some(format!("https://www.linkedin.com/feed/update/{urn}/")),
                metadata: json!({ "author": author, "profile": handle, "via": "auto-extract", "kind": "post" }),
                external_id: urn,
                text,
            })
        })
        .take(MAX_POSTS)
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn posts_keep_their_text_and_activity_urn_and_skip_reshares_without_text() {
        let feed = serde_json::json!({"elements": [
            {"updateMetadata": {"urn": "urn:li:activity:1"}, "commentary": {"text": {"text": "Shipping week!\nMore soon"}}},
            {"updateMetadata": {"urn": "urn:li:activity:2"}},
        ]});
        let items = super::posts(&feed, "Ada L", "ada");
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].external_id, "urn:li:activity:1");
        assert_eq!(items[0].title, "Shipping week!");
    }
}
