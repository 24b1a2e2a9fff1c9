//! The candidates for the network's matrix products, side by side at its shapes, one thread:
//! matrixmultiply as ndarray calls it (with the `avx512` feature this crate turns on, see
//! Cargo.toml), the `gemm` crate (x86-v4 kernels, runtime dispatch), our packed product
//! (`nn::packed_mat_mul`, `nn::product`) and `nn::mat_mul`, what the network runs: the packed
//! product in f32, gemm in f64 (where the packed product measured slower; the two gemm
//! columns in f64 also show how far one run's figures move for the same code).
//! Prints GFLOP/s (2·m·k·n per product), the median of 15 samples of each.
//!
//! faer was not measured: its matrix products are the `gemm` crate's kernels.
//!
//! Run with `cargo bench --bench matmul_backends`.

use std::hint::black_box;
use std::time::Instant;

use ndarray::{linalg::general_mat_mul, Array2, LinalgScalar};

fn median_seconds(mut work: impl FnMut()) -> f64 {
    work();
    let started = Instant::now();
    work();
    let once = started.elapsed().as_secs_f64().max(1e-9);
    let calls = ((0.03 / once) as usize).clamp(1, 100_000);
    let mut times: Vec<f64> = (0..15)
        .map(|_| {
            let started = Instant::now();
            for _ in 0..calls {
                work();
            }
            started.elapsed().as_secs_f64() / calls as f64
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// GFLOP/s of (matrixmultiply, gemm, packed, mat_mul) for C = A · B, A read transposed when
/// `transposed_a`.
fn rates<T: LinalgScalar + modelbench::nn::Float>(
    m: usize,
    k: usize,
    n: usize,
    transposed_a: bool,
) -> [f64; 4] {
    let value = |i: usize, modulus: usize| T::from_f64(((i * 7919) % modulus) as f64 / 500.0 - 1.0);
    let stored_a = if transposed_a {
        Array2::from_shape_fn((k, m), |(i, j)| value(i * m + j, 1000))
    } else {
        Array2::from_shape_fn((m, k), |(i, j)| value(i * k + j, 1000))
    };
    let a = if transposed_a {
        stored_a.t()
    } else {
        stored_a.view()
    };
    let b = Array2::from_shape_fn((k, n), |(i, j)| value(i * n + j, 997));
    let mut c = Array2::<T>::zeros((m, n));
    let flops = 2.0 * (m * k * n) as f64;
    let mm = median_seconds(|| general_mat_mul(T::one(), &a, &b, T::zero(), black_box(&mut c)));
    let (a_strides, b_strides) = (a.strides().to_vec(), b.strides().to_vec());
    let gemm = median_seconds(|| {
        // SAFETY: pointers and strides describe live arrays of the stated shapes; c is unique.
        unsafe {
            gemm::gemm(
                m,
                n,
                k,
                c.as_mut_ptr(),
                1,
                n as isize,
                false,
                a.as_ptr(),
                a_strides[1],
                a_strides[0],
                b.as_ptr(),
                b_strides[1],
                b_strides[0],
                T::zero(),
                T::one(),
                false,
                false,
                false,
                gemm::Parallelism::None,
            )
        }
    });
    let packed = median_seconds(|| {
        modelbench::nn::packed_mat_mul(T::one(), a.view(), b.view(), T::zero(), black_box(&mut c))
    });
    let chosen = median_seconds(|| {
        modelbench::nn::mat_mul(T::one(), a.view(), b.view(), T::zero(), black_box(&mut c))
    });
    [mm, gemm, packed, chosen].map(|seconds| flops / seconds / 1e9)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let shapes: [(&str, usize, usize, usize, bool); 7] = [
        ("square-1024", 1024, 1024, 1024, false),
        ("mnist-forward", 5000, 784, 128, false),
        ("mnist-weight-gradient", 784, 5000, 128, true),
        ("digits-forward", 1797, 64, 32, false),
        ("digits-weight-gradient", 64, 1797, 32, true),
        ("mlp-batch-forward", 200, 64, 100, false),
        ("mlp-batch-weight-gradient", 64, 200, 100, true),
    ];
    println!("\nmatrix-product backends (GFLOP/s, median, one thread)");
    println!(
        "{:<26} {:<5} {:>16} {:>10} {:>10} {:>10}",
        "product", "type", "matrixmultiply", "gemm", "packed", "mat_mul"
    );
    for (name, m, k, n, transposed) in shapes {
        for (kind, [mm, g, p, chosen]) in [
            ("f32", rates::<f32>(m, k, n, transposed)),
            ("f64", rates::<f64>(m, k, n, transposed)),
        ] {
            println!("{name:<26} {kind:<5} {mm:>16.1} {g:>10.1} {p:>10.1} {chosen:>10.1}");
        }
    }
}
