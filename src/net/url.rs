//! What a user-supplied URL may be: the shape the API document states (`HTTP_URL_PATTERN`),
//! read exactly by `check_url`, and the addresses a server-side fetch must never reach.
use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs};

/// The shape of an http(s) URL that `check_url` reads, as an ECMA-262 pattern for the API
/// document: a plain ASCII host or a bracketed IPv6 address in hexadecimal groups, an optional port (0-65535), no
/// credentials, and a path, query and fragment of URL characters (percent-escapes included).
/// `check_url` reads exactly this shape (`has_http_url_shape`).
pub const HTTP_URL_PATTERN: &str = "^https?://([A-Za-z0-9.-]+|\\[(([0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|([0-9A-Fa-f]{1,4}:){1,7}:|([0-9A-Fa-f]{1,4}:){1,6}:[0-9A-Fa-f]{1,4}|([0-9A-Fa-f]{1,4}:){1,5}(:[0-9A-Fa-f]{1,4}){1,2}|([0-9A-Fa-f]{1,4}:){1,4}(:[0-9A-Fa-f]{1,4}){1,3}|([0-9A-Fa-f]{1,4}:){1,3}(:[0-9A-Fa-f]{1,4}){1,4}|([0-9A-Fa-f]{1,4}:){1,2}(:[0-9A-Fa-f]{1,4}){1,5}|[0-9A-Fa-f]{1,4}:(:[0-9A-Fa-f]{1,4}){1,6}|:((:[0-9A-Fa-f]{1,4}){1,7}|:))\\])(:([0-9]{1,4}|[0-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?([/?#][A-Za-z0-9._~:/?#@!$&'()*+,;=%-]*)?$";

// The attribute repeats `HTTP_URL_PATTERN` (a derive takes only a literal); a test in
// `docs::facts` keeps them equal.
/// An http or https URL.
#[derive(utoipa::ToSchema)]
#[schema(
    value_type = String,
    pattern = "^https?://([A-Za-z0-9.-]+|\\[(([0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|([0-9A-Fa-f]{1,4}:){1,7}:|([0-9A-Fa-f]{1,4}:){1,6}:[0-9A-Fa-f]{1,4}|([0-9A-Fa-f]{1,4}:){1,5}(:[0-9A-Fa-f]{1,4}){1,2}|([0-9A-Fa-f]{1,4}:){1,4}(:[0-9A-Fa-f]{1,4}){1,3}|([0-9A-Fa-f]{1,4}:){1,3}(:[0-9A-Fa-f]{1,4}){1,4}|([0-9A-Fa-f]{1,4}:){1,2}(:[0-9A-Fa-f]{1,4}){1,5}|[0-9A-Fa-f]{1,4}:(:[0-9A-Fa-f]{1,4}){1,6}|:((:[0-9A-Fa-f]{1,4}){1,7}|:))\\])(:([0-9]{1,4}|[0-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?([/?#][A-Za-z0-9._~:/?#@!$&'()*+,;=%-]*)?$"
)]
pub struct HttpUrl(pub String);

/// Why a URL was refused before any byte was sent.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum UrlRefused {
    #[error("only http and https URLs are allowed")]
    Scheme,
    #[error("the URL is not valid")]
    Invalid,
    #[error("URLs with credentials are not allowed")]
    Credentials,
    #[error(
        "{0} is a private, loopback or link-local address; an admin can allow private networks in settings"
    )]
    Private(String),
}

/// True for addresses a server-side fetch must never reach on behalf of a user.
pub fn is_forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return forbidden_v4(v4);
            }
            let seg0 = v6.segments()[0];
            if let Some(v4) = embedded_v4(v6)
                .into_iter()
                .flatten()
                .find(|v4| forbidden_v4(*v4))
            {
                tracing::debug!(%v6, %v4, "an IPv6 address embeds a forbidden IPv4 address");
                return true;
            }
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (seg0 & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (seg0 & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (seg0 & 0xffc0) == 0xfec0 // site-local (deprecated) fec0::/10
                || v6.segments()[..6] == [0, 0, 0, 0, 0, 0] // IPv4-compatible ::a.b.c.d
                || (seg0 == 0x64 && v6.segments()[1] == 0xff9b) // NAT64 64:ff9b::/96
                || (seg0 == 0x2001 && v6.segments()[1] == 0x0db8) // documentation
        }
    }
}

