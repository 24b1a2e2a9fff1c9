//! Which cells a task runs: a plan's indexes split into batches (one per array task or pod,
//! at most [`MAX_ARRAY_TASKS`] of them), and cell lists written and read as `0-3,7,9-10`.

/// The most tasks one array gets: Slurm's default `MaxArraySize` of 1001 allows indexes
/// 0 to 1000, and schedulers handle fewer, longer tasks better than thousands of tiny ones.
pub const MAX_ARRAY_TASKS: usize = 1000;

/// Cells per task and the number of tasks for `cells` cells: `requested` cells per task, or
/// the fewest that keep the tasks within [`MAX_ARRAY_TASKS`]. Refuses a batch size that would
/// need more tasks than that.
pub fn batches(cells: usize, requested: Option<usize>) -> anyhow::Result<(usize, usize)> {
    let least = cells.div_ceil(MAX_ARRAY_TASKS).max(1);
    let batch = requested.unwrap_or(least).max(1);
    if batch < least {
        anyhow::bail!(
            "{cells} cells in batches of {batch} make {} tasks, more than the {MAX_ARRAY_TASKS} a job array may have; use --batch-size {least} or more",
            cells.div_ceil(batch)
        );
    }
    Ok((batch, cells.div_ceil(batch)))
}

/// Which cells `run-cell` runs: plan indexes, checked against the plan.
pub fn select_cells(
    total: usize,
    list: Option<&[usize]>,
    index: Option<usize>,
    batch_size: usize,
) -> anyhow::Result<Vec<usize>> {
    let batch_size = batch_size.max(1);
    if let Some(bad) = list.into_iter().flatten().find(|&&i| i >= total) {
        anyhow::bail!(
            "cell {bad} is not in the plan, which has cells 0 to {}",
            total.saturating_sub(1)
        );
    }
    let pool: Vec<usize> = match list {
        Some(list) => list.to_vec(),
        None => (0..total).collect(),
    };
    let Some(index) = index else {
        return Ok(pool);
    };
    let batches = pool.len().div_ceil(batch_size);
    let start = index.saturating_mul(batch_size);
    if start >= pool.len() {
        anyhow::bail!(
            "index {index} is out of range: {} cells in batches of {batch_size} make indexes 0 to {}",
            pool.len(),
            batches.saturating_sub(1)
        );
    }
    Ok(pool[start..(start + batch_size).min(pool.len())].to_vec())
}

/// Plan indexes as a compact comma list: `0-3,7,9-10`.
pub fn index_list(indexes: &[usize]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < indexes.len() {
        let start = indexes[i];
        let mut end = start;
        while i + 1 < indexes.len() && indexes[i + 1] == end + 1 {
            i += 1;
            end += 1;
        }
        parts.push(if end == start {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
        i += 1;
    }
    parts.join(",")
}

/// Parses an [`index_list`] (`0-3,7`) back into indexes.
pub fn parse_index_list(text: &str) -> Result<Vec<usize>, String> {
    let mut indexes = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let number = |t: &str| {
            t.trim()
                .parse::<usize>()
                .map_err(|_| format!("'{part}' is not a cell number or a range like 3-7"))
        };
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (number(a)?, number(b)?);
                if a > b {
                    return Err(format!("range '{part}' runs backwards"));
                }
                indexes.extend(a..=b);
            }
            None => indexes.push(number(part)?),
        }
    }
    if indexes.is_empty() {
        return Err("no cell numbers given".to_string());
    }
    Ok(indexes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_cover_the_plan_and_out_of_range_indexes_are_refused() {
        assert_eq!(
            select_cells(10, None, Some(0), 4).unwrap(),
            vec![0, 1, 2, 3]
        );
        assert_eq!(select_cells(10, None, Some(2), 4).unwrap(), vec![8, 9]);
        let err = select_cells(10, None, Some(3), 4).unwrap_err().to_string();
        assert!(
            err.contains("index 3 is out of range") && err.contains("0 to 2"),
            "{err}"
        );
        assert_eq!(
            select_cells(10, Some(&[2, 5, 7]), Some(1), 2).unwrap(),
            vec![7]
        );
        assert_eq!(
            select_cells(10, Some(&[2, 5]), None, 1).unwrap(),
            vec![2, 5]
        );
        let err = select_cells(10, Some(&[12]), None, 1)
            .unwrap_err()
            .to_string();
        assert!(err.contains("cell 12 is not in the plan"), "{err}");
    }

    #[test]
    fn batches_keep_arrays_within_a_thousand_tasks() {
        assert_eq!(batches(10, None).unwrap(), (1, 10));
        assert_eq!(batches(1000, None).unwrap(), (1, 1000));
        assert_eq!(batches(1001, None).unwrap(), (2, 501));
        assert_eq!(batches(6000, None).unwrap(), (6, 1000));
        assert_eq!(batches(6000, Some(10)).unwrap(), (10, 600));
        let err = batches(6000, Some(5)).unwrap_err().to_string();
        assert!(
            err.contains("1200 tasks") && err.contains("--batch-size 6"),
            "{err}"
        );
    }

    #[test]
    fn index_lists_round_trip() {
        assert_eq!(index_list(&[0, 1, 2, 3, 7, 9, 10]), "0-3,7,9-10");
        assert_eq!(
            parse_index_list("0-3,7,9-10").unwrap(),
            vec![0, 1, 2, 3, 7, 9, 10]
        );
        assert!(parse_index_list("3-1").is_err());
        assert!(parse_index_list("x").is_err());
        assert!(parse_index_list("").is_err());
    }
}
