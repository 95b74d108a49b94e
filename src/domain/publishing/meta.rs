//! Meta on the wire (Graph API): code → token → long-lived token → pages with their page tokens
//! and Instagram business accounts; Page posts (`/feed`, `/photos`); Instagram containers
//! (single or carousel) polled until FINISHED, then `media_publish`, after a quota check;
//! lookups of recent posts; error codes turned into outcomes (190 expired, 4/17/32/613/80001/
//! 80002 throttled, 1/2 transient).
use super::conf::Conf;
use super::types::{Connection, Outcome};
use super::wire::{self, Answer};
use crate::state::AppState;
use std::time::Duration;

pub const SCOPES: &str = "pages_show_list,pages_read_engagement,pages_manage_posts,instagram_basic,instagram_content_publish";

pub fn dialog_url(conf: &Conf, app_id: &str, state: &str, redirect_uri: &str) -> String {
    let q = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", app_id)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("state", state)
        .append_pair("response_type", "code")
        .append_pair("scope", SCOPES)
        .finish();
    format!(
        "{}/{}/dialog/oauth?{q}",
        conf.meta_dialog, conf.meta_version
    )
}

pub(super) fn graph(conf: &Conf, path: &str) -> String {
    format!("{}/{}/{}", conf.meta_graph, conf.meta_version, path)
}

pub(super) fn describe(a: &Answer) -> String {
    if let Some(e) = &a.transport {
        return e.clone();
    }
    match a.body["error"]["message"].as_str() {
        Some(m) => format!(
            "HTTP {} (code {}): {m}",
            a.status,
            a.body["error"]["code"].as_i64().unwrap_or(0)
        ),
        None => format!("HTTP {}", a.status),
    }
}

/// Code → short token → long-lived token → one connection per page and per Instagram account.
pub fn connect(
    state: &AppState,
    conf: &Conf,
    code: &str,
    redirect_uri: &str,
) -> Result<Vec<Connection>, String> {
    let (Some(app_id), Some(secret)) = (&conf.meta_app_id, &conf.meta_app_secret) else {
        return Err(
            "Meta is not configured: set meta_app_id and meta_app_secret in Settings".into(),
        );
    };
    let agent = conf.agent(state);
    let short = wire::answer(
        agent
            .get(graph(conf, "oauth/access_token"))
            .query("client_id", app_id)
            .query("redirect_uri", redirect_uri)
            .query("client_secret", secret)
            .query("code", code)
            .call(),
    );
    let Some(short_token) = short.body["access_token"]
        .as_str()
        .filter(|_| short.status == 200)
    else {
        return Err(format!("Meta refused the sign-in: {}", describe(&short)));
    };
    let long = wire::answer(
        agent
            .get(graph(conf, "oauth/access_token"))
            .query("grant_type", "fb_exchange_token")
            .query("client_id", app_id)
            .query("client_secret", secret)
            .query("fb_exchange_token", short_token)
            .call(),
    );
    let Some(user_token) = long.body["access_token"]
        .as_str()
        .filter(|_| long.status == 200)
    else {
        return Err(format!(
            "Meta refused the long-lived token: {}",
            describe(&long)
        ));
    };
    let expires = long.body["expires_in"].as_i64();
    let pages = wire::answer(
        agent
            .get(graph(conf, "me/accounts"))
            .query(
                "fields",
                "id,name,access_token,tasks,instagram_business_account{id,username}",
            )
            .query("access_token", user_token)
            .call(),
    );
    let Some(list) = pages.body["data"]
        .as_array()
        .filter(|_| pages.status == 200)
    else {
        return Err(format!("Meta did not list the pages: {}", describe(&pages)));
    };
    let scopes: Vec<String> = SCOPES.split(',').map(str::to_string).collect();
    let mut out = Vec::new();
    for p in list {
        let (Some(id), Some(token)) = (p["id"].as_str(), p["access_token"].as_str()) else {
            continue;
        };
        let name = p["name"].as_str().unwrap_or(id).to_string();
        out.push(Connection {
            platform: "facebook",
            name: name.clone(),
            external_id: id.to_string(),
            token: token.to_string(),
            expires_in_secs: expires,
            scopes: scopes.clone(),
        });
        if let Some(ig) = p["instagram_business_account"]["id"].as_str() {
            let ig_name = p["instagram_business_account"]["username"]
                .as_str()
                .map(|u| format!("@{u}"))
                .unwrap_or_else(|| format!("{name} (Instagram)"));
            out.push(Connection {
                platform: "instagram",
                name: ig_name,
                external_id: ig.to_string(),
                token: token.to_string(),
                expires_in_secs: expires,
                scopes: scopes.clone(),
            });
        }
    }
    if out.is_empty() {
        return Err(
            "no Facebook Page was shared with the app: choose at least one Page when connecting"
                .into(),
        );
    }
    Ok(out)
}

fn outcome(a: &Answer, what: &str) -> Outcome {
    if let Some(o) = wire::transport_outcome(a) {
        return o;
    }
    let detail = describe(a);
    let code = a.body["error"]["code"].as_i64().unwrap_or(0);
    match (a.status, code) {
        (_, 190) | (401, _) => Outcome::Expired(format!(
            "Meta refused the token ({detail}); reconnect the account"
        )),
        (_, 4 | 17 | 32 | 613 | 80001 | 80002) | (429, _) => Outcome::Retry {
            after_ms: a.retry_after_ms.unwrap_or(15 * 60_000),
            reason: format!("Meta is throttling ({detail})"),
        },
        (_, 1 | 2) => Outcome::Retry {
            after_ms: a.retry_after_ms.unwrap_or(60_000),
            reason: format!("Meta had a temporary problem ({detail})"),
        },
        (_, 10 | 200..=299) => Outcome::Failed(format!(
            "Meta refused the {what}: missing permission — reconnect and grant it ({detail})"
        )),
        (s, _) if s >= 500 => Outcome::Retry {
            after_ms: a.retry_after_ms.unwrap_or(60_000),
            reason: format!("Meta failed ({detail})"),
        },
        _ => Outcome::Failed(format!("Meta refused the {what} ({detail})")),
    }
}

