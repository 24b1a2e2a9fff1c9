//! An exponential that the compiler can vectorise, for the sigmoid in the training loop.
//!
//! The C library's `exp` is a function call per element, which keeps the elementwise passes
//! scalar; at digits size those exponentials cost as much as the matrix products. These
//! versions are straight-line code (Cody–Waite range reduction, a Taylor polynomial, the power
//! of two built from bits), so a loop over a slice turns into SIMD code. Accuracy: within 2
//! units in the last place of the C library's result over the whole range (see the tests).
//! Inputs are clamped to the range where the result is a normal number; NaN stays NaN.
//! `exp_f64` and `exp_f32` use no fused multiply-add, so their results are bit-identical on
//! every x86-64 CPU; `exp_f64_with::<true>` (the AVX-512 sigmoid's) fuses them.

/// `e^x` in f64, within 2 ulp; `x` is clamped to [-708, 709].
#[inline(always)]
pub(crate) fn exp_f64(x: f64) -> f64 {
    exp_f64_with::<false>(x)
}

/// `a · b + c`, fused into one rounding when `FUSED` (callers compiled with FMA only).
#[inline(always)]
fn madd<const FUSED: bool>(a: f64, b: f64, c: f64) -> f64 {
    if FUSED {
        a.mul_add(b, c)
    } else {
        a * b + c
    }
}

/// [`exp_f64`], with its multiply-adds fused when `FUSED`: half the instructions, for the
/// AVX-512 sigmoid (`kernels.rs`), where the exponentials bound the pass. Also within 2 ulp
/// (the tests check both), but not bit-identical to the unfused one.
#[inline(always)]
pub(crate) fn exp_f64_with<const FUSED: bool>(x: f64) -> f64 {
    // Round-to-nearest by adding 1.5·2^52: the integer lands in the low mantissa bits.
    const SHIFT: f64 = 6_755_399_441_055_744.0;
    // ln 2 split so that n·LN2_HI is exact for |n| < 2^11 (fdlibm's constants).
    const LN2_HI: f64 = f64::from_bits(0x3FE6_2E42_FEE0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3DEA_39EF_3579_3C76);
    // `clamp` keeps NaN as NaN.
    let x = x.clamp(-708.0, 709.0);
    let shifted = madd::<FUSED>(x, std::f64::consts::LOG2_E, SHIFT);
    let n = shifted - SHIFT;
    let r = madd::<FUSED>(-n, LN2_LO, madd::<FUSED>(-n, LN2_HI, x));
    // Taylor series of e^r to degree 13: the remainder is below 1e-17 for |r| <= ln2 / 2.
    // Evaluated in Estrin's scheme (pairs, then pairs of pairs with r², r⁴, r⁸) rather than
    // Horner's: four dependent levels instead of thirteen, which is what bounds the article's
    // tiny network, where each step waits for the previous step's exponentials.
    let r2 = r * r;
    let r4 = r2 * r2;
    let r8 = r4 * r4;
    let p01 = 1.0 + r;
    let p23 = madd::<FUSED>(r, 1.0 / 6.0, 0.5);
    let p45 = madd::<FUSED>(r, 1.0 / 120.0, 1.0 / 24.0);
    let p67 = madd::<FUSED>(r, 1.0 / 5_040.0, 1.0 / 720.0);
    let p89 = madd::<FUSED>(r, 1.0 / 362_880.0, 1.0 / 40_320.0);
    let p1011 = madd::<FUSED>(r, 1.0 / 39_916_800.0, 1.0 / 3_628_800.0);
    let p1213 = madd::<FUSED>(r, 1.0 / 6_227_020_800.0, 1.0 / 479_001_600.0);
    let low = madd::<FUSED>(r4, madd::<FUSED>(r2, p67, p45), madd::<FUSED>(r2, p23, p01));
    let high = madd::<FUSED>(r4, p1213, madd::<FUSED>(r2, p1011, p89));
    let p = madd::<FUSED>(r8, high, low);
    // 2^n: n sits in the low bits of `shifted`; move it into the exponent field.
    let exponent = shifted
        .to_bits()
        .wrapping_sub(SHIFT.to_bits())
        .wrapping_shl(52);
    p * f64::from_bits(exponent.wrapping_add(1.0_f64.to_bits()))
}

