//! The request shapes the speed benchmarks analyze: a browser GET, JSON,
//! form and multipart bodies, each benign and with an attack planted.

use mirrorguard::Request;

/// The headers a desktop browser sends with a page request.
pub const BROWSER_HEADERS: [(&str, &str); 8] = [
    ("Host", "shop.example.com"),
    (
        "User-Agent",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
    ),
    (
        "Accept",
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
    ),
    ("Accept-Language", "en-US,en;q=0.9,fr;q=0.8"),
    ("Accept-Encoding", "gzip, deflate, br"),
    ("Referer", "https://shop.example.com/catalog/shoes?page=2"),
    (
        "Cookie",
        "session=3f9a1c2b7d4e8f60a1b2c3d4e5f60718; _ga=GA1.2.1234567890.1700000000; theme=dark",
    ),
    ("Connection", "keep-alive"),
];

/// A JSON order of about `size` bytes: an API's typical body.
pub fn json_body(size: usize) -> String {
    let mut s = String::from(
        r#"{"order":{"id":"ord_8f2k3j4h5g","customer":{"name":"Jane O'Neil","email":"jane@example.com"},"items":["#,
    );
    let mut i = 0;
    while s.len() < size - 120 {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!(
            r#"{{"sku":"SKU-{i:05}","qty":{},"price":{}.99,"note":"Gift wrap, please - thanks!"}}"#,
            i % 7 + 1,
            i * 3 + 10
        ));
        i += 1;
    }
    s.push_str(r#"],"currency":"EUR","comment":"Leave at the door; ring twice."}}"#);
    s
}

/// A form body of about `size` bytes: the fields of a checkout page.
pub fn form_body(size: usize) -> String {
    let mut s = String::from("first_name=Jane&last_name=O%27Neil&email=jane%40example.com");
    let mut i = 0;
    while s.len() < size {
        s.push_str(&format!(
            "&note{i}=Leave+at+the+door%2C+ring+twice.&qty{i}={}",
            i % 9
        ));
        i += 1;
    }
    s
}

/// A multipart upload: two fields and a file of `size` bytes of log text.
pub fn multipart_body(size: usize) -> Vec<u8> {
    let mut body =
        b"--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nQuarterly report\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"report.txt\"\r\n\
Content-Type: text/plain\r\n\r\n"
            .to_vec();
    let line = b"2024-05-01 12:00:00 INFO request served in 12 ms, status 200, bytes 5120\n";
    while body.len() < size {
        body.extend_from_slice(line);
    }
    body.extend_from_slice(b"\r\n--XyZ--\r\n");
    body
}

/// One request shape, benign and with an attack planted in it.
#[derive(Debug)]
pub struct Shape {
    pub name: &'static str,
    pub content_type: &'static str,
    pub benign: Vec<u8>,
    pub attack: Vec<u8>,
}

/// The body shapes: JSON (2 KB, 64 KB), form (2 KB), multipart (1 MB).
pub fn shapes() -> Vec<Shape> {
    let json2k = json_body(2048);
    let json64k = json_body(64 * 1024);
    let plant =
        |body: &str| body.replacen("Jane O'Neil", "x' UNION SELECT password FROM users--", 1);
    let form = form_body(2048);
    let multipart = multipart_body(1 << 20);
    let mut multipart_attack = multipart.clone();
    let at = multipart_attack.len() / 2;
    multipart_attack.splice(at..at, b"<?php system($_GET['c']); ?>".iter().copied());
    vec![
        Shape {
            name: "json_post_2k",
            content_type: "application/json",
            attack: plant(&json2k).into_bytes(),
            benign: json2k.into_bytes(),
        },
        Shape {
            name: "json_post_64k",
            content_type: "application/json",
            attack: plant(&json64k).into_bytes(),
            benign: json64k.into_bytes(),
        },
        Shape {
            name: "form_post_2k",
            content_type: "application/x-www-form-urlencoded",
            attack: form
                .replacen("O%27Neil", "%3Cimg+src%3Dx+onerror%3Dalert(1)%3E", 1)
                .into_bytes(),
            benign: form.into_bytes(),
        },
        Shape {
            name: "multipart_upload_1m",
            content_type: "multipart/form-data; boundary=XyZ",
            benign: multipart,
            attack: multipart_attack,
        },
    ]
}

/// A browser's GET with four query arguments.
pub const GET_URI: &str =
    "/catalog/search?q=running+shoes&size=42&color=blue&sort=price_asc&page=3";
/// The same page with SQLi and XSS in two arguments.
pub const ATTACK_URI: &str = "/catalog/item?id=1%27%20UNION%20SELECT%20username,password%20FROM%20users--&ref=%3Cscript%3Ealert(document.cookie)%3C/script%3E";

/// A GET of `uri` with [`BROWSER_HEADERS`].
pub fn browser_get(uri: &str) -> Request<'_> {
    let mut get = Request::builder().uri(uri);
    for (n, v) in &BROWSER_HEADERS {
        get = get.header(*n, *v);
    }
    get.build()
}

/// An API client's POST of `body`.
pub fn api_post<'a>(content_type: &'a str, body: &'a [u8]) -> Request<'a> {
    Request::builder()
        .method("POST")
        .uri("/api/v2/orders")
        .header("Host", "api.example.com")
        .header("Content-Type", content_type)
        .header(
            "Authorization",
            "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl",
        )
        .body(body)
        .build()
}