/// The IPv4 addresses a 6to4 (`2002::/16`: bits 16–47) or Teredo (`2001::/32`: the server in
/// bits 32–63, the client inverted in the last 32) address routes to.
fn embedded_v4(v6: std::net::Ipv6Addr) -> Option<[Ipv4Addr; 2]> {
    let s = v6.segments();
    let v4 = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    match (s[0], s[1]) {
        (0x2002, _) => Some([v4(s[1], s[2]), v4(s[1], s[2])]),
        (0x2001, 0) => Some([v4(s[2], s[3]), v4(!s[6], !s[7])]),
        _ => None,
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || o[0] == 0 // "this network"
        || (o[0] == 100 && (o[1] & 0xc0) == 64) // carrier-grade NAT 100.64/10
        || (o[0] == 192 && o[1] == 0 && o[2] == 0) // IETF protocol assignments
        || (o[0] == 198 && (o[1] & 0xfe) == 18) // benchmarking 198.18/15
        || o[0] >= 240 // reserved
}

/// Scheme and authority of an http(s) URL, and the rest (path, query, fragment).
fn split_http_url(url: &str) -> Option<(&str, &str)> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))?;
    Some(rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len())))
}

/// The shape `HTTP_URL_PATTERN` states, checked by hand (the same grammar, part by part).
fn has_http_url_shape(url: &str) -> bool {
    let Some((authority, tail)) = split_http_url(url) else {
        return false;
    };
    let (host_ok, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let Some((addr, after)) = v6.split_once(']') else {
                return false;
            };
            // Hexadecimal groups only (an IPv4 tail such as ::ffff:1.2.3.4 has a hex form).
            let ok = !addr.contains('.') && addr.parse::<std::net::Ipv6Addr>().is_ok();
            match after.strip_prefix(':') {
                Some(p) => (ok, Some(p)),
                None => (ok && after.is_empty(), None),
            }
        }
        None => {
            let (host, port) = match authority.split_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            };
            let ok = !host.is_empty()
                && host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
            (ok, port)
        }
    };
    let port_ok = port.is_none_or(|p| {
        (1..=5).contains(&p.len())
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|n| n <= 65535)
    });
    host_ok
        && port_ok
        && tail
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._~:/?#@!$&'()*+,;=%-".contains(&b))
}

/// Static checks on a URL: an http(s) scheme, no credentials, the shape the API document
/// states (`HTTP_URL_PATTERN`). DNS is checked at connect time.
pub fn check_url(url: &str) -> Result<ureq::http::Uri, UrlRefused> {
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return Err(UrlRefused::Scheme);
    }
    if split_http_url(url).is_some_and(|(authority, _)| authority.contains('@')) {
        return Err(UrlRefused::Credentials);
    }
    if !has_http_url_shape(url) {
        return Err(UrlRefused::Invalid);
    }
    url.parse().map_err(|_| UrlRefused::Invalid)
}

/// Like `check_url`, and resolves the host now to refuse private targets early (for a clear
/// 4xx at create time). The connect-time check still applies later.
pub fn check_public_url(url: &str, allow_private: bool) -> Result<ureq::http::Uri, UrlRefused> {
    let uri = check_url(url)?;
    if !allow_private {
        match resolve_checked(&uri, false) {
            Ok(_) => {}
            Err(ResolveError::Refused(r)) => return Err(r),
            // A name that does not resolve now is no reason to refuse the URL: fetching it fails
            // with its own error (and the fetch's resolver checks the addresses again then).
            Err(ResolveError::NotFound) => {}
        }
    }
    Ok(uri)
}

pub(super) enum ResolveError {
    Refused(UrlRefused),
    NotFound,
}

