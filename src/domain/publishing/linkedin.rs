//! LinkedIn on the wire: the OAuth code exchange and `/v2/userinfo`, the Posts API (with
//! `LinkedIn-Version` and `X-Restli-Protocol-Version: 2.0.0`), image uploads through the Images
//! API, "little text" escaping, a post lookup by author (to resolve a send whose answer was
//! lost), and answers turned into outcomes a user can act on.
use super::conf::Conf;
use super::types::{Connection, Outcome};
use super::wire::{self, Answer};
use crate::state::AppState;
use serde_json::{Value, json};

pub const SCOPES: &str = "openid profile email w_member_social";

pub fn authorize_url(conf: &Conf, client_id: &str, state: &str, redirect_uri: &str) -> String {
    let q = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("response_type", "code")
        .append_pair("client_id", client_id)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("state", state)
        .append_pair("scope", SCOPES)
        .finish();
    format!("{}/oauth/v2/authorization?{q}", conf.linkedin_auth)
}

/// Code → token → member id and name.
pub fn connect(
    state: &AppState,
    conf: &Conf,
    code: &str,
    redirect_uri: &str,
) -> Result<Connection, String> {
    let (Some(id), Some(secret)) = (&conf.linkedin_client_id, &conf.linkedin_client_secret) else {
        return Err("LinkedIn is not configured: set linkedin_client_id and linkedin_client_secret in Settings".into());
    };
    let agent = conf.agent(state);
    let resp = agent
        .post(format!("{}/oauth/v2/accessToken", conf.linkedin_auth))
        .send_form([
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("client_id", id),
            ("client_secret", secret),
        ]);
    let a = wire::answer(resp);
    let token = match (&a, a.body["access_token"].as_str()) {
        (Answer { status: 200, .. }, Some(t)) => t.to_string(),
        _ => return Err(format!("LinkedIn refused the sign-in: {}", describe(&a))),
    };
    let expires_in = a.body["expires_in"].as_i64();
    let scopes = a.body["scope"]
        .as_str()
        .unwrap_or("")
        .split([',', ' '])
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let me = wire::answer(
        agent
            .get(format!("{}/v2/userinfo", conf.linkedin_api))
            .header("Authorization", format!("Bearer {token}"))
            .call(),
    );
    let Some(sub) = me.body["sub"].as_str().filter(|_| me.status == 200) else {
        return Err(format!(
            "LinkedIn did not say who signed in: {}",
            describe(&me)
        ));
    };
    let name = me.body["name"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| {
            format!(
                "{} {}",
                me.body["given_name"].as_str().unwrap_or(""),
                me.body["family_name"].as_str().unwrap_or("")
            )
            .trim()
            .to_string()
        });
    Ok(Connection {
        platform: "linkedin",
        name: if name.is_empty() {
            sub.to_string()
        } else {
            name
        },
        external_id: sub.to_string(),
        token,
        expires_in_secs: expires_in,
        scopes,
    })
}

/// LinkedIn's "little text": reserved characters are escaped with a backslash; `#word` becomes
/// a hashtag template so hashtags stay hashtags.
pub fn little_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let ch = chars[i];
        let starts_word = i == 0 || !chars[i - 1].is_alphanumeric();
        if ch == '#' && starts_word && chars.get(i + 1).is_some_and(|c| c.is_alphanumeric()) {
            let tag: String = chars[i + 1..]
                .iter()
                .take_while(|c| c.is_alphanumeric() || **c == '_')
                .collect();
            out.push_str("{hashtag|\\#|");
            out.push_str(&tag.replace('_', "\\_"));
            out.push('}');
            i += 1 + tag.chars().count();
            continue;
        }
        if "\\|{}@[]()<>#*_~".contains(ch) {
            out.push('\\');
        }
        out.push(ch);
        i += 1;
    }
    out
}

fn rest(
    agent: &ureq::Agent,
    conf: &Conf,
    token: &str,
    path: &str,
) -> ureq::RequestBuilder<ureq::typestate::WithBody> {
    agent
        .post(format!("{}{path}", conf.linkedin_api))
        .header("Authorization", format!("Bearer {token}"))
        .header("LinkedIn-Version", &conf.linkedin_version)
        .header("X-Restli-Protocol-Version", "2.0.0")
}

