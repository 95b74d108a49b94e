//! Security review, long-lived streams (9): the notification and conversation event streams end
//! within seconds of the session ending.
use crate::fake_llm::new_conversation;
use crate::helpers::*;
use serde_json::json;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

/// Open a stream with `token` and run `end_session` once it is flowing; how long the stream then
/// took to end (None: still open after 15 s).
fn stream_outlives(
    s: &TestServer,
    path: &str,
    token: &str,
    end_session: impl FnOnce(),
) -> Option<Duration> {
    let mut conn = std::net::TcpStream::connect(s.base.trim_start_matches("http://")).unwrap();
    let host = s.base.trim_start_matches("http://");
    write!(
        conn,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(15)))
        .unwrap();
    let mut buf = [0u8; 4096];
    let n = conn.read(&mut buf).unwrap();
    let head = String::from_utf8_lossy(&buf[..n]).to_string();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    end_session();
    let ended = Instant::now();
    while ended.elapsed() < Duration::from_secs(15) {
        match conn.read(&mut buf) {
            Ok(0) => return Some(ended.elapsed()),
            Ok(_) => continue,
            Err(_) => return None,
        }
    }
    None
}

#[test]
fn the_notification_stream_ends_after_a_password_change() {
    let s = TestServer::start_with(|c| c.login_per_minute = 100);
    let (_, token) = s.member("nia@example.com");
    let other = s.login("nia@example.com", "member-pass-123");
    let took = stream_outlives(&s, "/api/v1/notifications/stream", &token, || {
        let r = s.put(
            "/api/v1/auth/change-password",
            Some(&other),
            &json!({ "current_password": "member-pass-123", "new_password": "a-brand-new-phrase-9" }),
        );
        assert_eq!(r.status, 200, "{}", r.text);
    });
    let took = took.expect("the stream kept going after the password change");
    assert!(took < Duration::from_secs(8), "{took:?}");
}

#[test]
fn the_conversation_stream_ends_when_the_user_is_deactivated_or_the_token_expires() {
    let s = TestServer::start_with(|c| c.login_per_minute = 100);
    let admin = s.admin_token();
    let (id, token) = s.member("ola@example.com");
    let conv = new_conversation(&s, &token);
    let path = format!("/api/v1/chat/conversations/{conv}/events");
    let took = stream_outlives(&s, &path, &token, || {
        let r = s.put(
            &format!("/api/v1/enterprise/users/{id}"),
            Some(&admin),
            &json!({ "active": false }),
        );
        assert_eq!(r.status, 200, "{}", r.text);
    });
    let took = took.expect("the stream kept going after deactivation");
    assert!(took < Duration::from_secs(8), "{took:?}");

    let s = TestServer::start_with(|c| {
        c.login_per_minute = 100;
        c.jwt_ttl_secs = 2;
    });
    let (_, token) = s.member("pia@example.com");
    let conv = new_conversation(&s, &token);
    let path = format!("/api/v1/chat/conversations/{conv}/events");
    let took = stream_outlives(&s, &path, &token, || {});
    assert!(took.is_some(), "the stream outlived its token");
}
