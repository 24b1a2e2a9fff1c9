//! The element types the network trains in (f64 and f32).

use std::fmt::Debug;

/// A floating-point type the network can train in.
pub trait Float:
    ndarray::LinalgScalar + ndarray::ScalarOperand + num_traits::Float + Debug + Send + Sync + 'static
{
    /// Converts from f64 (weights, learning rates, targets).
    fn from_f64(value: f64) -> Self;
    /// Converts to f64 (for reports and metrics).
    fn to_f64(self) -> f64;
    /// `e^x` as straight-line code that vectorises in a loop (see `exp.rs`); within 2 ulp of
    /// the C library's `exp`, with `x` clamped to where the result is a normal number.
    fn exp_vectorisable(self) -> Self;
    /// The same slice as f64 when `Self` is f64 (for code written for one type only).
    fn as_f64_slice(values: &[Self]) -> Option<&[f64]>;
    /// The same slice as f64 when `Self` is f64 (for code written for one type only).
    fn as_f64_slice_mut(values: &mut [Self]) -> Option<&mut [f64]>;
}

impl Float for f64 {
    fn from_f64(value: f64) -> Self {
        value
    }
    fn to_f64(self) -> f64 {
        self
    }
    #[inline(always)]
    fn exp_vectorisable(self) -> Self {
        super::exp::exp_f64(self)
    }
    fn as_f64_slice(values: &[Self]) -> Option<&[f64]> {
        Some(values)
    }
    fn as_f64_slice_mut(values: &mut [Self]) -> Option<&mut [f64]> {
        Some(values)
    }
}

impl Float for f32 {
    fn from_f64(value: f64) -> Self {
        value as f32
    }
    fn to_f64(self) -> f64 {
        self as f64
    }
    #[inline(always)]
    fn exp_vectorisable(self) -> Self {
        super::exp::exp_f32(self)
    }
    fn as_f64_slice(_: &[Self]) -> Option<&[f64]> {
        None
    }
    fn as_f64_slice_mut(_: &mut [Self]) -> Option<&mut [f64]> {
        None
    }
}
