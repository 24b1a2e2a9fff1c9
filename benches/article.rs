//! The article's whole training: 10000 full-batch iterations of its two-layer network on the
//! 4 × 3 example (what `modelbench article` runs first), and its 60000-iteration XOR network.
//! The numpy original of the first takes about 53 ms on the reference machine
//! (`benches/reference/article_numpy.py`).
//!
//! Run with `cargo bench --bench article`.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use modelbench::article;

fn whole_trainings(c: &mut Criterion) {
    let mut group = c.benchmark_group("article");
    group
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .sample_size(20);
    group.throughput(Throughput::Elements(10_000));
    group.bench_function("two-layer 10000 iterations", |b| {
        b.iter(|| article::two_layer().expect("the article's example trains"))
    });
    group.throughput(Throughput::Elements(60_000));
    group.bench_function("xor 60000 iterations", |b| {
        b.iter(|| article::xor().expect("the article's example trains"))
    });
    group.finish();
}

criterion_group!(benches, whole_trainings);
criterion_main!(benches);
