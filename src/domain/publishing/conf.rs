//! The publishing settings read once per operation: outside hosts (each a base URL so tests
//! point them at loopback fakes), app credentials, API versions, the grace period, and the HTTP
//! agent the address policy allows.
use crate::settings::store::{allow_private_network, get_string};
use crate::state::AppState;
use rusqlite::Connection;

#[derive(Debug, Clone)]
pub struct Conf {
    pub linkedin_auth: String,
    pub linkedin_api: String,
    pub linkedin_client_id: Option<String>,
    pub linkedin_client_secret: Option<String>,
    pub linkedin_version: String,
    pub meta_dialog: String,
    pub meta_graph: String,
    pub meta_app_id: Option<String>,
    pub meta_app_secret: Option<String>,
    pub meta_version: String,
    pub public_url: Option<String>,
    pub allow_private: bool,
    pub grace_ms: i64,
}

fn base(v: Option<String>, default: &str) -> String {
    v.unwrap_or_else(|| default.to_string())
        .trim_end_matches('/')
        .to_string()
}

pub fn read(state: &AppState, c: &Connection) -> anyhow::Result<Conf> {
    let s = |k: &str| get_string(c, &state.secrets, k);
    let grace_min = s("publishing_grace_minutes")?
        .and_then(|m| m.trim().parse::<i64>().ok())
        .filter(|m| *m >= 0)
        .unwrap_or(60);
    let version = s("meta_graph_version")?.unwrap_or_else(|| "v21.0".into());
    Ok(Conf {
        linkedin_auth: base(s("linkedin_auth_base_url")?, "https://www.linkedin.com"),
        linkedin_api: base(s("linkedin_api_base_url")?, "https://api.linkedin.com"),
        linkedin_client_id: s("linkedin_client_id")?,
        linkedin_client_secret: s("linkedin_client_secret")?,
        linkedin_version: s("linkedin_api_version")?.unwrap_or_else(|| "202505".into()),
        meta_dialog: base(s("meta_dialog_base_url")?, "https://www.facebook.com"),
        meta_graph: base(s("meta_graph_base_url")?, "https://graph.facebook.com"),
        meta_app_id: s("meta_app_id")?,
        meta_app_secret: s("meta_app_secret")?,
        meta_version: if version.starts_with('v') {
            version
        } else {
            format!("v{version}")
        },
        public_url: s("public_url")?.map(|u| u.trim_end_matches('/').to_string()),
        allow_private: allow_private_network(c, &state.secrets)?,
        grace_ms: grace_min * 60_000,
    })
}

/// [`read`] on a pooled connection.
pub fn load(state: &AppState) -> anyhow::Result<Conf> {
    state
        .db
        .read_blocking(|c| -> anyhow::Result<Conf> { read(state, c) })
}

impl Conf {
    /// The agent for the platforms' hosts: refuses private addresses unless the admin allowed
    /// them; never follows redirects (an upload URL or API answer is taken as it is).
    pub fn agent<'a>(&self, state: &'a AppState) -> &'a ureq::Agent {
        state.http.user_url(self.allow_private, false)
    }

    /// `{public_url or the browser's origin}/api/v1{path}`.
    pub fn public(&self, origin: &str, path: &str) -> String {
        let base = self
            .public_url
            .as_deref()
            .unwrap_or(origin)
            .trim_end_matches('/');
        format!("{base}/api/v1{path}")
    }
}
