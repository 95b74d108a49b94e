//! Which client address a request comes from when the server sits behind reverse proxies.
//! `X-Forwarded-For` is read from the right: each proxy appends the address it saw, and only the
//! hops our own proxies wrote can be believed — the left part is whatever the client sent.
use std::net::IpAddr;

/// An address block (`10.0.0.0/8`, `fd00::/8`, or one address).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    bits: u8,
}

impl Cidr {
    pub fn parse(s: &str) -> Option<Cidr> {
        let (addr, bits) = match s.trim().split_once('/') {
            Some((a, b)) => (a.parse::<IpAddr>().ok()?, Some(b.parse::<u8>().ok()?)),
            None => (s.trim().parse::<IpAddr>().ok()?, None),
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let bits = bits.unwrap_or(max);
        (bits <= max).then_some(Cidr { net: addr, bits })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        match (canonical(self.net), ip) {
            (IpAddr::V4(n), IpAddr::V4(i)) => prefix_eq(&n.octets(), &i.octets(), self.bits),
            (IpAddr::V6(n), IpAddr::V6(i)) => prefix_eq(&n.octets(), &i.octets(), self.bits),
            _ => false,
        }
    }
}

fn prefix_eq(a: &[u8], b: &[u8], bits: u8) -> bool {
    let (full, rest) = ((bits / 8) as usize, bits % 8);
    if a[..full] != b[..full] {
        return false;
    }
    rest == 0 || (a[full] ^ b[full]) >> (8 - rest) == 0
}

/// IPv4-mapped IPv6 (`::ffff:a.b.c.d`) as plain IPv4.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// `--trust-proxy`: off, a number of proxy hops in front of the server, or the proxies' address
/// blocks. Copy, so every handler can pass `state.cfg.trust_proxy` by value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TrustProxy {
    #[default]
    Off,
    /// This many proxies, the nearest being the socket peer.
    Hops(u8),
    /// Proxies are the addresses in these blocks (parsed once at start-up, kept for the process).
    Cidrs(&'static [Cidr]),
}

impl From<bool> for TrustProxy {
    /// `true`: one proxy (the socket peer) in front of the server.
    fn from(on: bool) -> Self {
        if on {
            TrustProxy::Hops(1)
        } else {
            TrustProxy::Off
        }
    }
}

impl TrustProxy {
    /// `off`/`false`/`0`, `true` (one hop), a hop count, or a comma-separated list of CIDRs.
    pub fn parse(s: &str) -> Result<TrustProxy, String> {
        let s = s.trim();
        match s.to_ascii_lowercase().as_str() {
            "" | "off" | "false" | "no" | "0" => return Ok(TrustProxy::Off),
            "on" | "true" | "yes" => return Ok(TrustProxy::Hops(1)),
            _ => {}
        }
        if let Ok(n) = s.parse::<u8>() {
            return Ok(TrustProxy::Hops(n));
        }
        let cidrs = s
            .split(',')
            .map(|part| {
                Cidr::parse(part).ok_or_else(|| {
                    format!("--trust-proxy: {part:?} is neither a hop count nor an address block")
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(TrustProxy::Cidrs(Box::leak(cidrs.into_boxed_slice())))
    }

    /// The client address: `peer` when no proxy is trusted, else the right-most hop of
    /// `forwarded_for` (the X-Forwarded-For hops, left to right) that is not one of our proxies.
    pub fn client(self, peer: IpAddr, forwarded_for: &[&str]) -> IpAddr {
        let hops: Vec<IpAddr> = forwarded_for
            .iter()
            .flat_map(|h| h.split(','))
            .map(str::trim)
            .filter(|h| !h.is_empty())
            .map_while(parse_hop)
            .collect();
        // The chain, nearest first: the peer, then what each proxy says it saw.
        let chain = std::iter::once(peer).chain(hops.into_iter().rev());
        let mut last = peer;
        match self {
            TrustProxy::Off => peer,
            TrustProxy::Hops(n) => {
                for (i, ip) in chain.enumerate() {
                    last = ip;
                    if i >= usize::from(n) {
                        break;
                    }
                }
                last
            }
            TrustProxy::Cidrs(blocks) => {
                for ip in chain {
                    last = ip;
                    if !blocks.iter().any(|b| b.contains(ip)) {
                        break;
                    }
                }
                last
            }
        }
    }
}

fn parse_hop(s: &str) -> Option<IpAddr> {
    let s = s.trim_matches('"');
    s.parse::<IpAddr>()
        .ok()
        .or_else(|| s.parse::<std::net::SocketAddr>().ok().map(|a| a.ip()))
        .or_else(|| s.trim_start_matches('[').split(']').next()?.parse().ok())
        .map(canonical)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_right_most_untrusted_hop_is_the_client() {
        let peer = ip("10.0.0.2");
        let xff = ["6.6.6.6, 203.0.113.7", "10.0.0.9"];
        assert_eq!(TrustProxy::Off.client(peer, &xff), peer);
        assert_eq!(TrustProxy::Hops(1).client(peer, &xff), ip("10.0.0.9"));
        assert_eq!(TrustProxy::Hops(2).client(peer, &xff), ip("203.0.113.7"));
        let blocks = TrustProxy::parse("10.0.0.0/8, ::1").unwrap();
        assert_eq!(blocks.client(peer, &xff), ip("203.0.113.7"));
        assert_eq!(TrustProxy::Hops(1).client(peer, &[]), peer);
        assert_eq!(TrustProxy::Hops(5).client(peer, &xff), ip("6.6.6.6"));
        assert!(TrustProxy::parse("10.0.0.0/33").is_err());
        assert_eq!(TrustProxy::parse("true").unwrap(), TrustProxy::Hops(1));
    }
}
