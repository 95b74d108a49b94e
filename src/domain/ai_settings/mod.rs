//! Checks around AI providers and integrations for the settings screen: test a provider, list
//! the models each configured provider offers, test a GitHub token, the local Claude Code CLI.
//! Outbound calls run on the blocking pool with the trusted agent, after the settings are read
//! (no connection is held across the network).
pub mod types;

use crate::ai::config::{self, PROVIDERS};
use crate::error::{ApiError, ApiResult};
use crate::settings::store::get_string;
use crate::state::AppState;
use std::sync::Arc;
use types::*;

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> ApiResult<T> + Send + 'static,
) -> ApiResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::internal("blocking task", e))?
}

/// Build the named provider and ask it for its models; 422 for an unknown name.
pub async fn test_provider(state: Arc<AppState>, name: String) -> ApiResult<TestResult> {
    if !PROVIDERS.contains(&name.as_str()) {
        return Err(ApiError::unprocessable(format!(
            "unknown provider {name:?}; use one of {}",
            PROVIDERS.join(", ")
        )));
    }
    blocking(move || {
        let built = state.db.read_blocking(|c| -> ApiResult<_> {
            Ok(config::build(
                c,
                &state.secrets,
                &state.http.trusted,
                &name,
            )?)
        })?;
        let p = match built {
            Ok(p) => p,
            Err(detail) => return Ok(TestResult::failed(detail.to_string())),
        };
        Ok(match p.list_models() {
            Ok(models) => TestResult {
                ok: true,
                detail: if p.offline() {
                    "built-in offline provider: no network, deterministic drafts and tool calls"
                        .into()
                } else {
                    format!("{name} answered with {} models", models.len())
                },
                models: Some(models),
            },
            Err(e) => TestResult::failed(e.message),
        })
    })
    .await
}

/// How long a provider's model list is reused.
const MODEL_LIST_TTL: std::time::Duration = std::time::Duration::from_secs(60);

/// Models per provider, live where the provider lists them (reused for a minute, until a setting
/// changes). Ollama is listed when it answers.
pub async fn available_models(state: Arc<AppState>) -> ApiResult<AvailableModels> {
    blocking(move || {
        let (default_provider, default_model, ollama_base, built, stamp) =
            state.db.read_blocking(|c| -> ApiResult<_> {
                let get = |k: &str| get_string(c, &state.secrets, k);
                let mut built = Vec::new();
                for name in PROVIDERS {
                    built.push((
                        *name,
                        config::build(c, &state.secrets, &state.http.trusted, name)?,
                    ));
                }
                Ok((
                    config::default_provider(c, &state.secrets)?,
                    get("default_model")?,
                    get("ollama_base_url")?.unwrap_or_else(|| config::OLLAMA_BASE.into()),
                    built,
                    crate::settings::store::last_change(c)?.unwrap_or_default(),
                ))
            })?;
        let mut providers = Vec::new();
        for (name, p) in built {
            let Ok(p) = p else {
                providers.push(ProviderModels::absent(name));
                continue;
            };
            // Kept a minute (and until a setting changes): every member may ask, and each
            // ask would otherwise call every configured provider.
            let key = format!("{name}|{stamp}");
            let listed = match state.model_lists.get(&key, MODEL_LIST_TTL) {
                Some(cached) => cached,
                None => {
                    let fresh = if name == "ollama" {
                        ollama_models(&state.http.trusted, &ollama_base)
                    } else {
                        p.list_models().map_err(|e| e.message)
                    };
                    state.model_lists.put(key, fresh.clone());
                    fresh
                }
            };
            providers.push(match listed {
                Ok(models) => ProviderModels {
                    provider: name.to_string(),
                    offline: p.offline(),
                    configured: true,
                    models,
                    error: None,
                },
                // Ollama is optional: absent means "not detected", not an error.
                Err(_) if name == "ollama" => ProviderModels::absent(name),
                Err(e) => ProviderModels {
                    provider: name.to_string(),
                    offline: false,
                    configured: true,
                    models: vec![p.default_model()],
                    error: Some(e),
                },
            });
        }
        Ok(AvailableModels {
            default_provider,
            default_model,
            providers,
        })
    })
    .await
}

