//! The machine's single-thread matrix-product peak with the backend the network uses
//! (ndarray's `general_mat_mul`, i.e. matrixmultiply), f64 and f32: a large square product
//! and each product of the mnist-like training step at its own shape and layout. The training
//! step's GFLOP/s (`training_step` bench) is judged against these figures.
//!
//! Run with `cargo bench --bench matmul_peak`; a summary table of GFLOP/s follows the groups
//! (`MODELBENCH_SUMMARY_ONLY=1` prints only the table).

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput};
use modelbench::nn::Float;
use ndarray::{linalg::general_mat_mul, Array2, ArrayView2, ArrayViewMut2};

/// A product `C = A · B` (m × k times k × n) and whether A is read transposed.
#[derive(Debug, Clone, Copy)]
struct Product {
    name: &'static str,
    m: usize,
    k: usize,
    n: usize,
    /// A is stored k × m and read through `.t()`, as the weight gradient reads its input.
    transposed_a: bool,
}

impl Product {
    fn flops(&self) -> f64 {
        2.0 * self.m as f64 * self.k as f64 * self.n as f64
    }
}

const PRODUCTS: [Product; 4] = [
    Product {
        name: "square-1024",
        m: 1024,
        k: 1024,
        n: 1024,
        transposed_a: false,
    },
    Product {
        name: "mnist-forward",
        m: 5000,
        k: 784,
        n: 128,
        transposed_a: false,
    },
    Product {
        name: "mnist-weight-gradient",
        m: 784,
        k: 5000,
        n: 128,
        transposed_a: true,
    },
    Product {
        name: "digits-forward",
        m: 1437,
        k: 64,
        n: 32,
        transposed_a: false,
    },
];

struct Operands<F> {
    a: Array2<F>,
    b: Array2<F>,
    c: Array2<F>,
}

fn operands<F: Float>(product: &Product) -> Operands<F> {
    let mut rng = modelbench::rng::SeededRng::new(3);
    let mut draw = || F::from_f64(rng.uniform(-1.0, 1.0));
    let a_shape = if product.transposed_a {
        (product.k, product.m)
    } else {
        (product.m, product.k)
    };
    Operands {
        a: Array2::from_shape_simple_fn(a_shape, &mut draw),
        b: Array2::from_shape_simple_fn((product.k, product.n), &mut draw),
        c: Array2::zeros((product.m, product.n)),
    }
}

fn multiply<F: Float>(product: &Product, a: ArrayView2<F>, b: ArrayView2<F>, c: ArrayViewMut2<F>) {
    let mut c = c;
    if product.transposed_a {
        general_mat_mul(F::one(), &a.t(), &b, F::zero(), &mut c);
    } else {
        general_mat_mul(F::one(), &a, &b, F::zero(), &mut c);
    }
}

fn bench_type<F: Float>(c: &mut Criterion, type_name: &str) {
    let mut group = c.benchmark_group(format!("matmul_{type_name}"));
    group
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(10);
    for product in PRODUCTS {
        let mut ops = operands::<F>(&product);
        group.throughput(Throughput::Elements(product.flops() as u64));
        let id = format!("{} x {} x {}", product.m, product.k, product.n);
        group.bench_function(BenchmarkId::new(product.name, id), |bencher| {
            bencher.iter(|| {
                multiply(
                    &product,
                    black_box(ops.a.view()),
                    ops.b.view(),
                    ops.c.view_mut(),
                )
            })
        });
    }
    group.finish();
}

fn products(c: &mut Criterion) {
    bench_type::<f64>(c, "f64");
    bench_type::<f32>(c, "f32");
}

fn summary_row<F: Float>(type_name: &str, product: &Product, quick: bool) {
    let mut ops = operands::<F>(product);
    let mut work = || {
        multiply(
            product,
            black_box(ops.a.view()),
            ops.b.view(),
            ops.c.view_mut(),
        )
    };
    let (samples, calls) = if quick {
        (1, 1)
    } else {
        (15, common::calls_for(0.05, &mut work))
    };
    let seconds = common::median_seconds(samples, calls, work);
    println!(
        "{:<6} {:<24} {:>5} x {:>5} x {:>5} {:>10.3} {:>9.1}",
        type_name,
        product.name,
        product.m,
        product.k,
        product.n,
        seconds * 1e3,
        product.flops() / seconds / 1e9
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--test" || a == "--list");
    if std::env::var_os(common::SUMMARY_ONLY_ENV).is_none() {
        let mut criterion = Criterion::default().configure_from_args();
        products(&mut criterion);
        criterion.final_summary();
    }
    if !args.iter().any(|a| a == "--list") {
        println!("\nmatrix-product summary (median, one thread, ndarray general_mat_mul)");
        println!(
            "{:<6} {:<24} {:>21} {:>10} {:>9}",
            "type", "product", "m x k x n", "ms", "GFLOP/s"
        );
        for product in PRODUCTS {
            summary_row::<f64>("f64", &product, quick);
        }
        for product in PRODUCTS {
            summary_row::<f32>("f32", &product, quick);
        }
    }
}
