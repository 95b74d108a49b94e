//! SQL of people: user administration (with reporting lines), teams, the org chart and allocation.
use super::types::{Allocation, OrgNode, Team, User, UserInput};
use crate::access::{self, Viewer};
use crate::page::Page;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashMap;

const USER: &str =
    "SELECT id, email, name, role, title, reports_to, hourly_rate, capacity_hours, active,
    password_hash IS NOT NULL, created_at, last_login_at FROM users";

fn user_row(r: &rusqlite::Row) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get(0)?,
        email: r.get(1)?,
        name: r.get(2)?,
        role: r.get(3)?,
        title: r.get(4)?,
        reports_to: r.get(5)?,
        hourly_rate: r.get(6)?,
        capacity_hours: r.get(7)?,
        active: r.get(8)?,
        has_password: r.get(9)?,
        created_at: r.get(10)?,
        last_login_at: r.get(11)?,
    })
}

fn all_users(c: &Connection) -> rusqlite::Result<Vec<User>> {
    c.prepare_cached(&format!("{USER} ORDER BY name, email"))?
        .query_map([], user_row)?
        .collect()
}

/// One page of all users, by name, and how many there are.
pub fn list_users(c: &Connection, page: Page) -> rusqlite::Result<(Vec<User>, u64)> {
    let total = c
        .prepare_cached("SELECT COUNT(*) FROM users")?
        .query_row([], |r| r.get::<_, i64>(0).map(|n| n as u64))?;
    let (limit, offset) = page.sql();
    let items = c
        .prepare_cached(&format!(
            "{USER} ORDER BY name, email, id LIMIT ?1 OFFSET ?2"
        ))?
        .query_map(params![limit, offset], user_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok((items, total))
}

/// Whether another user already has this email.
pub fn email_taken(c: &Connection, email: &str, except: &str) -> rusqlite::Result<bool> {
    c.prepare_cached("SELECT EXISTS(SELECT 1 FROM users WHERE email = ?1 AND id != ?2)")?
        .query_row(params![email, except], |r| r.get(0))
}

pub fn get_user(c: &Connection, id: &str) -> rusqlite::Result<Option<User>> {
    c.prepare_cached(&format!("{USER} WHERE id = ?1"))?
        .query_row([id], user_row)
        .optional()
}

/// Whether `manager` is `user` or (transitively) reports to `user`.
pub fn reports_cycle(c: &Connection, user: &str, manager: &str) -> rusqlite::Result<bool> {
    c.prepare_cached(
        "WITH RECURSIVE up(id) AS (SELECT ?2 UNION SELECT u.reports_to FROM users u JOIN up ON u.id = up.id
                                   WHERE u.reports_to IS NOT NULL)
         SELECT EXISTS(SELECT 1 FROM up WHERE id = ?1)",
    )?
    .query_row(params![user, manager], |r| r.get(0))
}

/// Apply profile fields; deactivating or changing the role ends the user's sessions.
pub fn update_profile(
    c: &Connection,
    id: &str,
    i: &UserInput,
    email: Option<&str>,
) -> rusqlite::Result<()> {
    let before = get_user(c, id)?;
    c.prepare_cached(
        "UPDATE users SET email = COALESCE(?2, email), name = COALESCE(?3, name), role = COALESCE(?4, role),
            title = COALESCE(?5, title), reports_to = CASE WHEN ?6 THEN ?7 ELSE reports_to END,
            hourly_rate = CASE WHEN ?8 THEN ?9 ELSE hourly_rate END, capacity_hours = COALESCE(?10, capacity_hours),
            active = COALESCE(?11, active), updated_at = ?12 WHERE id = ?1",
    )?
    .execute(params![
        id, email, i.name.as_deref().map(str::trim), i.role, i.title.as_deref().map(str::trim),
        i.reports_to.is_some(), i.reports_to.clone().flatten(),
        i.hourly_rate.is_some(), i.hourly_rate.flatten(), i.capacity_hours, i.active,
        crate::time::now_rfc3339()
    ])?;
    let ends_sessions = before.is_some_and(|b| {
        (i.active == Some(false) && b.active) || i.role.as_ref().is_some_and(|r| *r != b.role)
    });
    if ends_sessions {
        c.prepare_cached("UPDATE users SET token_version = token_version + 1 WHERE id = ?1")?
            .execute([id])?;
    }
    if i.active == Some(false) {
        c.prepare_cached("DELETE FROM task_timers WHERE user_id = ?1")?
            .execute([id])?;
    }
    Ok(())
}

