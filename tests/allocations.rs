//! The training step allocates nothing of its own: a counting global allocator around the
//! system allocator counts, per thread, the allocations made during 100 `train_step` calls
//! after a warm-up, for a deep network in f64 and in f32.
//!
//! Products small enough for the step's own loop are pinned to zero in both types. Larger
//! ones (above `SMALL_PRODUCT`, 2048 multiply-adds) are pinned to zero in f32, where they go
//! to the packed product of `nn::product`, whose packing space is a per-thread buffer that the
//! warm-up steps grow to the largest product's need. In f64 they go to the `gemm` crate
//! (faster there, see `nn/kernels.rs`), which allocates up to two packing buffers per product
//! and frees them before returning: bounded, not pinned, since the count depends on the
//! kernels gemm picks for the CPU, and every buffer must be freed.
//!
//! The same holds for the ReLU network's mini-batch step (`mlp`): loss and gradient on a
//! batch, then Adam's update.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use modelbench::nn::{
    Adam, AdamSettings, Float, Network, NetworkSettings, OutputActivation, ReluNetwork, ReluOutput,
    ReluWorkspace, TrainingBuffers,
};
use modelbench::rng::SeededRng;
use ndarray::Array2;

/// Counts the calling thread's allocations and frees, then defers to the system allocator.
struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
    static FREES: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        // SAFETY: forwarded unchanged; the caller upholds `alloc`'s contract.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        FREES.with(|count| count.set(count.get() + 1));
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

/// (allocations, frees) made by this thread while `work` runs.
fn count_during(work: impl FnOnce()) -> (usize, usize) {
    let before = (ALLOCATIONS.with(Cell::get), FREES.with(Cell::get));
    work();
    (
        ALLOCATIONS.with(Cell::get) - before.0,
        FREES.with(Cell::get) - before.1,
    )
}

/// Allocations and frees of 100 steps after 3 warm-up steps, on `rows` synthetic rows.
fn count_steps<F: Float>(
    rows: usize,
    inputs: usize,
    hidden: &[usize],
    outputs: usize,
) -> (usize, usize) {
    let settings = NetworkSettings {
        hidden_layers: hidden.to_vec(),
        output: OutputActivation::Sigmoid,
        seed: 5,
        ..NetworkSettings::default()
    };
    let mut network = Network::<F>::initialise(inputs, outputs, &settings).expect("valid settings");
    let x = Array2::from_shape_fn((rows, inputs), |(i, j)| {
        F::from_f64(((i * 7 + j * 3) % 11) as f64 / 11.0 - 0.5)
    });
    let y = Array2::from_shape_fn((rows, outputs), |(i, j)| {
        if i % outputs == j {
            F::one()
        } else {
            F::zero()
        }
    });
    let mut buffers = TrainingBuffers::new(rows, &network);
    let step = F::from_f64(0.5 / rows as f64);
    for _ in 0..3 {
        network.train_step(x.view(), y.view(), &mut buffers, step);
    }
    let counts = count_during(|| {
        for _ in 0..100 {
            network.train_step(x.view(), y.view(), &mut buffers, step);
        }
    });
    assert!(buffers
        .output()
        .iter()
        .all(|&v| Float::to_f64(v).is_finite()));
    counts
}

#[test]
fn deep_network_steps_allocate_nothing_in_f64_and_f32() {
    // 16 × 5 → 8 → 6 → 3: every product has at most 16·8·6 = 768 multiply-adds.
    assert_eq!(count_steps::<f64>(16, 5, &[8, 6], 3), (0, 0));
    assert_eq!(count_steps::<f32>(16, 5, &[8, 6], 3), (0, 0));
}

#[test]
fn large_steps_allocate_nothing_in_f32() {
    // 300 × 64 → 32 → 16 → 10: three forward products, three weight gradients and two
    // propagated deltas per step, all above the plain-loop size (the smallest, 300 · 16 · 10,
    // is 48,000 multiply-adds), some narrow enough to run transposed, the weight gradients
    // (inner dimension 300) blocked over the inner dimension.
    assert_eq!(count_steps::<f32>(300, 64, &[32, 16], 10), (0, 0));
}

#[test]
fn large_f64_steps_allocate_at_most_two_packing_buffers_per_product() {
    // The same network in f64: eight products a step through gemm, at most 16 packing
    // buffers a step, each freed before the product returns.
    let (allocations, frees) = count_steps::<f64>(300, 64, &[32, 16], 10);
    assert!(
        allocations <= 1600,
        "{allocations} allocations over 100 steps"
    );
    assert_eq!(allocations, frees, "every buffer is freed");
}

/// Allocations and frees of 100 mini-batch steps (loss, gradient, Adam) after 3 warm-up steps.
fn count_relu_steps(rows: usize, widths: &[usize], output: ReluOutput) -> (usize, usize) {
    let mut network = ReluNetwork::initialise(widths, output, &mut SeededRng::new(2));
    let inputs = widths[0];
    let outputs = *widths.last().expect("widths are given");
    let x = Array2::from_shape_fn((rows, inputs), |(i, j)| {
        ((i * 7 + j * 3) % 11) as f64 / 11.0 - 0.5
    });
    let y = Array2::from_shape_fn((rows, outputs), |(i, j)| {
        f64::from(u8::from(i % outputs == j))
    });
    let mut workspace = ReluWorkspace::new(rows, &network);
    let mut gradient = vec![0.0; network.parameter_count()];
    let mut adam = Adam::new(network.parameter_count(), AdamSettings::default());
    let mut step = |network: &mut ReluNetwork| {
        let loss =
            network.loss_and_gradient(x.view(), y.view(), 1e-4, &mut workspace, &mut gradient);
        adam.step(network.parameters_mut(), &gradient);
        loss
    };
    for _ in 0..3 {
        step(&mut network);
    }
    let mut last_loss = f64::NAN;
    let counts = count_during(|| {
        for _ in 0..100 {
            last_loss = step(&mut network);
        }
    });
    assert!(last_loss.is_finite());
    counts
}

#[test]
fn relu_minibatch_steps_allocate_nothing_with_small_products() {
    // 12 × 4 → 8 → 3: every product at most 12·8·4 = 384 multiply-adds.
    assert_eq!(
        count_relu_steps(12, &[4, 8, 3], ReluOutput::Softmax),
        (0, 0)
    );
    assert_eq!(
        count_relu_steps(12, &[4, 8, 1], ReluOutput::Logistic),
        (0, 0)
    );
}

#[test]
fn relu_minibatch_steps_allocate_only_packing_buffers() {
    // mlp's batch on digits: 200 × 64 → 100 → 10, five f64 products a step above the loop
    // size, through gemm (at most two packing buffers each, all freed).
    let (allocations, frees) = count_relu_steps(200, &[64, 100, 10], ReluOutput::Softmax);
    assert!(
        allocations <= 1000,
        "{allocations} allocations over 100 steps"
    );
    assert_eq!(allocations, frees);
}
