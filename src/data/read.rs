//! From bytes to a table of strings: size limit, encoding checks, delimiter sniffing, and
//! records with their line numbers. No typing happens here.

use std::io::Read;
use std::path::Path;

use super::{ColumnRef, DataError, DataErrorKind, LoadOptions};

/// A CSV file split into fields, header apart, every row the width of the header.
#[derive(Debug)]
pub(crate) struct RawTable {
    pub headers: Vec<String>,
    /// The file line the header is on (after any blank lines).
    pub header_line: u64,
    /// The field delimiter the file was split on (given or sniffed).
    pub delimiter: u8,
    /// One record per row: its fields share one buffer (no `String` per cell).
    pub rows: Vec<csv::StringRecord>,
    /// The 1-based file line each row starts on.
    pub lines: Vec<u64>,
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

/// Checks the encoding and splits `bytes` into a [`RawTable`].
pub(crate) fn parse_table(
    path: &Path,
    bytes: &[u8],
    options: &LoadOptions,
) -> Result<RawTable, DataError> {
    if bytes.starts_with(&[0xFF, 0xFE])
        || bytes.starts_with(&[0xFE, 0xFF])
        || looks_like_utf16(bytes)
    {
        return Err(DataError::file(path, DataErrorKind::Utf16));
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Err(e) = std::str::from_utf8(text) {
        let (line, byte) = line_and_byte(text, e.valid_up_to());
        return Err(DataError::file(path, DataErrorKind::NotUtf8 { byte }).at_line(line));
    }
    if text.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DataError::file(path, DataErrorKind::Empty));
    }
    let delimiter = options.delimiter.unwrap_or_else(|| sniff_delimiter(text));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text);

    let mut records = reader.records();
    let mut line_counter = LineCounter::default();
    let mut header = match records.next() {
        Some(record) => record.map_err(|e| csv_error(path, e))?,
        None => return Err(DataError::file(path, DataErrorKind::Empty)),
    };
    trim_if_needed(&mut header);
    let header_line = line_counter.line_of(text, &header);
    let headers: Vec<String> = header.iter().map(str::to_string).collect();
    check_headers(path, &headers, header_line, options)?;

    let mut rows = Vec::new();
    let mut lines = Vec::new();
    for record in records {
        let mut record = record.map_err(|e| csv_error(path, e))?;
        trim_if_needed(&mut record);
        let line = line_counter.line_of(text, &record);
        if record.len() != headers.len() {
            // A lone empty field is a blank-looking line (e.g. whitespace only): skip it.
            if record.len() == 1 && record.get(0) == Some("") {
                continue;
            }
            return Err(DataError::file(
                path,
                DataErrorKind::WrongFieldCount {
                    expected: headers.len(),
                    found: record.len(),
                },
            )
            .at_line(line));
        }
        rows.push(record);
        lines.push(line);
    }
    if rows.is_empty() {
        return Err(DataError::file(path, DataErrorKind::HeaderOnly));
    }
    Ok(RawTable {
        headers,
        header_line,
        delimiter,
        rows,
        lines,
    })
}

/// Trims the whitespace around every field, as the csv crate's `Trim::All` would, but only for
/// records that have some: the crate's trim copies every record into a new one, which was a
/// tenth of the load time on a clean numeric file.
fn trim_if_needed(record: &mut csv::StringRecord) {
    let padded = record.iter().any(|field| {
        field.starts_with(char::is_whitespace) || field.ends_with(char::is_whitespace)
    });
    if padded {
        record.trim();
    }
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

fn csv_error(path: &Path, error: csv::Error) -> DataError {
    let line = error.position().map(|p| p.line());
    let mut data_error = DataError::file(path, DataErrorKind::Csv(error.to_string()));
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

/// Line ends (`\n`, `\r\n` or a lone `\r`, as the csv crate reads them) in `text[from..to]`.
fn count_line_ends(text: &[u8], from: usize, to: usize) -> u64 {
    (from..to)
        .filter(|&i| text[i] == b'\n' || (text[i] == b'\r' && text.get(i + 1) != Some(&b'\n')))
        .count() as u64
}

/// The file line each record starts on, counted forward record by record.
///
/// Not the csv crate's `Position::line`: that is where the reader stood before the record, so
/// it is one short after a `\r\n` line end (the `\n` is still unread), misses the blank lines
/// the reader skips, and counts no lone `\r` line ends.
#[derive(Default)]
struct LineCounter {
    byte: usize,
    line_ends: u64,
}

impl LineCounter {
    fn line_of(&mut self, text: &[u8], record: &csv::StringRecord) -> u64 {
        let read_from = record
            .position()
            .map_or(self.byte, |p| p.byte() as usize)
            .clamp(self.byte, text.len());
        // Skip the line ends before the record: the rest of the last one, and blank lines.
        let start = text[read_from..]
            .iter()
            .position(|&b| b != b'\n' && b != b'\r')
            .map_or(text.len(), |p| read_from + p);
        self.line_ends += count_line_ends(text, self.byte, start);
        self.byte = start;
        self.line_ends + 1
    }
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

    #[test]
    fn line_and_byte_count_from_one() {
        assert_eq!(line_and_byte(b"ab\ncd\nef", 4), (2, 2));
        assert_eq!(line_and_byte(b"ab", 0), (1, 1));
    }
}
