//! From bytes to a table of fields: size limit, encoding checks, delimiter sniffing, and rows
//! with their line numbers (split by `records`). No typing happens here.

use std::io::Read;
use std::path::Path;

use super::huge_pages::advise_huge_pages;
use super::records::{count_line_ends, FieldNotUtf8, RecordReader, Span};
#[cfg(test)]
use super::schema::short_decimal;
use super::{ColumnRef, DataError, DataErrorKind, LoadOptions};

/// A CSV file split into fields, header apart, every row the width of the header. Fields are
/// ranges of the file's text (no `String` or record per row); quoted fields, whose text differs
/// from the file's, are kept in a side buffer.
///
/// A row read plainly (no field quoted or trimmed, the common case) is its start and where
/// each field ends, 4 bytes a field: a field starts just after the delimiter that ends the
/// one before it. Other rows keep a [`Span`] per field.
#[derive(Debug)]
pub(crate) struct RawTable<'a> {
    pub headers: Vec<String>,
    /// The file line the header is on (after any blank lines).
    pub header_line: u64,
    /// The field delimiter the file was split on (given or sniffed).
    pub delimiter: u8,
    /// The 1-based file line each row starts on.
    pub lines: Vec<u64>,
    text: &'a str,
    unquoted: String,
    /// Where each row starts in the text; `SPANS | k` for a row whose fields are
    /// `spans[k * width..(k + 1) * width]`.
    starts: Vec<usize>,
    /// Row after row, `headers.len()` each: where each field of a plainly read row ends,
    /// counted from the row's start (0 for rows kept as spans).
    ends: Vec<u32>,
    /// The fields of rows not read plainly, `headers.len()` a row.
    spans: Vec<Span>,
    /// Row after row, each field read as a plain decimal while its bytes were at hand
    /// (`schema::short_decimal`); NaN where the field is anything else, to be read in full
    /// (`schema::parse_columns` writes those back).
    numbers: Vec<f64>,
    /// How many of `numbers` are NaN as read (none: every field a plain decimal).
    nan_numbers: usize,
}

impl<'a> RawTable<'a> {
    pub fn n_rows(&self) -> usize {
        self.lines.len()
    }

    /// How many fields were not plain decimals when read (NaN in [`RawTable::number`] until
    /// `schema::parse_columns` reads them); 0 for a file of plain decimals.
    pub fn nan_numbers(&self) -> usize {
        self.nan_numbers
    }

    /// The (trimmed) field of row `row` in column `column`.
    #[inline]
    pub fn cell(&self, row: usize, column: usize) -> &str {
        let width = self.headers.len();
        let start = self.starts[row];
        if start & SPANS != 0 {
            return self.field(self.spans[(start & !SPANS) * width + column]);
        }
        let at = row * width + column;
        let from = match column {
            0 => 0,
            _ => self.ends[at - 1] as usize + 1,
        };
        &self.text[start + from..start + self.ends[at] as usize]
    }

    /// The number in row `row`, column `column`: the field as a plain decimal, NaN for other
    /// fields (see [`RawTable::cell`] for those) until `schema::parse_columns` reads them.
    #[inline]
    pub fn number(&self, row: usize, column: usize) -> f64 {
        self.numbers[row * self.headers.len() + column]
    }

    /// Row `row`'s numbers, column after column (see [`RawTable::number`]).
    #[inline]
    pub fn row_numbers(&self, row: usize) -> &[f64] {
        let width = self.headers.len();
        &self.numbers[row * width..(row + 1) * width]
    }

    #[inline]
    pub(crate) fn set_number(&mut self, row: usize, column: usize, value: f64) {
        self.numbers[row * self.headers.len() + column] = value;
    }

