//! libsvm's SMO solver (`Solver` in svm.cpp, Fan, Chen & Lin, JMLR 6, 2005), followed step
//! by step so that solutions match libsvm's and so scikit-learn's: second-order working-set
//! selection (WSS3), shrinking every min(l, 1000) iterations with the gradient rebuilt from
//! `G_bar` when needed, and `rho` from the free variables. It solves
//!
//!   min ½ αᵀQα + pᵀα   subject to yᵀα = const, 0 ≤ αᵢ ≤ C(yᵢ)
//!
//! for any [`QMatrix`] (classification and regression build theirs).

/// libsvm's τ: the curvature used where the kernel gives none.
const TAU: f64 = 1e-12;

/// The matrix Q of the dual problem, one column at a time (columns are cached, in f32).
pub(super) trait QMatrix {
    /// The first `len` entries of column `i`.
    fn column(&mut self, i: usize, len: usize) -> &[f32];
    /// The first `len` entries of columns `i` and `j`, both valid together.
    fn column_pair(&mut self, i: usize, j: usize, len: usize) -> (&[f32], &[f32]);
    /// Q's diagonal, in variable order.
    fn diagonal(&self) -> Vec<f64>;
    /// Follows the solver exchanging variables `i` and `j`.
    fn swap_index(&mut self, i: usize, j: usize);
}

/// The problem besides Q: linear term, labels ±1, starting point, bounds, tolerance.
pub(super) struct Problem {
    pub p: Vec<f64>,
    pub y: Vec<i8>,
    pub alpha: Vec<f64>,
    pub c_positive: f64,
    pub c_negative: f64,
    pub tolerance: f64,
    pub shrinking: bool,
}

/// What the solver found.
#[derive(Debug, Clone)]
pub(super) struct Solution {
    /// α in the caller's variable order.
    pub alpha: Vec<f64>,
    pub rho: f64,
    pub iterations: usize,
    /// False when the solver stopped at libsvm's iteration cap, max(10⁷, 100 l).
    pub converged: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Bound {
    Lower,
    Upper,
    Free,
}

struct Solver {
    l: usize,
    active_size: usize,
    y: Vec<i8>,
    g: Vec<f64>,
    status: Vec<Bound>,
    alpha: Vec<f64>,
    qd: Vec<f64>,
    p: Vec<f64>,
    active_set: Vec<usize>,
    g_bar: Vec<f64>,
    c_positive: f64,
    c_negative: f64,
    eps: f64,
    unshrink: bool,
}

/// Solves `problem` with libsvm's algorithm.
pub(super) fn solve<Q: QMatrix>(q: &mut Q, problem: Problem) -> Solution {
    let l = problem.y.len();
    let mut s = Solver {
        l,
        active_size: l,
        status: vec![Bound::Lower; l],
        g: problem.p.clone(),
        g_bar: vec![0.0; l],
        qd: q.diagonal(),
        active_set: (0..l).collect(),
        y: problem.y,
        alpha: problem.alpha,
        p: problem.p,
        c_positive: problem.c_positive,
        c_negative: problem.c_negative,
        eps: problem.tolerance,
        unshrink: false,
    };
    for i in 0..l {
        s.update_status(i);
    }
    for i in 0..l {
        if s.status[i] != Bound::Lower {
            let qi = q.column(i, l);
            let alpha_i = s.alpha[i];
            for (g, &v) in s.g.iter_mut().zip(qi) {
                *g += alpha_i * v as f64;
            }
            if s.status[i] == Bound::Upper {
                let c = s.c(i);
                for (gb, &v) in s.g_bar.iter_mut().zip(qi) {
                    *gb += c * v as f64;
                }
            }
        }
    }

    let max_iterations = 10_000_000usize.max(l.saturating_mul(100));
    let mut counter = l.min(1000) + 1;
    let mut iterations = 0;
    while iterations < max_iterations {
        counter -= 1;
        if counter == 0 {
            counter = l.min(1000);
            if problem.shrinking {
                s.shrink(q);
            }
        }
        let (i, j) = match s.select_working_set(q) {
            Some(pair) => pair,
            None => {
                s.reconstruct_gradient(q);
                s.active_size = l;
                match s.select_working_set(q) {
                    Some(pair) => {
                        counter = 1;
                        pair
                    }
                    None => break,
                }
            }
        };
        iterations += 1;
        s.step(q, i, j);
    }
    let converged = iterations < max_iterations;
    if !converged && s.active_size < l {
        s.reconstruct_gradient(q);
        s.active_size = l;
    }

    let rho = s.rho();
    let mut alpha = vec![0.0; l];
    for (k, &original) in s.active_set.iter().enumerate() {
        alpha[original] = s.alpha[k];
    }
    Solution {
        alpha,
        rho,
        iterations,
        converged,
    }
}

impl Solver {
    fn c(&self, i: usize) -> f64 {
        if self.y[i] > 0 {
            self.c_positive
        } else {
            self.c_negative
        }
    }

