//! Criterion benchmarks of `Engine::analyze` on typical request shapes.
//!
//! `cargo bench -p mirrorguard-benches`

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mirrorguard::{Config, Engine, Request};

const BROWSER_HEADERS: [(&str, &str); 8] = [
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

fn json_body(size: usize) -> String {
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

fn bench(c: &mut Criterion) {
    let engine = Engine::new(Config::default()).unwrap();
    let get_uri = "/catalog/search?q=running+shoes&size=42&color=blue&sort=price_asc&page=3";
    let json = json_body(2048);
    let attack_uri = "/catalog/item?id=1%27%20UNION%20SELECT%20username,password%20FROM%20users--&ref=%3Cscript%3Ealert(document.cookie)%3C/script%3E";

    let mut group = c.benchmark_group("analyze");
    let mut get = Request::builder().uri(get_uri);
    for (n, v) in &BROWSER_HEADERS {
        get = get.header(*n, *v);
    }
    let get = get.build();
    let get_size: usize = get_uri.len()
        + BROWSER_HEADERS
            .iter()
            .map(|(n, v)| n.len() + v.len() + 4)
            .sum::<usize>();
    group.throughput(Throughput::Bytes(get_size as u64));
    group.bench_function("benign_get", |b| b.iter(|| engine.analyze(&get)));

    let post = Request::builder()
        .method("POST")
        .uri("/api/v2/orders")
        .header("Host", "api.example.com")
        .header("Content-Type", "application/json")
        .header(
            "Authorization",
            "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl",
        )
        .body(json.as_bytes())
        .build();
    group.throughput(Throughput::Bytes(json.len() as u64));
    group.bench_function("benign_json_post_2k", |b| b.iter(|| engine.analyze(&post)));

    let mut attack = Request::builder().uri(attack_uri);
    for (n, v) in &BROWSER_HEADERS {
        attack = attack.header(*n, *v);
    }
    let attack = attack.build();
    group.throughput(Throughput::Bytes(get_size as u64));
    group.bench_function("attack_get", |b| b.iter(|| engine.analyze(&attack)));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