    /// Every row's fields, in file order.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = Row<'_>> + '_ {
        (0..self.n_rows()).map(move |row| Row { table: self, row })
    }

    /// Every field of every row, row after row.
    pub fn cells(&self) -> impl Iterator<Item = &str> + '_ {
        let width = self.headers.len();
        (0..self.n_rows()).flat_map(move |row| (0..width).map(move |column| self.cell(row, column)))
    }

    /// Hands over the numbers (row after row, see [`RawTable::number`]) to become the feature
    /// matrix; afterwards the table has none, and `number` must not be called.
    pub(crate) fn take_numbers(&mut self) -> Vec<f64> {
        std::mem::take(&mut self.numbers)
    }

    #[inline]
    fn field(&self, span: Span) -> &str {
        field_of(self.text, &self.unquoted, span)
    }

    /// A table of the given fields (for tests of what comes after reading).
    #[cfg(test)]
    pub fn from_fields(delimiter: u8, headers: &[&str], rows: &[&[&str]]) -> RawTable<'static> {
        let mut table = RawTable {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            header_line: 1,
            delimiter,
            lines: (2..2 + rows.len() as u64).collect(),
            text: "",
            unquoted: String::new(),
            starts: Vec::new(),
            ends: Vec::new(),
            spans: Vec::new(),
            numbers: Vec::new(),
            nan_numbers: 0,
        };
        for (k, row) in rows.iter().enumerate() {
            table.starts.push(SPANS | k);
            table.ends.extend(std::iter::repeat_n(0, headers.len()));
            for field in row.iter() {
                let start = table.unquoted.len();
                table.unquoted.push_str(field);
                table.spans.push(Span {
                    start,
                    end: table.unquoted.len(),
                });
                let number = short_decimal(field.as_bytes(), b'.').unwrap_or(f64::NAN);
                table.nan_numbers += usize::from(number.is_nan());
                table.numbers.push(number);
            }
        }
        table
    }
}

/// In [`RawTable`]'s row starts, the bit that marks a row kept as spans (no text is that long).
const SPANS: usize = 1 << (usize::BITS - 1);

/// The text of the field at `span`: in the file's text, or in the side buffer of quoted ones.
#[inline]
fn field_of<'t>(text: &'t str, unquoted: &'t str, span: Span) -> &'t str {
    match span.start.checked_sub(text.len()) {
        None => &text[span.start..span.end],
        Some(start) => &unquoted[start..span.end - text.len()],
    }
}

/// One row of a [`RawTable`]: `row[column]` is the field's text.
#[derive(Clone, Copy)]
pub(crate) struct Row<'t> {
    table: &'t RawTable<'t>,
    row: usize,
}

impl std::ops::Index<usize> for Row<'_> {
    type Output = str;

    fn index(&self, column: usize) -> &str {
        self.table.cell(self.row, column)
    }
}

/// Reads a whole file, refusing it before reading if it is over `limit` bytes.
pub(crate) fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, DataError> {
    let io_error = |e: std::io::Error| {
        let kind = if e.kind() == std::io::ErrorKind::NotFound {
            DataErrorKind::NotFound
        } else {
            DataErrorKind::Io(e)
        };
        DataError::file(path, kind)
    };
    let file = std::fs::File::open(path).map_err(io_error)?;
    let size = file.metadata().map_err(io_error)?.len();
    if size > limit {
        return Err(DataError::file(
            path,
            DataErrorKind::TooLarge { size, limit },
        ));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    advise_huge_pages(&bytes);
    // `take` guards against a file that grows while we read it.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() as u64 > limit {
        let size = bytes.len() as u64;
        return Err(DataError::file(
            path,
            DataErrorKind::TooLarge { size, limit },
        ));
    }
    Ok(bytes)
}

/// Reads standard input to its end, refusing it once it passes `limit` bytes. Messages name
/// it `<stdin>`.
pub(crate) fn read_stdin_limited(limit: u64) -> Result<Vec<u8>, DataError> {
    let path = Path::new(super::STDIN_NAME);
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| DataError::file(path, DataErrorKind::Io(e)))?;
    if bytes.len() as u64 > limit {
        return Err(DataError::file(
            path,
            DataErrorKind::TooLarge {
                size: bytes.len() as u64,
                limit,
            },
        ));
    }
    Ok(bytes)
}

/// Rows from this many bytes on are read in two halves on two threads when they can be (no
/// quote in them): below, a thread costs more than it saves.
const PARALLEL_FROM_BYTES: usize = 1 << 20;

