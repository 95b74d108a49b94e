//! Users: the users table, first-start and CLI user management, and validated email addresses.
//! Below the domain: identity (auth) and every area read users through here.
pub mod admin;
pub mod store;

pub use store::{NewUser, UserRow};

/// A validated, normalised email address.
#[derive(Debug, Clone)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let e = raw.trim().to_lowercase();
        let valid = e.len() <= 254
            && !e.chars().any(|c| c.is_whitespace() || c.is_control())
            && matches!(e.split_once('@'), Some((l, d)) if !l.is_empty() && !d.is_empty() && !d.contains('@') && !d.starts_with('.') && !d.ends_with('.'));
        if valid {
            Ok(Email(e))
        } else {
            Err(format!("{raw:?} is not a valid email address"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}