pub fn delete_user(c: &Connection, id: &str) -> rusqlite::Result<bool> {
    c.prepare_cached(
        "DELETE FROM memberships WHERE principal_type = 'user' AND principal_id = ?1",
    )?
    .execute([id])?;
    Ok(c.prepare_cached("DELETE FROM users WHERE id = ?1")?
        .execute([id])?
        > 0)
}

/// SQL condition: team `t` is one the viewer (?1 user, ?2 admin) belongs to, or any for an admin.
const MY_TEAM: &str = "(?2 = 1 OR t.id IN (SELECT team_id FROM team_members WHERE user_id = ?1))";

/// One page of the viewer's teams (every team for an admin), by name, and how many there are.
pub fn list_teams(c: &Connection, v: &Viewer, page: Page) -> rusqlite::Result<(Vec<Team>, u64)> {
    let total = c
        .prepare_cached(&format!("SELECT COUNT(*) FROM teams t WHERE {MY_TEAM}"))?
        .query_row(params![v.user_id, v.admin], |r| {
            r.get::<_, i64>(0).map(|n| n as u64)
        })?;
    let (limit, offset) = page.sql();
    let ids: Vec<String> = c
        .prepare_cached(&format!(
            "SELECT t.id FROM teams t WHERE {MY_TEAM} ORDER BY t.name, t.id LIMIT ?3 OFFSET ?4"
        ))?
        .query_map(params![v.user_id, v.admin, limit, offset], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let items = ids
        .iter()
        .filter_map(|id| get_team(c, id).transpose())
        .collect::<rusqlite::Result<_>>()?;
    Ok((items, total))
}

/// A team the viewer belongs to (any team for an admin).
pub fn visible_team(c: &Connection, v: &Viewer, id: &str) -> rusqlite::Result<Option<Team>> {
    let mine: bool = c
        .prepare_cached(&format!(
            "SELECT EXISTS(SELECT 1 FROM teams t WHERE t.id = ?3 AND {MY_TEAM})"
        ))?
        .query_row(params![v.user_id, v.admin, id], |r| r.get(0))?;
    if mine { get_team(c, id) } else { Ok(None) }
}

pub fn get_team(c: &Connection, id: &str) -> rusqlite::Result<Option<Team>> {
    let team = c
        .prepare_cached("SELECT id, name, description, created_at FROM teams WHERE id = ?1")?
        .query_row([id], |r| {
            Ok(Team {
                id: r.get(0)?,
                name: r.get(1)?,
                description: r.get(2)?,
                member_ids: vec![],
                created_at: r.get(3)?,
            })
        })
        .optional()?;
    let Some(mut team) = team else {
        return Ok(None);
    };
    team.member_ids = c
        .prepare_cached("SELECT tm.user_id FROM team_members tm JOIN users u ON u.id = tm.user_id WHERE tm.team_id = ?1 ORDER BY u.name")?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some(team))
}

pub fn save_team(
    c: &Connection,
    id: Option<&str>,
    name: Option<&str>,
    description: Option<&str>,
    members: Option<&[String]>,
) -> rusqlite::Result<String> {
    let now = crate::time::now_rfc3339();
    let id = match id {
        Some(id) => {
            c.prepare_cached("UPDATE teams SET name = COALESCE(?2, name), description = COALESCE(?3, description), updated_at = ?4 WHERE id = ?1")?
                .execute(params![id, name.map(str::trim), description, now])?;
            id.to_string()
        }
        None => {
            let id = uuid::Uuid::now_v7().to_string();
            c.prepare_cached("INSERT INTO teams (id, name, description, created_at, updated_at) VALUES (?1, ?2, COALESCE(?3, ''), ?4, ?4)")?
                .execute(params![id, name.map(str::trim), description, now])?;
            id
        }
    };
    if let Some(members) = members {
        c.prepare_cached("DELETE FROM team_members WHERE team_id = ?1")?
            .execute([&id])?;
        for m in members {
            c.prepare_cached(
                "INSERT OR IGNORE INTO team_members (team_id, user_id) VALUES (?1, ?2)",
            )?
            .execute(params![id, m])?;
        }
    }
    Ok(id)
}

