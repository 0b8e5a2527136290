//! Session fixation across the request: a framework's session-id parameter
//! in the query string or a form body, on a request that another site sent
//! the victim to (an off-site Referer). Per-value detectors cannot see the
//! Referer, so this judges the whole request.

use super::Hit;
use crate::request::Request;
use crate::search::starts_ci;

/// Session-id parameter names of common frameworks (lower case): Java
/// servlets, PHP, classic ASP and ASP.NET, Express, Laravel, CodeIgniter,
/// Rails/Rack, Play, Sails, Koa, CakePHP, ColdFusion, NextAuth, Django,
/// older servers (WebLogic, Java Web Server, PHP's old name), Meteor's
/// login token, Beaker (Pylons, Pyramid), Moodle, TYPO3. Apache JServ's
/// `JServSessionId<zone>`, Rails' `_<app>_session` and Drupal's
/// `SESS<hash>` are shapes, matched in [`is_session_name`].
const SESSION_NAMES: &[&[u8]] = &[
    b"phpsession",
    b"weblogicsession",
    b"jwsession",
    b"cfsid",
    b"meteor_login_token",
    b"beaker.session.id",
    b"moodlesession",
    b"fe_typo_user",
    b"jsessionid",
    b"phpsessid",
    b"asp.net_sessionid",
    b"connect.sid",
    b"laravel_session",
    b"ci_session",
    b"_rails_session",
    b"_session_id",
    b"rack.session",
    b"play_session",
    b"sails.sid",
    b"koa.sess",
    b"koa:sess",
    b"cakephp",
    b"cfid",
    b"cftoken",
    b"next-auth.session-token",
    b"__secure-next-auth.session-token",
    b"__host-next-auth.session-token",
    b"sessionid",
    b"session-id",
];

/// Names of the strongest session parameters: a link carrying one with no
/// Referer at all (from a mail, a chat) is a fixation attempt too.
const STRONG: &[&[u8]] = &[b"jsessionid", b"phpsessid", b"asp.net_sessionid"];

/// A session-id parameter with a value, sent with a Referer whose host is
/// not the request's Host (10), or a servlet/PHP/ASP.NET session id sent
/// with no Referer (5). `params` are (name, value) pairs of the query, form
/// and JSON body.
pub(crate) fn session_fixation<'a>(
    req: &Request<'_>,
    params: impl IntoIterator<Item = (&'a [u8], bool)>,
) -> Option<Hit> {
    let host = req.header(b"host")?;
    let score = match req.header(b"referer") {
        Some(r) if same_site(r, host) => return None,
        Some(_) => 10,
        None => 5,
    };
    for (name, has_value) in params {
        // Without a Referer only the strong names count: they are few, so
        // asking about them first spares most names the longer list.
        let named = (score == 10 || is_strong(name)) && is_session_name(name);
        if !has_value || !named {
            continue;
        }
        return Some(Hit {
            rule: "generic.session_fixation",
            score,
            span: 0..0,
        });
    }
    None
}

fn is_strong(name: &[u8]) -> bool {
    let n = name.trim_ascii();
    STRONG.iter().any(|s| s.eq_ignore_ascii_case(n)) || starts_ci(n, b"aspsessionid")
}

fn is_session_name(name: &[u8]) -> bool {
    // Names arrive percent-encoded at most lightly (`asp.net_sessionid`).
    let n = name.trim_ascii();
    SESSION_NAMES.iter().any(|s| s.eq_ignore_ascii_case(n))
        || starts_ci(n, b"aspsessionid") && n.len() <= 24
        || starts_ci(n, b"jservsession") && n.len() <= 32
        || rails_session(n)
        || drupal_session(n)
}

