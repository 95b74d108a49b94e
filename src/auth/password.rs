//! Password hashing (argon2id, OWASP parameters), run on a bounded pool of hashing threads, and
//! the policy for new passwords.
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::OnceLock;

pub const MIN_LEN: usize = 10;
pub const MAX_LEN: usize = 256;

fn hasher() -> Argon2<'static> {
    // OWASP: argon2id, m = 19 MiB, t = 2, p = 1.
    let params = Params::new(19 * 1024, 2, 1, None).expect("static argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash(password: &str) -> anyhow::Result<String> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
}

pub fn verify(phc: &str, password: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    hasher()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

/// Verify against a fixed hash so a login for an unknown email costs the same as a real one.
pub fn verify_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let phc =
        DUMMY.get_or_init(|| hash("neuromancer-timing-equaliser").expect("hashing a constant"));
    let _ = verify(phc, password);
}

fn busy() -> ApiError {
    ApiError::Unavailable("sign-in is busy; retry in a moment".into())
}

/// Verify a password on the hashing pool (bounded threads and memory). A user without a password
/// costs the same as one with a wrong password, so timing does not tell which emails exist.
pub async fn verify_password(
    state: &AppState,
    hash: Option<String>,
    password: String,
) -> ApiResult<bool> {
    state
        .hasher
        .run(move || match hash {
            Some(h) => verify(&h, &password),
            None => {
                verify_dummy(&password);
                false
            }
        })
        .await
        .ok_or_else(busy)
}

/// Hash a new password on the hashing pool; 503 when the pool's queue is full.
pub async fn hash_password(state: &AppState, password: String) -> ApiResult<String> {
    state
        .hasher
        .run(move || hash(&password))
        .await
        .ok_or_else(busy)?
        .map_err(ApiError::Internal)
}

const COMMON: &str = include_str!("../../assets/common-passwords.txt");

/// Length bounds, not a known-common password, not the email itself.
pub fn check_policy(password: &str, email: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_LEN {
        return Err(format!("password must be at least {MIN_LEN} characters"));
    }
    if password.len() > MAX_LEN {
        return Err(format!("password must be at most {MAX_LEN} bytes"));
    }
    let lower = password.to_lowercase();
    if COMMON.lines().any(|c| c.trim() == lower) {
        return Err("password is too common; choose another".into());
    }
    let local = email.split('@').next().unwrap_or("").to_lowercase();
    if lower == email.to_lowercase()
        || (local.len() >= 4 && lower.contains(&local) && chars < local.len() + 6)
    {
        return Err("password must not be based on your email address".into());
    }
    if password
        .chars()
        .all(|c| c == password.chars().next().unwrap_or(' '))
    {
        return Err("password must not repeat a single character".into());
    }
    Ok(())
}

/// A few dedicated threads for argon2. Each hash touches 19 MiB; on the general blocking pool
/// every thread's malloc arena would keep such a block (measured: 2 GB RSS after a login storm).
/// Here memory and concurrency are bounded by the thread count, and a full queue answers 503.
pub struct HashPool {
    tx: std::sync::mpsc::SyncSender<Box<dyn FnOnce() + Send>>,
}

impl HashPool {
    pub fn new(threads: usize, queue: usize) -> Self {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Box<dyn FnOnce() + Send>>(queue);
        let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
        for i in 0..threads.max(1) {
            let rx = rx.clone();
            std::thread::Builder::new()
                .name(format!("nm-hash-{i}"))
                .spawn(move || {
                    loop {
                        let job = rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                        match job {
                            Ok(job) => job(),
                            Err(_) => break, // pool dropped
                        }
                    }
                })
                .expect("spawning a hashing thread");
        }
        HashPool { tx }
    }

    /// Run `f` on a hashing thread; None when the queue is full (the caller answers 503).
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Option<T> {
        let (otx, orx) = tokio::sync::oneshot::channel();
        self.tx
            .try_send(Box::new(move || {
                let _ = otx.send(f());
            }))
            .ok()?;
        orx.await.ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_verifies_only_the_same_password_and_uses_argon2id_owasp_params() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify(&h, "correct horse battery"));
        assert!(!verify(&h, "wrong horse battery"));
        assert!(!verify("not a hash", "x"));
    }

    #[test]
    fn policy_refuses_short_common_and_email_based_passwords() {
        assert!(check_policy("short", "a@b.c").is_err());
        assert!(check_policy("password123", "a@b.c").is_err());
        assert!(check_policy("aaaaaaaaaaaa", "a@b.c").is_err());
        assert!(check_policy("alice.smith1", "alice.smith@x.io").is_err());
        assert!(check_policy("tangerine-orbit-42", "alice@x.io").is_ok());
    }
}