/// Upload images and publish one post as member `sub`.
pub fn publish(
    state: &AppState,
    conf: &Conf,
    token: &str,
    sub: &str,
    commentary: &str,
    images: &[(String, Vec<u8>)],
) -> Outcome {
    let agent = conf.agent(state);
    let author = format!("urn:li:person:{sub}");
    let mut media = Vec::new();
    for (_mime, bytes) in images {
        let init = wire::answer(
            rest(agent, conf, token, "/rest/images?action=initializeUpload")
                .send_json(json!({ "initializeUploadRequest": { "owner": author } })),
        );
        let (Some(upload), Some(urn)) = (
            init.body["value"]["uploadUrl"].as_str(),
            init.body["value"]["image"].as_str(),
        ) else {
            return outcome(&init, conf);
        };
        let put = wire::answer(
            agent
                .put(upload)
                .header("Authorization", format!("Bearer {token}"))
                .content_type("application/octet-stream")
                .send(&bytes[..]),
        );
        if !(200..300).contains(&put.status) {
            return outcome(&put, conf);
        }
        media.push(urn.to_string());
    }
    let mut body = json!({
        "author": author,
        "commentary": commentary,
        "visibility": "PUBLIC",
        "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [], "thirdPartyDistributionChannels": []},
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": false,
    });
    match media.as_slice() {
        [] => {}
        [one] => body["content"] = json!({ "media": { "id": one, "altText": "" } }),
        many => {
            let images: Vec<Value> = many
                .iter()
                .map(|id| json!({ "id": id, "altText": "" }))
                .collect();
            body["content"] = json!({ "multiImage": { "images": images } });
        }
    }
    let a = wire::answer(rest(agent, conf, token, "/rest/posts").send_json(body));
    match (a.status, a.restli_id.as_deref()) {
        (201 | 200, Some(id)) => Outcome::Published {
            external_id: id.to_string(),
            url: post_url(id),
        },
        _ => outcome(&a, conf),
    }
}

pub fn post_url(urn: &str) -> String {
    format!("https://www.linkedin.com/feed/update/{urn}/")
}

pub(super) fn describe(a: &Answer) -> String {
    let msg = a.body["message"]
        .as_str()
        .or(a.body["error_description"].as_str())
        .or(a.body["error"].as_str())
        .unwrap_or("");
    match (&a.transport, msg) {
        (Some(e), _) => e.clone(),
        (None, "") => format!("HTTP {}", a.status),
        (None, m) => format!("HTTP {}: {m}", a.status),
    }
}

/// What a refusal means for the post and the account.
fn outcome(a: &Answer, conf: &Conf) -> Outcome {
    if let Some(o) = wire::transport_outcome(a) {
        return o;
    }
    let detail = describe(a);
    match a.status {
        401 => Outcome::Expired(format!(
            "LinkedIn refused the token ({detail}); reconnect the account"
        )),
        403 => Outcome::Failed(format!(
            "LinkedIn refused the post: the app lacks permission (w_member_social) — reconnect the account ({detail})"
        )),
        422 => Outcome::Duplicate(format!(
            "LinkedIn refused it as a duplicate of a post already published ({detail})"
        )),
        426 => Outcome::Failed(format!(
            "LinkedIn-Version {} is no longer served; update it in Settings",
            conf.linkedin_version
        )),
        429 => Outcome::Retry {
            after_ms: a.retry_after_ms.unwrap_or(60_000),
            reason: format!("LinkedIn is throttling ({detail})"),
        },
        s if s >= 500 => Outcome::Retry {
            after_ms: a.retry_after_ms.unwrap_or(30_000),
            reason: format!("LinkedIn failed ({detail})"),
        },
        _ => Outcome::Failed(format!("LinkedIn refused the post ({detail})")),
    }
}

#[cfg(test)]
mod tests {
    use super::little_text;

    #[test]
    fn little_text_escapes_reserved_characters_and_keeps_hashtags() {
        assert_eq!(
            little_text("Ship (now) @team *bold* a_b #launch2026 x#y"),
            "Ship \\(now\\) \\@team \\*bold\\* a\\_b {hashtag|\\#|launch2026} x\\#y"
        );
        assert_eq!(
            little_text("50% <off> [x] {y} ~z | \\"),
            "50% \\<off\\> \\[x\\] \\{y\\} \\~z \\| \\\\"
        );
    }
}