/// Checks the encoding and splits `bytes` into a [`RawTable`] of fields of `bytes`.
pub(crate) fn parse_table<'a>(
    path: &Path,
    bytes: &'a [u8],
    options: &LoadOptions,
) -> Result<RawTable<'a>, DataError> {
    let parallel_from = if super::loading_threads() == super::LoadingThreads::HashAndHalves {
        PARALLEL_FROM_BYTES
    } else {
        usize::MAX
    };
    parse_table_in_halves_from(path, bytes, options, parallel_from)
}

/// Rows read by [`read_rows`], in file order, stored as in [`RawTable`].
struct Rows {
    starts: Vec<usize>,
    ends: Vec<u32>,
    spans: Vec<Span>,
    /// The capacity `spans` is given at its first row: room for every row (a guess), all
    /// in huge pages, as for the other vectors (growing it page by page was slower).
    spans_guess: usize,
    numbers: Vec<f64>,
    nan_numbers: usize,
    /// Lines counted from where the reader started (1 is its first line).
    lines: Vec<u64>,
}

/// Why [`read_rows`] stopped.
enum RowError {
    /// A field is not UTF-8: the csv crate's error is reported.
    NotUtf8,
    /// A row is not as wide as the header (its line counted from the reader's start).
    FieldCount { found: usize, line: u64 },
}

/// Reads `reader`'s records into `rows`, each `width` fields; a lone empty field is a
/// blank-looking line (e.g. whitespace only) and skipped.
fn read_rows(
    reader: &mut RecordReader,
    width: usize,
    rows: &mut Rows,
    unquoted: &mut String,
) -> Result<(), RowError> {
    loop {
        // The common rows, up to the first that is not one; that one is read below.
        rows.nan_numbers += reader.simple_records(
            width,
            &mut rows.starts,
            &mut rows.ends,
            &mut rows.numbers,
            &mut rows.lines,
        );
        if rows.spans.capacity() == 0 {
            rows.spans.reserve(rows.spans_guess.max(width));
            advise_huge_pages(&rows.spans);
        }
        let before = rows.spans.len();
        let numbers_before = rows.numbers.len();
        let line = match reader.next_record(&mut rows.spans, unquoted, &mut rows.numbers) {
            Ok(Some(line)) => line,
            Ok(None) => return Ok(()),
            Err(FieldNotUtf8) => return Err(RowError::NotUtf8),
        };
        let found = rows.spans.len() - before;
        if found != width {
            if found == 1 && rows.spans[before].is_empty() {
                rows.spans.truncate(before);
                rows.numbers.truncate(numbers_before);
                continue;
            }
            return Err(RowError::FieldCount { found, line });
        }
        rows.nan_numbers += rows.numbers[numbers_before..]
            .iter()
            .filter(|n| n.is_nan())
            .count();
        rows.starts.push(SPANS | (before / width));
        rows.ends.extend(std::iter::repeat_n(0, width));
        rows.lines.push(line);
    }
}

/// Where to cut the rest of the text in two halves read in parallel: just after the first
/// line end past its middle, when the rest is at least `parallel_from` bytes, every record
/// is split without csv-core, and no quote follows (so every line end ends a record).
fn halves_at(reader: &RecordReader, bytes: &[u8], parallel_from: usize) -> Option<usize> {
    let start = reader.position();
    let rest = bytes.len() - start;
    if !reader.is_fast() || rest < parallel_from.max(2) {
        return None;
    }
    if memchr::memchr(b'"', &bytes[start..]).is_some() {
        return None;
    }
    let middle = start + rest / 2;
    let at = middle + memchr::memchr(b'\n', &bytes[middle..])? + 1;
    (at < bytes.len()).then_some(at)
}