pub fn delete_team(c: &Connection, id: &str) -> rusqlite::Result<bool> {
    c.prepare_cached(
        "DELETE FROM memberships WHERE principal_type = 'team' AND principal_id = ?1",
    )?
    .execute([id])?;
    Ok(c.prepare_cached("DELETE FROM teams WHERE id = ?1")?
        .execute([id])?
        > 0)
}

/// The reporting tree of active users: roots are people who report to no one (active).
pub fn orgchart(c: &Connection, v: &Viewer) -> rusqlite::Result<Vec<OrgNode>> {
    let seen: std::collections::HashSet<String> = c
        .prepare_cached(&format!(
            "SELECT u.id FROM users u WHERE {}",
            access::colleague("u", "id", 1)
        ))?
        .query_map(params![v.user_id, v.admin], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let users: Vec<User> = all_users(c)?
        .into_iter()
        .filter(|u| u.active && seen.contains(&u.id))
        .collect();
    let ids: std::collections::HashSet<&str> = users.iter().map(|u| u.id.as_str()).collect();
    let mut children: HashMap<Option<String>, Vec<&User>> = HashMap::new();
    for u in &users {
        let parent = u.reports_to.clone().filter(|p| ids.contains(p.as_str()));
        children.entry(parent).or_default().push(u);
    }
    fn build(u: &User, children: &HashMap<Option<String>, Vec<&User>>, depth: usize) -> OrgNode {
        OrgNode {
            id: u.id.clone(),
            name: u.name.clone(),
            email: u.email.clone(),
            title: u.title.clone(),
            role: u.role.clone(),
            // Cycles are refused on write; the depth cap only guards against hand-edited data.
            reports: if depth > 64 {
                vec![]
            } else {
                children
                    .get(&Some(u.id.clone()))
                    .map(|cs| cs.iter().map(|c| build(c, children, depth + 1)).collect())
                    .unwrap_or_default()
            },
        }
    }
    Ok(children
        .get(&None)
        .map(|roots| roots.iter().map(|u| build(u, &children, 0)).collect())
        .unwrap_or_default())
}

/// One page of the active users' load this week, by name, and how many active users there are.
pub fn allocation(
    c: &Connection,
    v: &Viewer,
    page: Page,
) -> rusqlite::Result<(Vec<Allocation>, u64)> {
    let total = c
        .prepare_cached(&format!(
            "SELECT COUNT(*) FROM users u WHERE u.active = 1 AND {}",
            access::colleague("u", "id", 1)
        ))?
        .query_row(params![v.user_id, v.admin], |r| {
            r.get::<_, i64>(0).map(|n| n as u64)
        })?;
    let (limit, offset) = page.sql();
    let today = chrono::Utc::now().date_naive();
    let monday = today
        - chrono::Duration::days(chrono::Datelike::weekday(&today).num_days_from_monday() as i64);
    let items = c.prepare_cached(&format!(
        "SELECT u.id, u.name, u.title, u.capacity_hours,
            (SELECT COUNT(*) FROM tasks t WHERE t.assignee_id = u.id AND t.completed_at IS NULL),
            (SELECT COALESCE(SUM(t.estimated_minutes), 0) FROM tasks t WHERE t.assignee_id = u.id AND t.completed_at IS NULL),
            (SELECT COALESCE(SUM(e.minutes), 0) FROM timesheets e WHERE e.owner_id = u.id AND e.date >= ?1)
         FROM users u WHERE u.active = 1 AND {} ORDER BY u.name, u.email, u.id LIMIT ?2 OFFSET ?3",
        access::colleague("u", "id", 4)
    ))?
    .query_map(params![monday.format("%Y-%m-%d").to_string(), limit, offset, v.user_id, v.admin], |r| {
        let cap: f64 = r.get(3)?;
        let est = r.get::<_, i64>(5)? as f64 / 60.0;
        Ok(Allocation {
            user_id: r.get(0)?,
            name: r.get(1)?,
            title: r.get(2)?,
            capacity_hours: cap,
            open_tasks: r.get(4)?,
            estimated_hours: (est * 10.0).round() / 10.0,
            logged_hours_week: ((r.get::<_, i64>(6)? as f64 / 60.0) * 10.0).round() / 10.0,
            utilization_pct: if cap > 0.0 { (est / cap * 1000.0).round() / 10.0 } else { 0.0 },
        })
    })?
    .collect::<rusqlite::Result<_>>()?;
    Ok((items, total))
}