/// `e^x` in f32, within 2 ulp; `x` is clamped to [-87, 88].
#[inline(always)]
pub(crate) fn exp_f32(x: f32) -> f32 {
    // Round-to-nearest by adding 1.5·2^23.
    const SHIFT: f32 = 12_582_912.0;
    // Cephes' split of ln 2: n·LN2_HI is exact for |n| < 2^15.
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    let x = x.clamp(-87.0, 88.0);
    let shifted = x * std::f32::consts::LOG2_E + SHIFT;
    let n = shifted - SHIFT;
    let r = (x - n * LN2_HI) - n * LN2_LO;
    // Degree 7: the remainder is below 6e-9 for |r| <= ln2 / 2; Estrin's scheme as above.
    let r2 = r * r;
    let r4 = r2 * r2;
    let p01 = 1.0 + r;
    let p23 = 0.5 + r * (1.0 / 6.0);
    let p45 = 1.0 / 24.0 + r * (1.0 / 120.0);
    let p67 = 1.0 / 720.0 + r * (1.0 / 5_040.0);
    let p = (p01 + r2 * p23) + r4 * (p45 + r2 * p67);
    let exponent = shifted
        .to_bits()
        .wrapping_sub(SHIFT.to_bits())
        .wrapping_shl(23);
    p * f32::from_bits(exponent.wrapping_add(1.0_f32.to_bits()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ulps_f64(a: f64, b: f64) -> u64 {
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
    }

    fn ulps_f32(a: f32, b: f32) -> u32 {
        (a.to_bits() as i32 - b.to_bits() as i32).unsigned_abs()
    }

    #[test]
    fn f64_within_two_ulp_of_libm_over_the_range() {
        let mut worst = 0;
        let mut x = -708.0;
        while x < 709.0 {
            worst = worst.max(ulps_f64(exp_f64(x), x.exp()));
            x += 0.001_37;
        }
        for x in [
            -1e-300,
            0.0,
            1e-300,
            0.5,
            -0.5,
            1.0,
            2.0_f64.ln(),
            -(2.0_f64.ln()),
        ] {
            worst = worst.max(ulps_f64(exp_f64(x), x.exp()));
        }
        assert!(worst <= 2, "worst error {worst} ulp");
        assert_eq!(exp_f64(0.0), 1.0);
    }

    #[test]
    fn fused_f64_within_two_ulp_of_libm_over_the_range() {
        let mut worst = 0;
        let mut x = -708.0;
        while x < 709.0 {
            worst = worst.max(ulps_f64(exp_f64_with::<true>(x), x.exp()));
            x += 0.001_37;
        }
        assert!(worst <= 2, "worst error {worst} ulp");
        assert_eq!(exp_f64_with::<true>(0.0), 1.0);
        assert!(exp_f64_with::<true>(f64::NAN).is_nan());
    }

    #[test]
    fn f32_within_two_ulp_of_libm_over_the_range() {
        let mut worst = 0;
        let mut x = -87.0_f32;
        while x < 88.0 {
            worst = worst.max(ulps_f32(exp_f32(x), x.exp()));
            x += 0.000_37;
        }
        assert!(worst <= 2, "worst error {worst} ulp");
        assert_eq!(exp_f32(0.0), 1.0);
    }

    #[test]
    fn clamps_infinities_and_keeps_nan() {
        assert!(exp_f64(f64::NAN).is_nan());
        assert!(exp_f32(f32::NAN).is_nan());
        assert!(exp_f64(f64::INFINITY).is_finite() && exp_f64(f64::INFINITY) > 1e307);
        assert!(exp_f64(f64::NEG_INFINITY) > 0.0 && exp_f64(f64::NEG_INFINITY) < 1e-307);
        assert!(exp_f32(f32::INFINITY) > 1e38 && exp_f32(f32::NEG_INFINITY) < 1e-37);
    }
}