/// [`parse_table`], reading the rows in two halves when the rest of the text after the
/// header is at least `parallel_from` bytes (tests set it low to read small files so).
pub(crate) fn parse_table_in_halves_from<'a>(
    path: &Path,
    bytes: &'a [u8],
    options: &LoadOptions,
    parallel_from: usize,
) -> Result<RawTable<'a>, DataError> {
    if bytes.starts_with(&[0xFF, 0xFE])
        || bytes.starts_with(&[0xFE, 0xFF])
        || looks_like_utf16(bytes)
    {
        return Err(DataError::file(path, DataErrorKind::Utf16));
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(text) {
        Ok(text) => text,
        Err(e) => {
            let (line, byte) = line_and_byte(text, e.valid_up_to());
            return Err(DataError::file(path, DataErrorKind::NotUtf8 { byte }).at_line(line));
        }
    };
    if text.bytes().all(|b| b.is_ascii_whitespace()) {
        return Err(DataError::file(path, DataErrorKind::Empty));
    }
    let delimiter = options
        .delimiter
        .unwrap_or_else(|| sniff_delimiter(text.as_bytes()));
    let not_utf8 = |_| csv_crate_error(path, text, delimiter);
    let mut reader = RecordReader::new(text, delimiter);
    let mut header = Vec::new();
    let mut unquoted = String::new();
    let header_line = match reader
        .next_record(&mut header, &mut unquoted, &mut Vec::new())
        .map_err(not_utf8)?
    {
        Some(line) => line,
        None => return Err(DataError::file(path, DataErrorKind::Empty)),
    };
    let headers: Vec<String> = header
        .iter()
        .map(|&span| field_of(text, &unquoted, span).to_string())
        .collect();
    check_headers(path, &headers, header_line, options)?;
    let width = headers.len();
    let mut table = RawTable {
        headers,
        header_line,
        delimiter,
        lines: Vec::new(),
        text,
        unquoted,
        starts: Vec::new(),
        ends: Vec::new(),
        spans: Vec::new(),
        numbers: Vec::new(),
        nan_numbers: 0,
    };
    // Room for every row when the rows are about as long as the first ones (a guess from
    // the line ends in the next 64 KiB; the vectors grow if not). A guess from the header's
    // length alone reserved three times the rows of a numeric file: more memory mapped
    // afresh on every load (page faults over 20 loads: 7,342 -> 5,579).
    let rest = &text.as_bytes()[reader.position()..];
    let probe = &rest[..rest.len().min(1 << 16)];
    // (`\r\n` counts twice: room for twice the rows.)
    let probe_rows = memchr::memchr2_iter(b'\n', b'\r', probe).count();
    let rows_per_byte = (probe_rows + 1) as f64 / probe.len().max(1) as f64;
    // Never more than the rows of the header's length (the guess used before), so that
    // the room stays bounded by the file's size.
    let header_bytes = text.find(['\n', '\r']).map_or(text.len(), |i| i + 1);
    let rows_guess = ((rest.len() as f64 * rows_per_byte * 1.05) as usize + 16)
        .min(text.len() / header_bytes.max(1) + 1);
    let mut rows = Rows {
        starts: Vec::with_capacity(rows_guess),
        ends: Vec::with_capacity(width * rows_guess),
        spans: Vec::new(),
        spans_guess: width * rows_guess,
        numbers: Vec::with_capacity(width * rows_guess),
        nan_numbers: 0,
        lines: Vec::with_capacity(rows_guess),
    };
    advise_huge_pages(&rows.ends);
    advise_huge_pages(&rows.numbers);
    let located = |error: RowError, base: u64| match error {
        RowError::NotUtf8 => csv_crate_error(path, text, delimiter),
        RowError::FieldCount { found, line } => DataError::file(
            path,
            DataErrorKind::WrongFieldCount {
                expected: width,
                found,
            },
        )
        .at_line(base + line),
    };
    match halves_at(&reader, text.as_bytes(), parallel_from) {
        None => read_rows(&mut reader, width, &mut rows, &mut table.unquoted)
            .map_err(|e| located(e, 0))?,
        Some(at) => {
            // Two halves, one on another core; the rows of the second follow the first's,
            // and an error in the first half is the one reported, as when read in order.
            let second_reader = reader.split_off(at);
            let read_second = || {
                let mut second = second_reader.clone();
                let mut rows = Rows {
                    starts: Vec::with_capacity(rows_guess / 2),
                    ends: Vec::with_capacity(width * rows_guess / 2),
                    spans: Vec::new(),
                    spans_guess: width * rows_guess / 2,
                    numbers: Vec::with_capacity(width * rows_guess / 2),
                    nan_numbers: 0,
                    lines: Vec::with_capacity(rows_guess / 2),
                };
                advise_huge_pages(&rows.ends);
                advise_huge_pages(&rows.numbers);
                let read = read_rows(&mut second, width, &mut rows, &mut String::new());
                (read, rows)
            };
            let (first, (second_read, second_rows)) = std::thread::scope(|scope| {
                let thread = std::thread::Builder::new()
                    .name("csv-second-half".into())
                    .spawn_scoped(scope, read_second)
                    .ok();
                let first = read_rows(&mut reader, width, &mut rows, &mut table.unquoted);
                let second = match thread.map(|t| t.join()) {
                    Some(Ok(second)) => second,
                    // No thread, or it failed: read the second half here.
                    _ => read_second(),
                };
                (first, second)
            });
            let base = reader.line_ends_to_end();
            first.map_err(|e| located(e, 0))?;
            second_read.map_err(|e| located(e, base))?;
            // The second half's rows kept as spans follow the first half's.
            let spans_before = rows.spans.len() / width;
            rows.starts.extend(second_rows.starts.iter().map(|&start| {
                if start & SPANS != 0 {
                    SPANS | ((start & !SPANS) + spans_before)
                } else {
                    start
                }
            }));
            rows.ends.extend_from_slice(&second_rows.ends);
            rows.spans.extend_from_slice(&second_rows.spans);
            rows.numbers.extend_from_slice(&second_rows.numbers);
            rows.nan_numbers += second_rows.nan_numbers;
            rows.lines
                .extend(second_rows.lines.iter().map(|line| base + line));
        }
    }
    table.starts = rows.starts;
    table.ends = rows.ends;
    table.spans = rows.spans;
    table.numbers = rows.numbers;
    table.nan_numbers = rows.nan_numbers;
    table.lines = rows.lines;
    if table.lines.is_empty() {
        return Err(DataError::file(path, DataErrorKind::HeaderOnly));
    }
    Ok(table)
}

