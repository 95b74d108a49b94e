//! User management for the CLI and for first start (no HTTP involved). Passwords are hashed
//! before the write lock is taken; each change is one `Db::write_blocking`.
use super::Email;
use super::store::{self, NewUser, UserRow};
use crate::db::Db;
use anyhow::Context;
use rusqlite::Connection;

/// A validated user-to-be with its password already hashed.
struct Candidate<'a> {
    email: Email,
    role: &'a str,
    name: String,
    hash: String,
}

fn candidate<'a>(
    email: &str,
    role: &'a str,
    name: Option<&str>,
    password: &str,
) -> anyhow::Result<Candidate<'a>> {
    let email = Email::parse(email).map_err(anyhow::Error::msg)?;
    anyhow::ensure!(
        role == "admin" || role == "member",
        "role must be admin or member"
    );
    crate::auth::password::check_policy(password, email.as_str()).map_err(anyhow::Error::msg)?;
    let hash = crate::auth::password::hash(password)?;
    let name = name
        .map(str::to_string)
        .unwrap_or_else(|| email.as_str().split('@').next().unwrap_or("").to_string());
    Ok(Candidate {
        email,
        role,
        name,
        hash,
    })
}

/// Insert inside the caller's write transaction; an error when the email is taken.
fn insert(tx: &Connection, u: &Candidate) -> anyhow::Result<UserRow> {
    let user = store::insert(
        tx,
        &NewUser {
            email: u.email.as_str(),
            name: &u.name,
            role: u.role,
            password_hash: Some(&u.hash),
            auth_provider: "password",
            external_id: None,
        },
    )?
    .with_context(|| format!("a user with email {} already exists", u.email.as_str()))?;
    crate::events::emit(
        tx,
        "user.created",
        None,
        serde_json::json!({ "user_id": user.id, "email": user.email, "role": user.role }),
    )?;
    Ok(user)
}

pub fn add_user(
    db: &Db,
    email: &str,
    role: &str,
    name: Option<&str>,
    password: &str,
) -> anyhow::Result<UserRow> {
    let u = candidate(email, role, name, password)?;
    db.write_blocking(|tx| insert(tx, &u))
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
/// password printed once to the log. "Empty" is checked again inside the write, so two
/// processes starting on one new file create one admin.
pub fn ensure_first_admin(
    db: &Db,
    email: Option<&str>,
    password: Option<&str>,
) -> anyhow::Result<()> {
    // Fast path: no hashing on every start of an initialised database.
    if db.read_blocking(store::count)? > 0 {
        return Ok(());
    }
    let email = email.unwrap_or("admin@localhost");
    let generated = password.is_none().then(|| crate::crypto::random_token(18));
    let pw = password.or(generated.as_deref()).unwrap_or_default();
    let u = candidate(email, "admin", Some("Admin"), pw).with_context(|| match generated {
        Some(_) => "creating the first admin",
        None => "creating the first admin from NEUROMANCER_ADMIN_*",
    })?;
    let created = db.write_blocking(|tx| -> anyhow::Result<bool> {
        if store::count(tx)? > 0 {
            return Ok(false);
        }
        insert(tx, &u)?;
        Ok(true)
    })?;
    match (created, generated) {
        (false, _) => {}
        (true, None) => tracing::info!(%email, "created the first admin from the environment"),
        (true, Some(pw)) => {
            tracing::warn!(%email, password = %pw, "created the first admin with a generated password (shown only this once)")
        }
    }
    Ok(())
}
