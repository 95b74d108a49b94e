//! Thin admin handlers; every outbound call runs in `web::block` on the trusted agent.
use crate::ai::config::{self, PROVIDERS};
use crate::auth::AdminUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::settings::store::{self as settings, get_string};
use crate::state::AppState;
use actix_web::{get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct TestProviderRequest {
    /// local, openai, anthropic, gemini, ollama or openrouter.
    pub provider: String,
}

#[derive(Serialize, ToSchema)]
pub struct TestResult {
    pub ok: bool,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub models: Option<Vec<String>>,
}

#[utoipa::path(tag = "settings", request_body = TestProviderRequest,
    responses((status = 200, body = TestResult), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/settings/test-provider")]
pub async fn test_provider(
    state: web::Data<AppState>,
    _admin: AdminUser,
    body: web::Json<TestProviderRequest>,
) -> ApiResult<web::Json<TestResult>> {
    let name = body.into_inner().provider;
    if !PROVIDERS.contains(&name.as_str()) {
        return Err(ApiError::unprocessable(format!(
            "unknown provider {name:?}; use one of {}",
            PROVIDERS.join(", ")
        )));
    }
    let result = web::block(move || -> anyhow::Result<TestResult> {
        let c = state.db.conn()?;
        let p = match config::build(&c, &state.secrets, &state.http.trusted, &name)? {
            Ok(p) => p,
            Err(detail) => {
                return Ok(TestResult {
                    ok: false,
                    detail,
                    models: None,
                });
            }
        };
        drop(c);
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
            Err(e) => TestResult {
                ok: false,
                detail: e.message,
                models: None,
            },
        })
    })
    .await??;
    Ok(web::Json(result))
}

#[derive(Serialize, ToSchema)]
pub struct ProviderModels {
    pub provider: String,
    /// The built-in offline provider.
    pub offline: bool,
    pub configured: bool,
    pub models: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AvailableModels {
    pub default_provider: String,
    pub default_model: Option<String>,
    pub providers: Vec<ProviderModels>,
}

/// Models per provider, live where the provider lists them. Ollama is listed when it answers.
#[utoipa::path(tag = "settings", responses((status = 200, body = AvailableModels)))]
#[get("/settings/available-models")]
pub async fn available_models(
    state: web::Data<AppState>,
    _user: crate::auth::AuthUser,
) -> ApiResult<web::Json<AvailableModels>> {
    let out = web::block(move || -> anyhow::Result<AvailableModels> {
        let c = state.db.conn()?;
        let default_provider =
            get_string(&c, &state.secrets, "default_provider")?.unwrap_or_else(|| "local".into());
        let default_model = get_string(&c, &state.secrets, "default_model")?;
        let mut providers = Vec::new();
        for name in PROVIDERS {
            let p = match config::build(&c, &state.secrets, &state.http.trusted, name)? {
                Ok(p) => p,
                Err(_) => {
                    providers.push(ProviderModels {
                        provider: name.to_string(),
                        offline: false,
                        configured: false,
                        models: vec![],
                        error: None,
                    });
                    continue;
                }
            };
            let listed = if *name == "ollama" {
                ollama_models(&state, &c)
            } else {
                p.list_models().map_err(|e| e.message)
            };
            match listed {
                Ok(models) => providers.push(ProviderModels {
                    provider: name.to_string(),
                    offline: p.offline(),
                    configured: true,
                    models,
                    error: None,
                }),
                // Ollama is optional: absent means "not detected", not an error.
                Err(_) if *name == "ollama" => providers.push(ProviderModels {
                    provider: name.to_string(),
                    offline: false,
                    configured: false,
                    models: vec![],
                    error: None,
                }),
                Err(e) => providers.push(ProviderModels {
                    provider: name.to_string(),
                    offline: false,
                    configured: true,
                    models: vec![p.default_model()],
                    error: Some(e),
                }),
            }
        }
        Ok(AvailableModels {
            default_provider,
            default_model,
            providers,
        })
    })
    .await??;
    Ok(web::Json(out))
}

/// Ollama's native model list (`GET {base}/api/tags`).
fn ollama_models(state: &AppState, c: &rusqlite::Connection) -> Result<Vec<String>, String> {
    let base = get_string(c, &state.secrets, "ollama_base_url")
        .map_err(|e| e.to_string())?
        .unwrap_or_else(|| config::OLLAMA_BASE.into());
    let mut resp = state
        .http
        .trusted
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

#[derive(Deserialize, ToSchema)]
pub struct TestGithubRequest {
    /// A token to test; the stored `github_token` when absent.
    pub token: Option<String>,
}

#[utoipa::path(tag = "settings", request_body = TestGithubRequest, responses((status = 200, body = TestResult), (status = 403, body = ErrorBody)))]
#[post("/settings/test-github")]
pub async fn test_github(
    state: web::Data<AppState>,
    _admin: AdminUser,
    body: web::Json<TestGithubRequest>,
) -> ApiResult<web::Json<TestResult>> {
    let token = body.into_inner().token.filter(|t| !t.trim().is_empty());
    let result = web::block(move || -> anyhow::Result<TestResult> {
        let c = state.db.conn()?;
        let Some(token) = token.or(get_string(&c, &state.secrets, "github_token")?) else {
            return Ok(TestResult {
                ok: false,
                detail: "no GitHub token: pass one or set github_token".into(),
                models: None,
            });
        };
        let base = get_string(&c, &state.secrets, "github_api_url")?
            .unwrap_or_else(|| "https://api.github.com".into());
        drop(c);
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
            Ok(r) => TestResult {
                ok: false,
                detail: format!("GitHub answered {}", r.status()),
                models: None,
            },
            Err(e) => TestResult {
                ok: false,
                detail: format!("GitHub is unreachable: {e}"),
                models: None,
            },
        })
    })
    .await??;
    Ok(web::Json(result))
}

