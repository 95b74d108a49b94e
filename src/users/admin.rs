//! User management for the CLI and for first start (no HTTP involved).
use super::Email;
use super::store::{self, NewUser, UserRow};
use crate::db::Db;
use anyhow::Context;

pub fn add_user(
    db: &Db,
    email: &str,
    role: &str,
    name: Option<&str>,
    password: &str,
) -> anyhow::Result<UserRow> {
    let email = Email::parse(email).map_err(anyhow::Error::msg)?;
    anyhow::ensure!(
        role == "admin" || role == "member",
        "role must be admin or member"
    );
    crate::auth::password::check_policy(password, email.as_str()).map_err(anyhow::Error::msg)?;
    let hash = crate::auth::password::hash(password)?;
    let default_name = email.as_str().split('@').next().unwrap_or("").to_string();
    db.write_blocking(|tx| -> anyhow::Result<UserRow> {
        let user = store::insert(
            tx,
            &NewUser {
                email: email.as_str(),
                name: name.unwrap_or(&default_name),
                role,
                password_hash: Some(&hash),
                auth_provider: "password",
                external_id: None,
            },
        )?
        .with_context(|| format!("a user with email {} already exists", email.as_str()))?;
        crate::events::emit(
            tx,
            "user.created",
            None,
            serde_json::json!({ "user_id": user.id, "email": user.email, "role": user.role }),
        )?;
        Ok(user)
    })
}

pub fn reset_password(db: &Db, email: &str, password: &str) -> anyhow::Result<()> {
    let user = db
        .read_blocking(|c| store::get_by_email(c, email.trim()))?
        .with_context(|| format!("no user with email {email}"))?;
    crate::auth::password::check_policy(password, &user.email).map_err(anyhow::Error::msg)?;
    let hash = crate::auth::password::hash(password)?;
    db.write_blocking(|tx| -> anyhow::Result<()> {
        store::set_password(tx, &user.id, &hash)?;
        crate::events::emit(
            tx,
            "user.password_changed",
            None,
            serde_json::json!({ "user_id": user.id }),
        )?;
        Ok(())
    })
}

/// On an empty database, create the first admin from the environment, or with a generated
/// password printed once to the log.
pub fn ensure_first_admin(
    db: &Db,
    email: Option<&str>,
    password: Option<&str>,
) -> anyhow::Result<()> {
    if db.read_blocking(store::count)? > 0 {
        return Ok(());
    }
    let email = email.unwrap_or("admin@localhost");
    match password {
        Some(pw) => {
            add_user(db, email, "admin", Some("Admin"), pw)
                .context("creating the first admin from NEUROMANCER_ADMIN_*")?;
            tracing::info!(%email, "created the first admin from the environment");
        }
        None => {
            let pw = crate::crypto::random_token(18);
            add_user(db, email, "admin", Some("Admin"), &pw)?;
            tracing::warn!(%email, password = %pw, "created the first admin with a generated password (shown only this once)");
        }
    }
    Ok(())
}