fn check_headers(
    path: &Path,
    headers: &[String],
    line: u64,
    options: &LoadOptions,
) -> Result<(), DataError> {
    if headers.len() > options.max_columns {
        return Err(DataError::file(
            path,
            DataErrorKind::TooManyColumns {
                columns: headers.len(),
                limit: options.max_columns,
            },
        )
        .at_line(line));
    }
    let mut seen = std::collections::HashMap::new();
    for (index, name) in headers.iter().enumerate() {
        // An unnamed first column may be row names (R's `write.csv`); the column plan decides.
        if name.is_empty() && index > 0 {
            return Err(DataError::file(path, DataErrorKind::EmptyColumnName)
                .at_line(line)
                .at_column(ColumnRef::new(index, name)));
        }
        if let Some(&first) = seen.get(name.as_str()) {
            return Err(DataError::file(
                path,
                DataErrorKind::DuplicateColumn {
                    first: first + 1,
                    second: index + 1,
                },
            )
            .at_line(line)
            .at_column(ColumnRef::new(index, name)));
        }
        seen.insert(name.as_str(), index);
    }
    Ok(())
}

/// The csv crate's own error for a file one of whose fields it cannot read as UTF-8 (only
/// possible when the delimiter is not ASCII): the message and line it has always given.
fn csv_crate_error(path: &Path, text: &str, delimiter: u8) -> DataError {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let error = reader.records().find_map(Result::err);
    let line = error.as_ref().and_then(|e| e.position()).map(|p| p.line());
    let message = error.map_or_else(
        || "a field is not valid UTF-8".to_string(),
        |e| e.to_string(),
    );
    let mut data_error = DataError::file(path, DataErrorKind::Csv(message));
    data_error.line = line;
    data_error
}

/// UTF-16 without a byte order mark: text has no NUL bytes, but ASCII in UTF-16 is every other
/// byte NUL, all on even offsets (big endian) or all on odd ones (little endian).
fn looks_like_utf16(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(64)];
    let nul_at = |parity: usize| {
        head.iter()
            .enumerate()
            .filter(|&(i, &b)| b == 0 && i % 2 == parity)
            .count()
    };
    let (even, odd) = (nul_at(0), nul_at(1));
    head.len() >= 4 && (even == 0) != (odd == 0) && even.max(odd) * 4 >= head.len()
}