#[derive(Serialize, ToSchema)]
pub struct ClaudeCodeStatus {
    /// A `claude` executable is on PATH.
    pub installed: bool,
    pub path: Option<String>,
    pub logged_in: bool,
    /// `stored_token`, `environment`, `credentials_file` or null.
    pub method: Option<String>,
}

#[utoipa::path(tag = "settings", responses((status = 200, body = ClaudeCodeStatus), (status = 403, body = ErrorBody)))]
#[get("/settings/claude-code/auth-status")]
pub async fn claude_code_status(
    state: web::Data<AppState>,
    _admin: AdminUser,
) -> ApiResult<web::Json<ClaudeCodeStatus>> {
    let st = state.clone();
    let stored = state
        .db
        .run(move |c| get_string(c, &st.secrets, "claude_code_oauth_token"))
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
    Ok(web::Json(ClaudeCodeStatus {
        installed: path.is_some(),
        path: path.map(|p| p.display().to_string()),
        logged_in: method.is_some(),
        method: method.map(str::to_string),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct SaveTokenRequest {
    pub token: String,
}

#[utoipa::path(tag = "settings", request_body = SaveTokenRequest, responses((status = 200, body = TestResult), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/settings/claude-code/save-token")]
pub async fn claude_code_save_token(
    state: web::Data<AppState>,
    admin: AdminUser,
    body: web::Json<SaveTokenRequest>,
) -> ApiResult<web::Json<TestResult>> {
    let token = body.into_inner().token.trim().to_string();
    if token.is_empty() || token.len() > 4096 {
        return Err(ApiError::unprocessable(
            "token must be 1 to 4096 characters",
        ));
    }
    let sealed = state
        .secrets
        .seal(&serde_json::Value::String(token).to_string());
    let by = admin.id.clone();
    state
        .db
        .run(move |c| settings::put(c, "claude_code_oauth_token", &sealed, true, Some(&by)))
        .await?;
    Ok(web::Json(TestResult {
        ok: true,
        detail: "token stored encrypted".into(),
        models: None,
    }))
}
