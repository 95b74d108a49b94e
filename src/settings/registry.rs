//! Every setting the app knows: its kind decides validation, sealing and masking.
//! Later areas add their keys here.

#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Text,
    Url,
    /// Sealed at rest, masked on read.
    Secret,
    Bool,
    StringList,
    /// A whole number in `min..=max`, given as a JSON number or a numeric string; stored as
    /// its decimal string (what `store::get_string` readers parse).
    Int {
        min: i64,
        max: i64,
    },
    /// A number in `min..=max` (a JSON number or a numeric string), stored as its decimal string.
    Number {
        min: f64,
        max: f64,
    },
    /// One of a fixed list of names.
    Choice(&'static [&'static str]),
    /// Text of a fixed shape: `pattern` (an ECMA-262 regular expression, as the OpenAPI document
    /// states it) and the same rule in code.
    Format {
        pattern: &'static str,
        check: fn(&str) -> bool,
        example: &'static str,
    },
    /// A JSON object `{"model-prefix": [input, output]}` of non-negative prices, sent as an
    /// object (or as a string holding one), stored as its JSON text.
    PriceTable,
}

pub const DEFS: &[Def] = &[
    Def {
        key: "frontend_url",
        kind: Kind::Url,
        description: "Public URL of the web app (OAuth redirects, approval links)",
    },
    Def {
        key: "allow_private_network",
        kind: Kind::Bool,
        description: "Let imports and webhooks reach private, loopback and link-local addresses (intranets, tests)",
    },
    Def {
        key: "supabase_url",
        kind: Kind::Url,
        description: "Supabase project URL, e.g. https://xyz.supabase.co",
    },
    Def {
        key: "supabase_anon_key",
        kind: Kind::Text,
        description: "Supabase anon (public) key, handed to the browser",
    },
    Def {
        key: "supabase_jwt_secret",
        kind: Kind::Secret,
        description: "Supabase JWT secret, to verify HS256 access tokens",
    },
    Def {
        key: "supabase_auto_register",
        kind: Kind::Bool,
        description: "Let a Supabase sign-in with an email nobody has create a member account (default on; off: only existing accounts that linked Supabase sign in with it)",
    },
    Def {
        key: "share_integration_tokens",
        kind: Kind::Bool,
        description: "Let members' GitHub/Notion imports without a token of their own use the tokens set here (default off: admins only)",
    },
    Def {
        key: "openai_api_key",
        kind: Kind::Secret,
        description: "OpenAI (or OpenAI-compatible) API key",
    },
    Def {
        key: "openai_base_url",
        kind: Kind::Url,
        description: "OpenAI-compatible base URL (default https://api.openai.com/v1; LM Studio, vLLM, llama.cpp, Groq…)",
    },
    Def {
        key: "anthropic_api_key",
        kind: Kind::Secret,
        description: "Anthropic API key",
    },
    Def {
        key: "anthropic_base_url",
        kind: Kind::Url,
        description: "Anthropic base URL (default https://api.anthropic.com)",
    },
    Def {
        key: "gemini_api_key",
        kind: Kind::Secret,
        description: "Google Gemini API key",
    },
    Def {
        key: "gemini_base_url",
        kind: Kind::Url,
        description: "Gemini base URL (default https://generativelanguage.googleapis.com)",
    },
    Def {
        key: "ollama_base_url",
        kind: Kind::Url,
        description: "Ollama base URL (default http://127.0.0.1:11434)",
    },
    Def {
        key: "openrouter_api_key",
        kind: Kind::Secret,
        description: "OpenRouter API key",
    },
    Def {
        key: "default_provider",
        kind: Kind::Choice(crate::ai::config::PROVIDERS),
        description: "Chat provider used by default: local (offline), local-llm (the installed in-process model), openai, anthropic, gemini, ollama or openrouter. Unset: local-llm when a model is installed, else local",
    },
    Def {
        key: "default_model",
        kind: Kind::Text,
        description: "Model of the default provider (e.g. gpt-4o-mini)",
    },
    Def {
        key: "local_llm_model",
        kind: Kind::Text,
        description: "In-process model local-llm runs: smollm2-135m, qwen2.5-0.5b or qwen2.5-1.5b (default: the largest installed)",
    },
    Def {
        key: "local_llm_idle_seconds",
        kind: Kind::Number {
            min: 0.0,
            max: 604800.0,
        },
        description: "Seconds without a generation after which local-llm unloads its model (default 600)",
    },
    Def {
        key: "local_llm_max_tokens",
        kind: Kind::Int {
            min: 1,
            max: 131072,
        },
        description: "Most tokens local-llm writes per reply (default 1024)",
    },
    Def {
        key: "local_llm_context",
        kind: Kind::Int {
            min: 256,
            max: 131072,
        },
        description: "Context window of local-llm in tokens, prompt and reply together (default 4096; older turns are dropped to fit)",
    },
    Def {
        key: "local_llm_temperature",
        kind: Kind::Number { min: 0.0, max: 2.0 },
        description: "Sampling temperature of local-llm, 0 (greedy) to 2 (default 0.7)",
    },
    Def {
        key: "local_llm_top_p",
        kind: Kind::Number { min: 0.0, max: 1.0 },
        description: "Nucleus sampling of local-llm, 0 to 1 (default 0.9)",
    },
    Def {
        key: "local_llm_repeat_penalty",
        kind: Kind::Number { min: 1.0, max: 2.0 },
        description: "Repeat penalty of local-llm over the last 64 tokens, 1 (off) to 2 (default 1.1)",
    },
    Def {
        key: "local_llm_download_url",
        kind: Kind::Url,
        description: "Base URL local-llm models are downloaded from in Settings (a mirror holding the files by name; default: each model's Hugging Face URL)",
    },
    Def {
        key: "local_llm_threads",
        kind: Kind::Int { min: 0, max: 256 },
        description: "Threads local-llm computes with (default 0: one per core)",
    },
    Def {
        key: "embedding_model",
        kind: Kind::Text,
        description: "Embedding model (e.g. text-embedding-3-small)",
    },
    Def {
        key: "transcription_provider",
        kind: Kind::Choice(&["openai", "openrouter"]),
        description: "Transcription provider (OpenAI-compatible /audio/transcriptions): openai or openrouter",
    },
    Def {
        key: "transcription_model",
        kind: Kind::Text,
        description: "Transcription model (default whisper-1)",
    },
    Def {
        key: "ai_price_table",
        kind: Kind::PriceTable,
        description: "Per-model prices overriding the built-in table: JSON {\"model-prefix\": [input, output]} in USD per 1M tokens",
    },
    Def {
        key: "monthly_token_budget",
        kind: Kind::Int {
            min: 0,
            max: i64::MAX,
        },
        description: "Tokens each user may spend per calendar month (empty: unlimited)",
    },
    Def {
        key: "claude_code_oauth_token",
        kind: Kind::Secret,
        description: "Claude Code OAuth token for the local claude CLI",
    },
    Def {
        key: "import_roots",
        kind: Kind::StringList,
        description: "Server folders that folder imports may read (absolute paths); empty: folder imports off",
    },
    Def {
        key: "embedding_provider",
        kind: Kind::Choice(&[
            "auto",
            "hashing",
            "minilm",
            "openai",
            "ollama",
            "gemini",
            "openrouter",
        ]),
        description: "Embedder for knowledge search: auto (local MiniLM when installed, else hashing), hashing, minilm, or a remote provider: openai, ollama, gemini, openrouter (keys and base URLs as for chat; model from embedding_model). Changing it re-embeds everything in the background",
    },
    Def {
        key: "medium_base_url",
        kind: Kind::Url,
        description: "Medium base URL for feed imports (default https://medium.com)",
    },
    Def {
        key: "github_api_url",
        kind: Kind::Url,
        description: "GitHub API base URL for imports (default https://api.github.com)",
    },
    Def {
        key: "github_token",
        kind: Kind::Secret,
        description: "GitHub token for imports (optional: higher rate limits, private repositories)",
    },
    Def {
        key: "notion_api_url",
        kind: Kind::Url,
        description: "Notion API base URL for imports (default https://api.notion.com)",
    },
    Def {
        key: "notion_token",
        kind: Kind::Secret,
        description: "Notion integration token for imports",
    },
    Def {
        key: "youtube_base_url",
        kind: Kind::Url,
        description: "YouTube base URL for caption imports (default https://www.youtube.com)",
    },
    Def {
        key: "linkedin_base_url",
        kind: Kind::Url,
        description: "LinkedIn web base URL for cookie-based auto-extract (default https://www.linkedin.com)",
    },
    Def {
        key: "public_url",
        kind: Kind::Url,
        description: "Public base URL of this server (e.g. https://studio.example.com): OAuth redirect URIs, approval links and capability links to assets and previews become absolute; empty: the address the browser used",
    },
    Def {
        key: "asset_link_ttl_days",
        kind: Kind::Int { min: 1, max: 3650 },
        description: "Days a public asset or preview link stays valid, 1 to 3650 (default 7)",
    },
    Def {
        key: "asset_max_bytes",
        kind: Kind::Int {
            min: 1,
            max: 1_000_000_000,
        },
        description: "Largest asset a provider may deliver, in bytes, 1 to 1000000000 (default 104857600 = 100 MB); larger ones fail with 413",
    },
    Def {
        key: "multimodal_concurrency",
        kind: Kind::Int { min: 1, max: 8 },
        description: "Assets of a production plan generated at the same time, 1 to 8 (default 2)",
    },
    Def {
        key: "linkedin_auth_base_url",
        kind: Kind::Url,
        description: "LinkedIn OAuth base URL (default https://www.linkedin.com)",
    },
    Def {
        key: "linkedin_api_base_url",
        kind: Kind::Url,
        description: "LinkedIn API base URL (default https://api.linkedin.com)",
    },
    Def {
        key: "linkedin_client_id",
        kind: Kind::Text,
        description: "LinkedIn app client id (publishing)",
    },
    Def {
        key: "linkedin_client_secret",
        kind: Kind::Secret,
        description: "LinkedIn app client secret (publishing)",
    },
    Def {
        key: "linkedin_api_version",
        kind: Kind::Format {
            pattern: "^[0-9]{6}$",
            check: super::checks::yyyymm,
            example: "202505",
        },
        description: "LinkedIn-Version header, YYYYMM (default 202505); LinkedIn retires old versions",
    },
    Def {
        key: "meta_dialog_base_url",
        kind: Kind::Url,
        description: "Meta login dialog base URL (default https://www.facebook.com)",
    },
    Def {
        key: "meta_graph_base_url",
        kind: Kind::Url,
        description: "Meta Graph API base URL (default https://graph.facebook.com)",
    },
    Def {
        key: "meta_app_id",
        kind: Kind::Text,
        description: "Meta app id (Facebook Pages and Instagram publishing)",
    },
    Def {
        key: "meta_app_secret",
        kind: Kind::Secret,
        description: "Meta app secret",
    },
    Def {
        key: "meta_graph_version",
        kind: Kind::Format {
            pattern: "^v[0-9]{1,3}\\.[0-9]{1,3}$",
            check: super::checks::graph_version,
            example: "v21.0",
        },
        description: "Graph API version (default v21.0)",
    },
    Def {
        key: "publishing_grace_minutes",
        kind: Kind::Int { min: 0, max: 10080 },
        description: "A scheduled post due while the server was down still goes out if it is at most this many minutes late (default 60); later it is marked missed",
    },
];

pub fn find(key: &str) -> Option<&'static Def> {
    DEFS.iter().find(|d| d.key == key)
}

pub struct Def {
    pub key: &'static str,
    pub kind: Kind,
    pub description: &'static str,
}

pub use super::checks::{canonical, validate};

/// Settings that are on until an admin turns them off (the rest default to unset / off): the
/// value `view` shows while unset, and the value their readers assume.
pub const DEFAULT_ON: &[&str] = &["supabase_auto_register"];

/// `sk-…1234`: enough to recognise a key, not enough to use it.
pub fn mask(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() >= 12 {
        let head: String = chars[..3].iter().collect();
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("{head}…{tail}")
    } else {
        "••••".to_string()
    }
}