/// The delimiter among `,` `;` and tab that occurs most often outside quotes on the first line.
fn sniff_delimiter(text: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut in_quotes = false;
    for &b in text {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' | b'\r' if !in_quotes => break,
            b',' if !in_quotes => counts[0] += 1,
            b';' if !in_quotes => counts[1] += 1,
            b'\t' if !in_quotes => counts[2] += 1,
            _ => {}
        }
    }
    let candidates = [b',', b';', b'\t'];
    let best = (0..3)
        .max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))
        .unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        candidates[best]
    }
}

/// 1-based line and byte-in-line of a byte offset.
fn line_and_byte(text: &[u8], offset: usize) -> (u64, usize) {
    let line = 1 + count_line_ends(text, 0, offset);
    let line_start = text[..offset]
        .iter()
        .rposition(|&b| b == b'\n' || b == b'\r')
        .map_or(0, |p| p + 1);
    (line, offset - line_start + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_semicolon_and_tab_and_ignores_quoted_commas() {
        assert_eq!(sniff_delimiter(b"a;b;c\n1;2;3"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\tc\n"), b'\t');
        assert_eq!(sniff_delimiter(b"\"x,y,z\";b\n"), b';');
        assert_eq!(sniff_delimiter(b"onlyone\n"), b',');
    }

    /// Everything a table holds, as text and bits, for comparing two readings.
    fn contents(table: &RawTable) -> (Vec<String>, Vec<u64>, Vec<u64>) {
        let cells = table.cells().map(str::to_string).collect();
        let numbers = table.numbers.iter().map(|n| n.to_bits()).collect();
        (cells, numbers, table.lines.clone())
    }

    /// Reading the rows in two halves on two threads gives the table, or the error, that
    /// reading them in order gives: same fields, numbers, lines (blank lines, CRLF and
    /// whitespace-only lines around the cut included), and the first error in the file.
    #[test]
    fn two_halves_read_as_one() {
        let path = Path::new("t.csv");
        let options = LoadOptions::default();
        let mut rows = vec!["a,b,c".to_string()];
        for i in 0..400 {
            rows.push(match i % 7 {
                0 => String::new(),
                1 => "   ".to_string(),
                2 => format!("{i}.5, x{i} ,-{i}\r"),
                3 => format!("{i},1e{},{}", i % 30, i * 3),
                _ => format!("{i},{}.25,NA", i * 2),
            });
        }
        let text = rows.join("\n");
        let in_order =
            parse_table_in_halves_from(path, text.as_bytes(), &options, usize::MAX).expect("loads");
        let in_halves =
            parse_table_in_halves_from(path, text.as_bytes(), &options, 0).expect("loads");
        assert!(halves_at(&RecordReader::new(&text, b','), text.as_bytes(), 0).is_some());
        assert_eq!(contents(&in_order), contents(&in_halves));
        assert_eq!(in_order.n_rows(), (0..400).filter(|i| i % 7 > 1).count());

        let error = |text: &str, from: usize| {
            parse_table_in_halves_from(path, text.as_bytes(), &options, from)
                .expect_err("a short row")
                .to_string()
        };
        let mut late = rows.clone();
        late[350] = "1,2".to_string();
        let late = late.join("\n");
        assert_eq!(error(&late, usize::MAX), error(&late, 0));
        assert!(error(&late, 0).contains("351"), "{}", error(&late, 0));
        let mut both = rows.clone();
        both[20] = "1,2".to_string();
        both[350] = "1".to_string();
        let both = both.join("\n");
        assert_eq!(error(&both, usize::MAX), error(&both, 0));
        assert!(error(&both, 0).contains("21"), "{}", error(&both, 0));
    }

    #[test]
    fn line_and_byte_count_from_one() {
        assert_eq!(line_and_byte(b"ab\ncd\nef", 4), (2, 2));
        assert_eq!(line_and_byte(b"ab", 0), (1, 1));
    }
}
