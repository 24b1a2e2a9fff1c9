//! libsvm's kernel-column cache: columns of Q kept in f32 (libsvm's `Qfloat`) under a fixed
//! byte budget, least recently used evicted first, so solver memory is O(budget + n) rather
//! than n². A column may be cached shorter than the problem (only its active part); a later
//! request for more fills the rest.

/// One cached column and its place in the LRU list (indices into `heads`).
struct Head {
    prev: usize,
    next: usize,
    data: Vec<f32>,
}

/// LRU cache of columns `0..l`, each up to `l` entries long.
pub(super) struct ColumnCache {
    /// `l` column heads, then the list's sentinel.
    heads: Vec<Head>,
    /// Entries (f32) that may still be allocated.
    free: usize,
}

impl ColumnCache {
    /// A cache for `l` columns within `bytes`, but never less than two full columns (the
    /// solver reads two at once).
    pub(super) fn new(l: usize, bytes: usize) -> Self {
        let entries = bytes / std::mem::size_of::<f32>();
        let header = l * std::mem::size_of::<Head>() / std::mem::size_of::<f32>();
        let free = entries.max(2 * l + header) - header;
        let sentinel = l;
        let heads = (0..=l)
            .map(|_| Head {
                prev: sentinel,
                next: sentinel,
                data: Vec::new(),
            })
            .collect();
        ColumnCache { heads, free }
    }

    fn sentinel(&self) -> usize {
        self.heads.len() - 1
    }

    fn unlink(&mut self, h: usize) {
        let (prev, next) = (self.heads[h].prev, self.heads[h].next);
        self.heads[prev].next = next;
        self.heads[next].prev = prev;
    }

    /// Appends `h` as the most recently used column.
    fn link_last(&mut self, h: usize) {
        let sentinel = self.sentinel();
        let last = self.heads[sentinel].prev;
        self.heads[h].prev = last;
        self.heads[h].next = sentinel;
        self.heads[last].next = h;
        self.heads[sentinel].prev = h;
    }

    fn drop_column(&mut self, h: usize) {
        self.unlink(h);
        self.free += self.heads[h].data.len();
        self.heads[h].data = Vec::new();
    }

    /// Makes column `index` at least `len` long and most recently used; returns the first
    /// entry the caller must compute (`len` or more when nothing is missing).
    pub(super) fn request(&mut self, index: usize, len: usize) -> usize {
        let have = self.heads[index].data.len();
        if have > 0 {
            self.unlink(index);
        }
        let start = if len > have {
            let more = len - have;
            while self.free < more {
                let oldest = self.heads[self.sentinel()].next;
                if oldest == self.sentinel() {
                    break;
                }
                self.drop_column(oldest);
            }
            let data = &mut self.heads[index].data;
            data.reserve_exact(more);
            data.resize(len, 0.0);
            self.free = self.free.saturating_sub(more);
            have
        } else {
            len
        };
        self.link_last(index);
        start
    }

    /// Column `index` as cached (call [`Self::request`] first).
    pub(super) fn column(&self, index: usize) -> &[f32] {
        &self.heads[index].data
    }

    pub(super) fn column_mut(&mut self, index: usize) -> &mut [f32] {
        &mut self.heads[index].data
    }

    /// Follows the solver swapping variables `i` and `j`: swaps their columns and the two
    /// entries of every cached column long enough to hold both; drops the columns that hold
    /// only one of them (as libsvm does).
    pub(super) fn swap_index(&mut self, i: usize, j: usize) {
        if i == j {
            return;
        }
        let (has_i, has_j) = (
            !self.heads[i].data.is_empty(),
            !self.heads[j].data.is_empty(),
        );
        if has_i {
            self.unlink(i);
        }
        if has_j {
            self.unlink(j);
        }
        let data_i = std::mem::take(&mut self.heads[i].data);
        self.heads[i].data = std::mem::replace(&mut self.heads[j].data, data_i);
        if has_j {
            self.link_last(i);
        }
        if has_i {
            self.link_last(j);
        }
        let (low, high) = (i.min(j), i.max(j));
        let sentinel = self.sentinel();
        let mut h = self.heads[sentinel].next;
        while h != sentinel {
            let next = self.heads[h].next;
            let len = self.heads[h].data.len();
            if len > low {
                if len > high {
                    self.heads[h].data.swap(low, high);
                } else {
                    self.drop_column(h);
                }
            }
            h = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill(cache: &mut ColumnCache, index: usize, len: usize) {
        let start = cache.request(index, len);
        for (k, v) in cache.column_mut(index)[start.min(len)..len]
            .iter_mut()
            .enumerate()
        {
            *v = (index * 100 + start + k) as f32;
        }
    }

    #[test]
    fn keeps_columns_until_the_budget_forces_the_oldest_out() {
        // 4 columns of 4; the budget is raised to two full columns plus the headers.
        let mut cache = ColumnCache::new(4, 0);
        fill(&mut cache, 0, 4);
        fill(&mut cache, 1, 4);
        assert_eq!(cache.request(0, 4), 4, "column 0 is still cached");
        fill(&mut cache, 2, 4);
        // Column 1 was the least recently used one.
        assert_eq!(cache.request(1, 4), 0, "column 1 was evicted");
        assert_eq!(cache.column(2), &[200.0, 201.0, 202.0, 203.0]);
    }

    #[test]
    fn extends_a_short_column_from_where_it_stopped() {
        let mut cache = ColumnCache::new(5, 1 << 20);
        assert_eq!(cache.request(3, 2), 0);
        assert_eq!(cache.request(3, 5), 2);
        assert_eq!(cache.request(3, 4), 4);
    }

    #[test]
    fn swapping_moves_columns_and_entries_and_drops_partial_columns() {
        let mut cache = ColumnCache::new(4, 1 << 20);
        fill(&mut cache, 0, 4);
        fill(&mut cache, 1, 2);
        cache.swap_index(1, 3);
        // Column 0 is long enough: its entries 1 and 3 trade places.
        assert_eq!(cache.column(0), &[0.0, 3.0, 2.0, 1.0]);
        // Column 1 moved to 3, then was dropped for holding entry 1 but not entry 3.
        assert!(cache.column(1).is_empty() && cache.column(3).is_empty());
    }
}