/// Ollama's native model list (`GET {base}/api/tags`).
fn ollama_models(http: &ureq::Agent, base: &str) -> Result<Vec<String>, String> {
    let mut resp = http
        .get(format!("{}/api/tags", base.trim_end_matches('/')))
        .config()
        .timeout_global(Some(std::time::Duration::from_secs(3)))
        .build()
        .call()
        .map_err(|e| e.to_string())?;
    if !resp.status().is_success() {
        return Err(format!("ollama answered {}", resp.status()));
    }
    let v = crate::net::read_json(&mut resp).map_err(|e| e.to_string())?;
    Ok(v["models"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["name"].as_str().map(str::to_string))
        .collect())
}

/// Ask GitHub who `token` (or the stored `github_token`) belongs to.
pub async fn test_github(state: Arc<AppState>, token: Option<String>) -> ApiResult<TestResult> {
    let token = token.filter(|t| !t.trim().is_empty());
    blocking(move || {
        let (token, base) = state.db.read_blocking(|c| -> ApiResult<_> {
            let token = match token {
                Some(t) => Some(t),
                None => get_string(c, &state.secrets, "github_token")?,
            };
            let base = get_string(c, &state.secrets, "github_api_url")?
                .unwrap_or_else(|| "https://api.github.com".into());
            Ok((token, base))
        })?;
        let Some(token) = token else {
            return Ok(TestResult::failed(
                "no GitHub token: pass one or set github_token",
            ));
        };
        let resp = state
            .http
            .trusted
            .get(format!("{}/user", base.trim_end_matches('/')))
            .header("Authorization", format!("Bearer {}", token.trim()))
            .header("Accept", "application/vnd.github+json")
            .header("X-GitHub-Api-Version", "2022-11-28")
            .call();
        Ok(match resp {
            Ok(mut r) if r.status().is_success() => {
                let v = crate::net::read_json(&mut r).unwrap_or_default();
                TestResult {
                    ok: true,
                    detail: format!("authenticated as {}", v["login"].as_str().unwrap_or("?")),
                    models: None,
                }
            }
            Ok(r) => TestResult::failed(format!("GitHub answered {}", r.status())),
            Err(e) => TestResult::failed(format!("GitHub is unreachable: {e}")),
        })
    })
    .await
}

/// Whether the local `claude` CLI is installed and how it would sign in.
pub async fn claude_code_status(state: &AppState) -> ApiResult<ClaudeCodeStatus> {
    let secrets = state.secrets.clone();
    let stored = state
        .db
        .read(move |c| -> ApiResult<_> { Ok(get_string(c, &secrets, "claude_code_oauth_token")?) })
        .await?
        .is_some();
    let path = std::env::var_os("PATH")
        .map(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join("claude"))
                .find(|f| f.is_file())
        })
        .unwrap_or_default();
    let creds = dirs::home_dir()
        .map(|h| h.join(".claude").join(".credentials.json"))
        .is_some_and(|f| f.is_file());
    let method = if stored {
        Some("stored_token")
    } else if std::env::var_os("CLAUDE_CODE_OAUTH_TOKEN").is_some() {
        Some("environment")
    } else if creds {
        Some("credentials_file")
    } else {
        None
    };
    Ok(ClaudeCodeStatus {
        installed: path.is_some(),
        path: path.map(|p| p.display().to_string()),
        logged_in: method.is_some(),
        method: method.map(str::to_string),
    })
}

/// Store the Claude Code OAuth token sealed; 422 unless 1 to 4096 characters.
pub async fn save_claude_token(state: &AppState, by: &str, token: &str) -> ApiResult<TestResult> {
    let token = token.trim();
    if token.is_empty() || token.chars().count() > 4096 {
        return Err(ApiError::unprocessable(
            "token must be 1 to 4096 characters",
        ));
    }
    crate::settings::put_secret(state, by, "claude_code_oauth_token", token).await?;
    Ok(TestResult {
        ok: true,
        detail: "token stored encrypted".into(),
        models: None,
    })
}