    fn update_status(&mut self, i: usize) {
        self.status[i] = if self.alpha[i] >= self.c(i) {
            Bound::Upper
        } else if self.alpha[i] <= 0.0 {
            Bound::Lower
        } else {
            Bound::Free
        };
    }

    fn swap_index<Q: QMatrix>(&mut self, q: &mut Q, i: usize, j: usize) {
        q.swap_index(i, j);
        self.y.swap(i, j);
        self.g.swap(i, j);
        self.status.swap(i, j);
        self.alpha.swap(i, j);
        self.p.swap(i, j);
        self.active_set.swap(i, j);
        self.g_bar.swap(i, j);
        self.qd.swap(i, j);
    }

    /// One SMO step on the pair (i, j), clipped to the box, then the gradient updates.
    fn step<Q: QMatrix>(&mut self, q: &mut Q, i: usize, j: usize) {
        let active = self.active_size;
        let (c_i, c_j) = (self.c(i), self.c(j));
        let (old_i, old_j) = (self.alpha[i], self.alpha[j]);
        let (qi, qj) = q.column_pair(i, j, active);
        let (mut ai, mut aj) = (old_i, old_j);
        if self.y[i] != self.y[j] {
            let mut quad = self.qd[i] + self.qd[j] + 2.0 * qi[j] as f64;
            if quad <= 0.0 {
                quad = TAU;
            }
            let delta = (-self.g[i] - self.g[j]) / quad;
            let diff = ai - aj;
            ai += delta;
            aj += delta;
            if diff > 0.0 {
                if aj < 0.0 {
                    aj = 0.0;
                    ai = diff;
                }
            } else if ai < 0.0 {
                ai = 0.0;
                aj = -diff;
            }
            if diff > c_i - c_j {
                if ai > c_i {
                    ai = c_i;
                    aj = c_i - diff;
                }
            } else if aj > c_j {
                aj = c_j;
                ai = c_j + diff;
            }
        } else {
            let mut quad = self.qd[i] + self.qd[j] - 2.0 * qi[j] as f64;
            if quad <= 0.0 {
                quad = TAU;
            }
            let delta = (self.g[i] - self.g[j]) / quad;
            let sum = ai + aj;
            ai -= delta;
            aj += delta;
            if sum > c_i {
                if ai > c_i {
                    ai = c_i;
                    aj = sum - c_i;
                }
            } else if aj < 0.0 {
                aj = 0.0;
                ai = sum;
            }
            if sum > c_j {
                if aj > c_j {
                    aj = c_j;
                    ai = sum - c_j;
                }
            } else if ai < 0.0 {
                ai = 0.0;
                aj = sum;
            }
        }
        self.alpha[i] = ai;
        self.alpha[j] = aj;
        let (di, dj) = (ai - old_i, aj - old_j);
        update_gradient(&mut self.g[..active], qi, qj, di, dj);

        let (was_upper_i, was_upper_j) = (
            self.status[i] == Bound::Upper,
            self.status[j] == Bound::Upper,
        );
        self.update_status(i);
        self.update_status(j);
        let l = self.l;
        for (k, was_upper, c) in [(i, was_upper_i, c_i), (j, was_upper_j, c_j)] {
            if was_upper != (self.status[k] == Bound::Upper) {
                let column = q.column(k, l);
                let sign = if was_upper { -c } else { c };
                for (gb, &v) in self.g_bar.iter_mut().zip(column) {
                    *gb += sign * v as f64;
                }
            }
        }
    }

