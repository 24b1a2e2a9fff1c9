//! Times a network's training on an input larger than the cache: the general step
//! (`Network::train_step` in a loop, the input read twice per step) against `Network::train`
//! (row blocks, one pass over the input per step, `nn/blocked.rs`), from the same start,
//! alternating, and prints medians per step in wall and thread CPU time with their ratio.
//! CPU time is the figure to quote on a shared machine (it does not count time-sharing).
//!
//! Run with `cargo run --release --example blocked_step_timing -- [ROWS FEATURES OUTPUTS STEPS
//! ROUNDS HIDDEN BITS]` (default 4000 784 10 200 5 0 64: a fold of the wide data set's training
//! rows, no hidden layer, f64). HIDDEN 0 means no hidden layer; BITS is 64 or 32. When the
//! network is not one `train` runs in blocks (a layer wider than `nn::blocked::MAX_UNITS`),
//! both columns time the general step.
use modelbench::nn::{
    Float, GradientScale, Network, NetworkSettings, OutputActivation, TrainingBuffers,
};
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
    let mut args = [4000, 784, 10, 200, 5, 0, 64];
    for (slot, arg) in args.iter_mut().zip(std::env::args().skip(1)) {
        *slot = match arg.parse() {
            Ok(value) => value,
            _ => {
                eprintln!("expected whole numbers ROWS FEATURES OUTPUTS STEPS ROUNDS HIDDEN BITS, got {arg:?}");
                std::process::exit(2);
            }
        };
    }
    if args[..5].contains(&0) || ![32, 64].contains(&args[6]) {
        eprintln!("ROWS FEATURES OUTPUTS STEPS ROUNDS must be positive and BITS 32 or 64");
        std::process::exit(2);
    }
    match args[6] {
        32 => run::<f32>(args),
        _ => run::<f64>(args),
    }
}

fn run<F: Float>([rows, features, outputs, iters, rounds, hidden, bits]: [usize; 7]) {
    let x = Array2::from_shape_fn((rows, features), |(i, j)| {
        F::from_f64(((i * 7919 + j * 104729) % 1000) as f64 / 500.0 - 1.0)
    });
    let y = Array2::from_shape_fn((rows, outputs), |(i, j)| {
        F::from_f64(((i % outputs) == j) as u8 as f64)
    });
    let settings = NetworkSettings {
        hidden_layers: if hidden > 0 { vec![hidden] } else { vec![] },
        learning_rate: 1.0,
        iterations: iters,
        bias: true,
        output: OutputActivation::Sigmoid,
        gradient_scale: GradientScale::Mean,
        seed: 1,
    };
    let start = Network::<F>::initialise(features, outputs, &settings).expect("valid settings");
    let step = F::from_f64(1.0 / rows as f64);
    let (mut gw, mut gc, mut bw, mut bc) = (vec![], vec![], vec![], vec![]);
    for _ in 0..rounds {
        let mut slow = start.clone();
        let (t, c) = (Instant::now(), cpu());
        let mut b = TrainingBuffers::new(rows, &slow);
        for _ in 0..iters {
            slow.train_step(x.view(), y.view(), &mut b, step);
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
    let layers = if hidden > 0 {
        format!("{hidden} -> {outputs}")
    } else {
        outputs.to_string()
    };
    println!(
        "{rows} x {features} -> {layers}, f{bits}, {iters} steps x {rounds} rounds, medians per step:"
    );
    println!("  general step (train_step loop): wall {gw:.3} ms, cpu {gc:.3} ms");
    println!("  train (blocked when it applies): wall {bw:.3} ms, cpu {bc:.3} ms");
    println!(
        "  ratio general/train: wall {:.2}, cpu {:.2}",
        gw / bw,
        gc / bc
    );
}
