//! Times the single-layer network's training on an input larger than the cache: the general
//! step (`Network::train_step` in a loop, the input read twice per step) against
//! `Network::train` (row blocks, one pass per step, `nn/blocked.rs`), from the same start,
//! alternating, and prints medians per step in wall and thread CPU time with their ratio.
//! CPU time is the figure to quote on a shared machine (it does not count time-sharing).
//!
//! Run with `cargo run --release --example single_layer_step_timing -- [ROWS FEATURES OUTPUTS
//! STEPS ROUNDS]` (default 4000 784 10 200 5: a fold of the wide data set's training rows).
use modelbench::nn::{GradientScale, Network, NetworkSettings, OutputActivation, TrainingBuffers};
use ndarray::Array2;
use std::time::Instant;
/// Seconds of CPU time this thread has used.
fn cpu() -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec for the call to write.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
}
fn main() {
    let mut args = [4000, 784, 10, 200, 5];
    for (slot, arg) in args.iter_mut().zip(std::env::args().skip(1)) {
        *slot = match arg.parse() {
            Ok(value) if value > 0 => value,
            _ => {
                eprintln!("expected positive whole numbers ROWS FEATURES OUTPUTS STEPS ROUNDS, got {arg:?}");
                std::process::exit(2);
            }
        };
    }
    let [rows, features, outputs, iters, rounds] = args;
    let x = Array2::from_shape_fn((rows, features), |(i, j)| {
        ((i * 7919 + j * 104729) % 1000) as f64 / 500.0 - 1.0
    });
    let y = Array2::from_shape_fn((rows, outputs), |(i, j)| ((i % outputs) == j) as u8 as f64);
    let settings = NetworkSettings {
        hidden_layers: vec![],
        learning_rate: 1.0,
        iterations: iters,
        bias: true,
        output: OutputActivation::Sigmoid,
        gradient_scale: GradientScale::Mean,
        seed: 1,
    };
    let start = Network::<f64>::initialise(features, outputs, &settings).expect("valid settings");
    let (mut gw, mut gc, mut bw, mut bc) = (vec![], vec![], vec![], vec![]);
    for _ in 0..rounds {
        let mut slow = start.clone();
        let (t, c) = (Instant::now(), cpu());
        let mut b = TrainingBuffers::new(rows, &slow);
        for _ in 0..iters {
            slow.train_step(x.view(), y.view(), &mut b, 1.0 / rows as f64);
        }
        gw.push(t.elapsed().as_secs_f64() * 1e3 / iters as f64);
        gc.push((cpu() - c) * 1e3 / iters as f64);
        let mut fast = start.clone();
        let (t, c) = (Instant::now(), cpu());
        fast.train(x.view(), y.view(), &settings)
            .expect("rows and targets agree");
        bw.push(t.elapsed().as_secs_f64() * 1e3 / iters as f64);
        bc.push((cpu() - c) * 1e3 / iters as f64);
    }
    let med = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (gw, gc, bw, bc) = (med(&mut gw), med(&mut gc), med(&mut bw), med(&mut bc));
    println!(
        "{rows} x {features} -> {outputs}, {iters} steps x {rounds} rounds, medians per step:"
    );
    println!("  general step (train_step loop): wall {gw:.3} ms, cpu {gc:.3} ms");
    println!("  train (blocked, narrow):        wall {bw:.3} ms, cpu {bc:.3} ms");
    println!(
        "  ratio general/blocked: wall {:.2}, cpu {:.2}",
        gw / bw,
        gc / bc
    );
}
