//! Criterion benchmarks of `Engine::analyze` on typical request shapes.
//!
//! `cargo bench -p mirrorguard-benches`

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mirrorguard::{Config, Engine};
use mirrorguard_benches::shapes::{
    api_post, browser_get, shapes, ATTACK_URI, BROWSER_HEADERS, GET_URI,
};

fn bench(c: &mut Criterion) {
    // The default engine remembers benign values across requests, so from
    // the second iteration on it sees a request whose every value repeats;
    // the `_cold` benches run an engine that remembers nothing.
    let warm = Engine::new(Config::default()).unwrap();
    let mut config = Config::default();
    config.limits.value_cache = 0;
    let cold = Engine::new(config).unwrap();
    let engines = [("", &warm), ("_cold", &cold)];

    let mut group = c.benchmark_group("analyze");
    for (name, uri) in [("benign_get", GET_URI), ("attack_get", ATTACK_URI)] {
        let get = browser_get(uri);
        let size: usize = uri.len()
            + BROWSER_HEADERS
                .iter()
                .map(|(n, v)| n.len() + v.len() + 4)
                .sum::<usize>();
        group.throughput(Throughput::Bytes(size as u64));
        for (suffix, engine) in engines {
            group.bench_function(format!("{name}{suffix}"), |b| {
                b.iter(|| engine.analyze(&get))
            });
        }
    }
    for shape in shapes() {
        for (kind, body) in [("benign", &shape.benign), ("attack", &shape.attack)] {
            let req = api_post(shape.content_type, body);
            assert_eq!(
                cold.analyze(&req).is_attack(),
                kind == "attack",
                "{}",
                shape.name
            );
            group.throughput(Throughput::Bytes(body.len() as u64));
            for (suffix, engine) in engines {
                group.bench_function(format!("{kind}_{}{suffix}", shape.name), |b| {
                    b.iter(|| engine.analyze(&req))
                });
            }
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