pub(super) fn resolve_checked(
    uri: &ureq::http::Uri,
    allow_private: bool,
) -> Result<Vec<SocketAddr>, ResolveError> {
    let host = uri.host().ok_or(ResolveError::NotFound)?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port = uri
        .port_u16()
        .unwrap_or(if uri.scheme_str() == Some("https") {
            443
        } else {
            80
        });
    // getaddrinfo also parses legacy forms (decimal 2130706433, hex 0x7f.1, octal 0177.0.0.1):
    // whatever it yields is checked as the address it really is.
    let addrs: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|_| ResolveError::NotFound)?
        .collect();
    if addrs.is_empty() {
        return Err(ResolveError::NotFound);
    }
    if !allow_private && let Some(bad) = addrs.iter().find(|a| is_forbidden(a.ip())) {
        return Err(ResolveError::Refused(UrlRefused::Private(
            bad.ip().to_string(),
        )));
    }
    Ok(addrs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_loopback_link_local_and_mapped_addresses_are_forbidden() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd12::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
        ] {
            assert!(is_forbidden(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"] {
            assert!(!is_forbidden(ip.parse().unwrap()), "{ip}");
        }
    }

    /// The check reads exactly the shape the document states: every string of a small
    /// alphabet, in many combinations, is accepted by both or refused by both.
    #[test]
    fn the_url_check_and_the_stated_pattern_agree() {
        let pattern = regex::Regex::new(HTTP_URL_PATTERN).unwrap();
        let parts = [
            "http://",
            "https://",
            "HTTP://",
            "a",
            "0",
            ".",
            "-",
            "_",
            "[",
            "]",
            "::1",
            "a:b",
            ":",
            ":80",
            ":65535",
            ":65536",
            ":99999",
            ":0",
            ":",
            "/",
            "?",
            "#",
            "%20",
            "*",
            " ",
            "@",
            "é",
            "\\",
            "\"",
            "{",
            "|",
            "^",
            "x.com",
            "[::1]",
            "[1.2.3.4]",
            "[g]",
            "[]",
            "[::]",
            "[1::]",
            "[::ffff:7f00:1]",
            "[::ffff:1.2.3.4]",
            "[1:2:3:4:5:6:7:8]",
            "[1:2:3:4:5:6:7::]",
            "[1:2:3:4:5:6:7:8:9]",
            "[12345::]",
            "[1::2::3]",
            "[:1]",
            "[.e90]",
            "[0:.]",
        ];
        let mut seen = 0;
        for a in &parts[..3] {
            for b in &parts {
                for c in &parts {
                    for d in &parts {
                        let url = format!("{a}{b}{c}{d}");
                        let shape = has_http_url_shape(&url);
                        assert_eq!(shape, pattern.is_match(&url), "{url:?}");
                        if shape && !url.contains('@') {
                            assert!(check_url(&url).is_ok(), "{url:?}");
                        }
                        seen += 1;
                    }
                }
            }
        }
        assert!(seen > 100_000);
    }

    #[test]
    fn urls_are_checked_for_scheme_credentials_and_private_targets() {
        assert_eq!(
            check_url("file:///etc/passwd").unwrap_err(),
            UrlRefused::Scheme
        );
        assert_eq!(check_url("gopher://x").unwrap_err(), UrlRefused::Scheme);
        // A port is digits (the document's pattern says so too).
        assert_eq!(
            check_url("http://example.com:500*").unwrap_err(),
            UrlRefused::Invalid
        );
        assert!(check_url("http://example.com:58000/x").is_ok());
        // ...of at most 65535, as the pattern's port alternatives say.
        assert!(check_url("http://example.com:65535/x").is_ok());
        for port in ["65536", "99999"] {
            assert_eq!(
                check_url(&format!("http://example.com:{port}/")).unwrap_err(),
                UrlRefused::Invalid
            );
        }
        assert_eq!(
            check_url("http://user:pw@example.com/").unwrap_err(),
            UrlRefused::Credentials
        );
        // An IPv6 address is written in hexadecimal groups (the stated pattern's form).
        assert_eq!(
            check_url("http://[::ffff:127.0.0.1]/").unwrap_err(),
            UrlRefused::Invalid
        );
        for url in [
            "http://127.0.0.1/",
            "http://localhost:8080/x",
            "http://[::1]/",
            "http://2130706433/",
            "http://0x7f000001/",
            "http://0177.0.0.1/",
            "http://169.254.169.254/latest/meta-data",
            "http://[::ffff:7f00:1]/",
        ] {
            assert!(
                matches!(check_public_url(url, false), Err(UrlRefused::Private(_))),
                "{url}"
            );
        }
        assert!(
            check_public_url("http://127.0.0.1/", true).is_ok(),
            "an admin may allow private networks"
        );
    }
}