    /// WSS3: i maximises -y∇f over I_up; j minimises the second-order decrease over I_low.
    /// `None` when the maximal violation is below the tolerance.
    // Indexed like svm.cpp: each step reads y, status, G, QD and Q_i at the same index.
    #[allow(clippy::needless_range_loop)]
    fn select_working_set<Q: QMatrix>(&mut self, q: &mut Q) -> Option<(usize, usize)> {
        let active = self.active_size;
        let mut g_max = f64::NEG_INFINITY;
        let mut g_max_index = None;
        for t in 0..active {
            if self.y[t] > 0 {
                if self.status[t] != Bound::Upper && -self.g[t] >= g_max {
                    g_max = -self.g[t];
                    g_max_index = Some(t);
                }
            } else if self.status[t] != Bound::Lower && self.g[t] >= g_max {
                g_max = self.g[t];
                g_max_index = Some(t);
            }
        }
        let i = g_max_index?;
        let qi = q.column(i, active);
        let y_i = self.y[i] as f64;
        let qd_i = self.qd[i];
        let mut g_max2 = f64::NEG_INFINITY;
        let mut best = None;
        let mut best_decrease = f64::INFINITY;
        for j in 0..active {
            let (grad_diff, quad) = if self.y[j] > 0 {
                if self.status[j] == Bound::Lower {
                    continue;
                }
                if self.g[j] >= g_max2 {
                    g_max2 = self.g[j];
                }
                (
                    g_max + self.g[j],
                    qd_i + self.qd[j] - 2.0 * y_i * qi[j] as f64,
                )
            } else {
                if self.status[j] == Bound::Upper {
                    continue;
                }
                if -self.g[j] >= g_max2 {
                    g_max2 = -self.g[j];
                }
                (
                    g_max - self.g[j],
                    qd_i + self.qd[j] + 2.0 * y_i * qi[j] as f64,
                )
            };
            if grad_diff > 0.0 {
                let decrease = -(grad_diff * grad_diff) / if quad > 0.0 { quad } else { TAU };
                if decrease <= best_decrease {
                    best = Some(j);
                    best_decrease = decrease;
                }
            }
        }
        if g_max + g_max2 < self.eps {
            return None;
        }
        best.map(|j| (i, j))
    }

    fn be_shrunk(&self, i: usize, g_max1: f64, g_max2: f64) -> bool {
        match self.status[i] {
            Bound::Upper => {
                if self.y[i] > 0 {
                    -self.g[i] > g_max1
                } else {
                    -self.g[i] > g_max2
                }
            }
            Bound::Lower => {
                if self.y[i] > 0 {
                    self.g[i] > g_max2
                } else {
                    self.g[i] > g_max1
                }
            }
            Bound::Free => false,
        }
    }