/// Rails' default session key, `_<app>_session` (`_gitlab_session`): a
/// leading underscore, the application's name, `_session`.
fn rails_session(n: &[u8]) -> bool {
    let Some(app) = n
        .strip_prefix(b"_")
        .and_then(|r| r.len().checked_sub(8).map(|e| (r, e)))
        .filter(|(r, e)| r[*e..].eq_ignore_ascii_case(b"_session"))
        .map(|(r, e)| &r[..e])
    else {
        return false;
    };
    !app.is_empty()
        && app.len() <= 32
        && app.first().is_some_and(u8::is_ascii_alphabetic)
        && app.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Drupal's session name: `SESS` (`SSESS` over HTTPS) and 32 hex digits.
fn drupal_session(n: &[u8]) -> bool {
    let hex = if starts_ci(n, b"ssess") {
        &n[5..]
    } else if starts_ci(n, b"sess") {
        &n[4..]
    } else {
        return false;
    };
    hex.len() == 32 && hex.iter().all(u8::is_ascii_hexdigit)
}

/// The host of `referer` (an absolute URL) equals `host`, or is a subdomain
/// of it, or it its parent (`www.` apart). A Referer that is not an absolute
/// URL says nothing and counts as same-site.
fn same_site(referer: &[u8], host: &[u8]) -> bool {
    let r = referer.trim_ascii();
    let rest = if starts_ci(r, b"http://") {
        &r[7..]
    } else if starts_ci(r, b"https://") {
        &r[8..]
    } else {
        return true;
    };
    let end = rest
        .iter()
        .position(|&b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(rest.len());
    let rhost = strip_port(strip_userinfo(&rest[..end]));
    let host = strip_port(host.trim_ascii());
    let norm = |h: &[u8]| -> Vec<u8> {
        let h = h.to_ascii_lowercase();
        match h.strip_prefix(b"www.") {
            Some(s) => s.to_vec(),
            None => h,
        }
    };
    let (a, b) = (norm(rhost), norm(host));
    if a.is_empty() || b.is_empty() {
        return true;
    }
    a == b || is_subdomain(&a, &b) || is_subdomain(&b, &a)
}

fn is_subdomain(sub: &[u8], parent: &[u8]) -> bool {
    sub.len() > parent.len() && sub.ends_with(parent) && sub[sub.len() - parent.len() - 1] == b'.'
}

fn strip_userinfo(h: &[u8]) -> &[u8] {
    match h.iter().rposition(|&b| b == b'@') {
        Some(a) => &h[a + 1..],
        None => h,
    }
}

fn strip_port(h: &[u8]) -> &[u8] {
    if h.first() == Some(&b'[') {
        return match h.iter().position(|&b| b == b']') {
            Some(e) => &h[..=e],
            None => h,
        };
    }
    match h.iter().rposition(|&b| b == b':') {
        Some(c) if h[c + 1..].iter().all(u8::is_ascii_digit) => &h[..c],
        _ => h,
    }
}

#[cfg(test)]
mod tests {
    use super::super::check_request;
    use crate::request::Request;

    fn req<'a>(uri: &'a str, referer: Option<&'a str>) -> Request<'a> {
        let mut b = Request::builder().uri(uri).header("Host", "shop.example");
        if let Some(r) = referer {
            b = b.header("Referer", r);
        }
        b.build()
    }

    fn score(r: &Request<'_>) -> u32 {
        check_request(r, &crate::parse::params::of(r, None)).map_or(0, |h| h.score)
    }

    #[test]
    fn off_site_referer_with_session_id() {
        for (uri, r) in [
            (
                "/login?jsessionid=74B0CB414BD77D17",
                "https://evil.example/",
            ),
            ("/get?PHPSESSID=abc", "http://attacker.example/x"),
            (
                "/login?asp.net_sessionid=abc123",
                "https://attacker.example/m",
            ),
            ("/a?connect.sid=s%3Aabc", "http://phish.example/fake"),
            ("/a?x=1&laravel_session=eyJpdiI6", "https://bad.example/"),
            ("/a?ASPSESSIONIDQQ=GKFP", "https://bad.example/"),
            ("/login?PHPSESSION=abc", "https://bad.example/"),
            ("/login?WebLogicSession=abc", "https://bad.example/"),
            ("/servlet?JServSessionIdroot=abc", "https://bad.example/"),
            ("/a.cfm?CFSID=1", "https://bad.example/"),
            ("/login?meteor_login_token=abc", "https://bad.example/"),
            ("/login?_gitlab_session=abc", "https://bad.example/"),
            (
                "/user?SESS0123456789abcdef0123456789ABCDEF=x",
                "https://bad.example/",
            ),
            ("/a?x=1", "https://shop.example.evil.example/"),
        ] {
            let want = if uri == "/a?x=1" { 0 } else { 10 };
            assert_eq!(score(&req(uri, Some(r))), want, "{uri}");
        }
        let form = Request::builder()
            .method("POST")
            .uri("/login")
            .header("Host", "shop.example")
            .header("Referer", "https://evil.example/")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("sessionid=abc123&username=test")
            .build();
        assert_eq!(score(&form), 10);
        let json = Request::builder()
            .method("POST")
            .uri("/")
            .header("Host", "shop.example")
            .header("Referer", "https://evil.example/")
            .header("Content-Type", "application/json")
            .body(r#"{ "jsessionid" : "foo" }"#)
            .build();
        assert_eq!(score(&json), 10);
        assert_eq!(score(&req("/login?jsessionid=74B0", None)), 5);
    }

    #[test]
    fn benign() {
        for (uri, r) in [
            (
                "/login?jsessionid=74B0CB414BD77D17",
                Some("https://shop.example/cart"),
            ),
            ("/login?jsessionid=74B0", Some("https://www.shop.example/")),
            ("/login?jsessionid=74B0", Some("https://m.shop.example/")),
            ("/login?sessionid=74B0", None),
            (
                "/video?session_id=&referer=",
                Some("https://other.example/"),
            ),
            ("/banner?sid=2527684", Some("https://other.example/")),
            ("/search?q=jsessionid", Some("https://google.example/")),
            ("/a?jsessionid=", Some("https://other.example/")),
            // Trackers' own session ids, sent from the page that embeds them.
            ("/t?session_id=abc", Some("https://news.example/")),
            ("/t?owa_session_id=abc", Some("https://news.example/")),
            ("/t?ws-session=abc", Some("https://news.example/")),
            ("/t?_session=abc", Some("https://news.example/")),
            ("/t?__session=abc", Some("https://news.example/")),
            ("/t?sess=abc", Some("https://news.example/")),
            ("/t?SESSabc=1", Some("https://news.example/")),
            ("/login?meteor_login_token=abc", None),
        ] {
            assert!(score(&req(uri, r)) < 5, "{uri} {r:?}");
        }
    }
}
