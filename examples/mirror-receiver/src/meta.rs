//! Who sent a mirrored request: client address, request id, host and the
//! original URI, from the headers the mirroring server adds.

use std::net::IpAddr;

use hyper::HeaderMap;

use crate::net::{trusted, Cidr};

/// What the mirroring server told us about the original request.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Meta {
    /// The original client's address.
    pub client: String,
    /// `X-Request-ID`, when sent.
    pub request_id: Option<String>,
    /// Host, with Envoy/Istio's `-shadow` suffix removed.
    pub host: Option<String>,
    /// `X-Original-URI`, when the mirror sends the copy to another path.
    pub original_uri: Option<Vec<u8>>,
    /// `X-Original-Method`, with `X-Original-URI`.
    pub original_method: Option<Vec<u8>>,
}

/// Reads the headers of a request that came from `peer`. Client address
/// headers are believed only when `peer` is one of `sources`.
pub fn extract(headers: &HeaderMap, peer: IpAddr, sources: &[Cidr]) -> Meta {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let peer = peer.to_canonical();
    let mut client = None;
    if trusted(sources, peer) {
        client = text("x-real-ip")
            .and_then(parse_ip)
            .or_else(|| {
                let all: Vec<&str> = headers
                    .get_all("x-forwarded-for")
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .flat_map(|v| v.split(','))
                    .collect();
                pick(all.into_iter().filter_map(parse_ip).collect(), sources)
            })
            .or_else(|| {
                let all: Vec<IpAddr> = headers
                    .get_all("forwarded")
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .flat_map(|v| v.split(','))
                    .filter_map(forwarded_for)
                    .collect();
                pick(all, sources)
            });
    }
    let host = text("host").map(strip_shadow);
    let original_uri = text("x-original-uri").map(|u| u.as_bytes().to_vec());
    let original_method = original_uri
        .as_ref()
        .and(text("x-original-method"))
        .map(|m| m.as_bytes().to_vec());
    Meta {
        client: client.unwrap_or(peer).to_string(),
        request_id: text("x-request-id").map(str::to_string),
        host,
        original_uri,
        original_method,
    }
}

/// The client in a proxy chain: the last hop not one of our own sources
/// (earlier entries can be forged by the client), else the first.
fn pick(chain: Vec<IpAddr>, sources: &[Cidr]) -> Option<IpAddr> {
    chain
        .iter()
        .rev()
        .find(|ip| !trusted(sources, **ip))
        .or(chain.first())
        .copied()
}

/// An address with an optional port, brackets or quotes: `1.2.3.4`,
/// `1.2.3.4:567`, `[2001:db8::1]:80`, `"[2001:db8::1]"`.
fn parse_ip(s: &str) -> Option<IpAddr> {
    let s = s.trim().trim_matches('"');
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    if let Some(rest) = s.strip_prefix('[') {
        return rest.split(']').next()?.parse::<IpAddr>().ok();
    }
    let (host, _port) = s.rsplit_once(':')?;
    host.parse::<IpAddr>().ok().map(|ip| ip.to_canonical())
}

/// The `for=` of one `Forwarded` element (RFC 7239).
fn forwarded_for(element: &str) -> Option<IpAddr> {
    element.split(';').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        if k.trim().eq_ignore_ascii_case("for") {
            parse_ip(v)
        } else {
            None
        }
    })
}

/// Envoy and Istio append `-shadow` to the Host of mirrored copies
/// (`api.example.com-shadow`, or before the port in newer Envoys).
fn strip_shadow(host: &str) -> String {
    if let Some(h) = host.strip_suffix("-shadow") {
        return h.to_string();
    }
    if let Some((h, port)) = host.rsplit_once(':') {
        if let Some(h) = h.strip_suffix("-shadow") {
            if port.bytes().all(|b| b.is_ascii_digit()) {
                return format!("{h}:{port}");
            }
        }
    }
    host.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(pairs: &[(&'static str, &str)], peer: &str) -> Meta {
        let mut h = HeaderMap::new();
        for (n, v) in pairs {
            h.append(*n, v.parse().unwrap());
        }
        let sources: Vec<Cidr> = vec![
            "127.0.0.0/8".parse().unwrap(),
            "10.0.0.0/8".parse().unwrap(),
        ];
        extract(&h, peer.parse().unwrap(), &sources)
    }

    #[test]
    fn client_from_trusted_sources_only() {
        assert_eq!(
            meta(&[("x-real-ip", "203.0.113.9")], "127.0.0.1").client,
            "203.0.113.9"
        );
        assert_eq!(
            meta(&[("x-real-ip", "203.0.113.9")], "192.0.2.1").client,
            "192.0.2.1"
        );
        assert_eq!(meta(&[], "::ffff:127.0.0.1").client, "127.0.0.1");
        assert_eq!(
            meta(&[("x-real-ip", "garbage")], "127.0.0.1").client,
            "127.0.0.1"
        );
    }

    #[test]
    fn forwarded_chains() {
        let xff = [("x-forwarded-for", "1.1.1.1, 203.0.113.9, 10.0.0.5")];
        assert_eq!(meta(&xff, "10.0.0.2").client, "203.0.113.9");
        let xff = [("x-forwarded-for", "10.0.0.7")];
        assert_eq!(meta(&xff, "10.0.0.2").client, "10.0.0.7");
        let fwd = [(
            "forwarded",
            "for=\"[2001:db8::1]:4711\";proto=https, for=10.0.0.3",
        )];
        assert_eq!(meta(&fwd, "127.0.0.1").client, "2001:db8::1");
        let fwd = [("forwarded", "For=198.51.100.4:80")];
        assert_eq!(meta(&fwd, "127.0.0.1").client, "198.51.100.4");
        let both = [
            ("x-real-ip", "198.51.100.1"),
            ("x-forwarded-for", "198.51.100.2"),
        ];
        assert_eq!(meta(&both, "127.0.0.1").client, "198.51.100.1");
    }

    #[test]
    fn host_id_and_original_uri() {
        let m = meta(
            &[
                ("host", "api.example.com-shadow"),
                ("x-request-id", "abc123"),
                ("x-original-uri", "/login?u=1"),
                ("x-original-method", "POST"),
            ],
            "127.0.0.1",
        );
        assert_eq!(m.host.as_deref(), Some("api.example.com"));
        assert_eq!(m.request_id.as_deref(), Some("abc123"));
        assert_eq!(m.original_uri.as_deref(), Some(&b"/login?u=1"[..]));
        assert_eq!(m.original_method.as_deref(), Some(&b"POST"[..]));
        assert_eq!(strip_shadow("a.example-shadow:8080"), "a.example:8080");
        assert_eq!(strip_shadow("shadow.example"), "shadow.example");
        assert_eq!(
            meta(&[("x-original-method", "PUT")], "127.0.0.1").original_method,
            None
        );
    }
}