    /// Moves variables stuck at a bound to the end of the active set.
    fn shrink<Q: QMatrix>(&mut self, q: &mut Q) {
        let mut g_max1 = f64::NEG_INFINITY;
        let mut g_max2 = f64::NEG_INFINITY;
        for i in 0..self.active_size {
            let (up, low) = if self.y[i] > 0 {
                (-self.g[i], self.g[i])
            } else {
                (self.g[i], -self.g[i])
            };
            // For y = +1, "up" feeds g_max1 unless at the upper bound and "low" feeds
            // g_max2 unless at the lower bound; for y = -1 the bounds trade roles.
            let (up_ok, low_ok) = if self.y[i] > 0 {
                (
                    self.status[i] != Bound::Upper,
                    self.status[i] != Bound::Lower,
                )
            } else {
                (
                    self.status[i] != Bound::Lower,
                    self.status[i] != Bound::Upper,
                )
            };
            if up_ok && up >= g_max1 {
                g_max1 = up;
            }
            if low_ok && low >= g_max2 {
                g_max2 = low;
            }
        }
        if !self.unshrink && g_max1 + g_max2 <= self.eps * 10.0 {
            self.unshrink = true;
            self.reconstruct_gradient(q);
            self.active_size = self.l;
        }
        let mut i = 0;
        while i < self.active_size {
            if self.be_shrunk(i, g_max1, g_max2) {
                self.active_size -= 1;
                while self.active_size > i {
                    if !self.be_shrunk(self.active_size, g_max1, g_max2) {
                        self.swap_index(q, i, self.active_size);
                        break;
                    }
                    self.active_size -= 1;
                }
            }
            i += 1;
        }
    }

    /// Rebuilds the gradient of the shrunk variables from `G_bar` and the free variables.
    #[allow(clippy::needless_range_loop)]
    fn reconstruct_gradient<Q: QMatrix>(&mut self, q: &mut Q) {
        let (l, active) = (self.l, self.active_size);
        if active == l {
            return;
        }
        for j in active..l {
            self.g[j] = self.g_bar[j] + self.p[j];
        }
        let free = (0..active)
            .filter(|&j| self.status[j] == Bound::Free)
            .count();
        if free * l > 2 * active * (l - active) {
            for i in active..l {
                let qi = q.column(i, active);
                let mut sum = 0.0;
                for j in 0..active {
                    if self.status[j] == Bound::Free {
                        sum += self.alpha[j] * qi[j] as f64;
                    }
                }
                self.g[i] += sum;
            }
        } else {
            for i in 0..active {
                if self.status[i] == Bound::Free {
                    let qi = q.column(i, l);
                    let alpha_i = self.alpha[i];
                    for (g, &v) in self.g[active..l].iter_mut().zip(&qi[active..l]) {
                        *g += alpha_i * v as f64;
                    }
                }
            }
        }
    }

    /// The offset ρ: the mean of y∇f over free variables, else the middle of its bounds.
    fn rho(&self) -> f64 {
        let mut upper = f64::INFINITY;
        let mut lower = f64::NEG_INFINITY;
        let mut free = 0usize;
        let mut sum_free = 0.0;
        for i in 0..self.active_size {
            let yg = self.y[i] as f64 * self.g[i];
            match (self.status[i], self.y[i] > 0) {
                (Bound::Upper, false) | (Bound::Lower, true) => upper = upper.min(yg),
                (Bound::Upper, true) | (Bound::Lower, false) => lower = lower.max(yg),
                (Bound::Free, _) => {
                    free += 1;
                    sum_free += yg;
                }
            }
        }
        if free > 0 {
            sum_free / free as f64
        } else {
            (upper + lower) / 2.0
        }
    }
}

/// G += Q_i Δα_i + Q_j Δα_j over the active variables (the solver's hottest loop).
fn update_gradient(g: &mut [f64], qi: &[f32], qj: &[f32], di: f64, dj: f64) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        // SAFETY: the CPU supports AVX2 and FMA, the only requirements of that copy.
        unsafe { avx2::update_gradient(g, qi, qj, di, dj) };
        return;
    }
    update_gradient_body(g, qi, qj, di, dj);
}

#[inline(always)]
fn update_gradient_body(g: &mut [f64], qi: &[f32], qj: &[f32], di: f64, dj: f64) {
    for ((g, &a), &b) in g.iter_mut().zip(qi).zip(qj) {
        *g += a as f64 * di + b as f64 * dj;
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    /// # Safety
    /// The CPU must support AVX2 and FMA.
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn update_gradient(g: &mut [f64], qi: &[f32], qj: &[f32], di: f64, dj: f64) {
        super::update_gradient_body(g, qi, qj, di, dj);
    }
}