fn post_form(agent: &ureq::Agent, url: String, token: &str, fields: &[(&str, &str)]) -> Answer {
    let mut form: Vec<(&str, &str)> = fields.to_vec();
    form.push(("access_token", token));
    wire::answer(agent.post(url).send_form(form))
}

/// A Page post: text (and link) on `/feed`, one image on `/photos`, several images uploaded
/// unpublished and attached to one `/feed` post.
pub fn publish_facebook(
    state: &AppState,
    conf: &Conf,
    token: &str,
    page: &str,
    message: &str,
    link: Option<&str>,
    image_urls: &[String],
) -> Outcome {
    let agent = conf.agent(state);
    let a = match image_urls {
        [] => {
            let mut f = vec![("message", message)];
            if let Some(l) = link {
                f.push(("link", l));
            }
            post_form(agent, graph(conf, &format!("{page}/feed")), token, &f)
        }
        [one] => post_form(
            agent,
            graph(conf, &format!("{page}/photos")),
            token,
            &[("url", one), ("caption", message)],
        ),
        many => {
            let mut ids = Vec::new();
            for u in many {
                let up = post_form(
                    agent,
                    graph(conf, &format!("{page}/photos")),
                    token,
                    &[("url", u), ("published", "false")],
                );
                match up.body["id"].as_str() {
                    Some(id) if up.status == 200 => ids.push(id.to_string()),
                    _ => return outcome(&up, "photo"),
                }
            }
            let attached: Vec<(String, String)> = ids
                .iter()
                .enumerate()
                .map(|(i, id)| {
                    (
                        format!("attached_media[{i}]"),
                        serde_json::json!({ "media_fbid": id }).to_string(),
                    )
                })
                .collect();
            let mut f: Vec<(&str, &str)> = vec![("message", message)];
            f.extend(attached.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            post_form(agent, graph(conf, &format!("{page}/feed")), token, &f)
        }
    };
    let id = a.body["post_id"].as_str().or(a.body["id"].as_str());
    match id {
        Some(id) if a.status == 200 => Outcome::Published {
            external_id: id.to_string(),
            url: format!("https://www.facebook.com/{id}"),
        },
        _ => outcome(&a, "post"),
    }
}

/// An Instagram post: quota check, container(s), poll until FINISHED, publish, permalink.
pub fn publish_instagram(
    state: &AppState,
    conf: &Conf,
    token: &str,
    ig: &str,
    caption: &str,
    image_urls: &[String],
) -> Outcome {
    let agent = conf.agent(state);
    let quota = wire::answer(
        agent
            .get(graph(conf, &format!("{ig}/content_publishing_limit")))
            .query("fields", "quota_usage,config")
            .query("access_token", token)
            .call(),
    );
    if quota.status != 200 {
        return outcome(&quota, "quota check");
    }
    let q = &quota.body["data"][0];
    if let (Some(used), Some(total)) = (
        q["quota_usage"].as_i64(),
        q["config"]["quota_total"].as_i64(),
    ) && used >= total
    {
        return Outcome::Retry {
            after_ms: 3_600_000,
            reason: format!(
                "the Instagram publishing quota is spent ({used} of {total} in 24 hours)"
            ),
        };
    }
    let media = graph(conf, &format!("{ig}/media"));
    let container = match image_urls {
        [] => return Outcome::Failed("Instagram needs an image".into()),
        [one] => post_form(
            agent,
            media,
            token,
            &[("image_url", one), ("caption", caption)],
        ),
        many => {
            let mut children = Vec::new();
            for u in many {
                let c = post_form(
                    agent,
                    media.clone(),
                    token,
                    &[("image_url", u), ("is_carousel_item", "true")],
                );
                match c.body["id"].as_str() {
                    Some(id) if c.status == 200 => children.push(id.to_string()),
                    _ => return outcome(&c, "image"),
                }
            }
            let joined = children.join(",");
            post_form(
                agent,
                media,
                token,
                &[
                    ("media_type", "CAROUSEL"),
                    ("children", &joined),
                    ("caption", caption),
                ],
            )
        }
    };
    let Some(creation) = container.body["id"]
        .as_str()
        .filter(|_| container.status == 200)
    else {
        return outcome(&container, "image");
    };
    for round in 0.. {
        let s = wire::answer(
            agent
                .get(graph(conf, creation))
                .query("fields", "status_code")
                .query("access_token", token)
                .call(),
        );
        match s.body["status_code"].as_str() {
            Some("FINISHED") => break,
            Some("IN_PROGRESS") if round < 60 => std::thread::sleep(Duration::from_millis(500)),
            Some(other) => {
                return Outcome::Failed(format!(
                    "Instagram could not prepare the media (status {other})"
                ));
            }
            None => return outcome(&s, "media"),
        }
    }
    let done = post_form(
        agent,
        graph(conf, &format!("{ig}/media_publish")),
        token,
        &[("creation_id", creation)],
    );
    let Some(id) = done.body["id"].as_str().filter(|_| done.status == 200) else {
        return outcome(&done, "post");
    };
    let link = wire::answer(
        agent
            .get(graph(conf, id))
            .query("fields", "permalink")
            .query("access_token", token)
            .call(),
    );
    Outcome::Published {
        external_id: id.to_string(),
        url: link.body["permalink"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| format!("https://www.instagram.com/{ig}/")),
    }
}
