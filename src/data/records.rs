//! Splitting text into records of fields exactly as the csv crate reads them (its tokenizer,
//! csv-core: `\n`, `\r` or `\r\n` end a record, blank lines are skipped, a field that starts
//! with `"` is quoted), with every field trimmed, but without a `String` or record per row:
//! a field is a byte range of the text.
//!
//! A record with no field starting with a quote, the common case, is split here with memchr;
//! its fields are ranges of the text itself. A record with a quoted field is handed to
//! csv-core from where the record starts, and its unquoted fields are copied to a side buffer.
//! Either way the fields are the ones the csv crate's reader would give.
//!
//! Each field is also read as a plain decimal while its bytes are at hand
//! (`schema::decimal_prefix`): an unquoted record is split and its numbers parsed in the same
//! walk over its bytes, so a numeric file is read once.
//!
//! Most records are simpler still: exactly as many fields as the header, none quoted, none
//! with whitespace to trim. [`RecordReader::simple_records`] reads a run of those in the same
//! walk, keeping of each field only where it ends (from its row's start, 4 bytes) and its
//! number, not a 16-byte span. Any other record is left to [`RecordReader::next_record`].

use std::ops::Range;

use super::schema::{decimal_prefix, short_decimal};

/// Where a field's text is: `start..end` of the file's text when `start < text.len()`, else of
/// the side buffer of unquoted fields, shifted by `text.len()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// A field csv-core read is not UTF-8 (only possible with a delimiter byte that is not ASCII,
/// which can split a character): the caller asks the csv crate for its exact error.
#[derive(Debug)]
pub(crate) struct FieldNotUtf8;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads records one after another, counting lines as it goes.
#[derive(Clone)]
pub(crate) struct RecordReader<'a> {
    /// The text this reader reads records of, up to its end (see [`RecordReader::split_off`]).
    text: &'a str,
    /// The whole file's text length: where spans into the side buffer start.
    shift: usize,
    delimiter: u8,
    /// Whether records without a quoted field may be split here (an ASCII delimiter that is
    /// not the quote or a line end); otherwise csv-core reads every record.
    fast: bool,
    /// Whether a field may be read as a decimal as it is split: the delimiter is none of the
    /// bytes a plain decimal is written with (a sign, a digit, the point).
    numbers_inline: bool,
    /// Where the next record is looked for.
    pos: usize,
    /// Calls of [`RecordReader::simple_records`] in a row that read no record, and how many
    /// more calls to answer at once with none: in a file whose every record is quoted or
    /// padded, trying each record costs more than it saves.
    simple_misses: u32,
    skip_simple: u64,
    /// Line ends in `text[..counted_to]`.
    line_ends: u64,
    counted_to: usize,
    core: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
}

impl<'a> RecordReader<'a> {
    pub fn new(text: &'a str, delimiter: u8) -> Self {
        let mut core = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
        // csv-core drops a byte order mark at the start of its first input. Do that once here,
        // as the csv crate's reader does at the start of the text, and make csv-core read one
        // (skipped) line end so that it never drops one in the middle of the file.
        let pos = if text.as_bytes().starts_with(BOM) {
            BOM.len()
        } else {
            0
        };
        let _ = core.read_record(b"\n", &mut [0u8; 1], &mut [0usize; 1]);
        RecordReader {
            text,
            shift: text.len(),
            delimiter,
            fast: delimiter.is_ascii() && !matches!(delimiter, b'"' | b'\n' | b'\r'),
            numbers_inline: !matches!(delimiter, b'0'..=b'9' | b'+' | b'-' | b'.'),
            pos,
            simple_misses: 0,
            skip_simple: 0,
            line_ends: 0,
            counted_to: 0,
            core,
            out: vec![0; 4096],
            ends: vec![0; 64],
        }
    }

    /// Where the next record is looked for.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Whether every record without a quoted field is split here, not by csv-core.
    pub fn is_fast(&self) -> bool {
        self.fast
    }

    /// Hands the records from `at` on (a record boundary: just after a line end, in a text
    /// with no quote from here on) to a new reader, which counts lines from `at` (its first
    /// line is 1); this reader stops at `at`. Spans stay positions in the whole text.
    pub fn split_off(&mut self, at: usize) -> RecordReader<'a> {
        let mut core = csv_core::ReaderBuilder::new()
            .delimiter(self.delimiter)
            .build();
        // As in `new`: csv-core never drops a byte order mark after its first input.
        let _ = core.read_record(b"\n", &mut [0u8; 1], &mut [0usize; 1]);
        let second = RecordReader {
            text: self.text,
            shift: self.shift,
            delimiter: self.delimiter,
            fast: self.fast,
            numbers_inline: self.numbers_inline,
            pos: at,
            simple_misses: 0,
            skip_simple: 0,
            line_ends: 0,
            counted_to: at,
            core,
            out: vec![0; 4096],
            ends: vec![0; 64],
        };
        self.text = &self.text[..at];
        second
    }

    /// Line ends in this reader's text before its end, from where it started counting.
    pub fn line_ends_to_end(&self) -> u64 {
        self.line_ends + count_line_ends(self.text.as_bytes(), self.counted_to, self.text.len())
    }

    /// Appends the next record's fields (trimmed) to `cells`, the text of quoted ones to
    /// `unquoted`, each field's value as a plain decimal to `numbers` (`schema::short_decimal`
    /// of the trimmed field, NaN when it is not one), and returns the 1-based line the record
    /// starts on; `None` at the end.
    pub fn next_record(
        &mut self,
        cells: &mut Vec<Span>,
        unquoted: &mut String,
        numbers: &mut Vec<f64>,
    ) -> Result<Option<u64>, FieldNotUtf8> {
        let bytes = self.text.as_bytes();
        // Blank lines and the rest of the last line end are skipped, as csv-core does.
        let start = bytes[self.pos..]
            .iter()
            .position(|&b| b != b'\n' && b != b'\r')
            .map_or(bytes.len(), |p| self.pos + p);
        if start == bytes.len() {
            self.pos = start;
            return Ok(None);
        }
        self.line_ends += count_line_ends(bytes, self.counted_to, start);
        self.counted_to = start;
        let line = self.line_ends + 1;
        let unquoted_end = if self.fast {
            self.unquoted_record(start, cells, numbers)
        } else {
            None
        };
        match unquoted_end {
            Some(end) => {
                // The record's fields hold no line end: nothing to count before `end`.
                self.counted_to = end;
                self.pos = end;
            }
            None => self.pos = self.quoted_record(start, cells, unquoted, numbers)?,
        }
        Ok(Some(line))
    }

    /// Reads records for as long as each is simple: exactly `width` fields, none starting
    /// with a quote, none with whitespace or a non-ASCII byte at either end (so nothing to
    /// trim). Of each it appends the 1-based line it starts on to `lines`, where it starts to
    /// `starts`, where each field ends (counted from the record's start) to `ends`, and each
    /// field as a plain decimal to `numbers` (NaN when it is not one), as
    /// [`RecordReader::next_record`] would read them; returns how many of those numbers are
    /// NaN. Stops, reading nothing of it, before the first record that is not simple (or
    /// longer than `u32::MAX` bytes), for `next_record` to read; a no-op when this reader is
    /// not [`RecordReader::is_fast`].
    pub fn simple_records(
        &mut self,
        width: usize,
        starts: &mut Vec<usize>,
        ends: &mut Vec<u32>,
        numbers: &mut Vec<f64>,
        lines: &mut Vec<u64>,
    ) -> usize {
        if !self.fast || width == 0 {
            return 0;
        }
        if self.skip_simple > 0 {
            self.skip_simple -= 1;
            return 0;
        }
        let rows_before = starts.len();
        let bytes = self.text.as_bytes();
        let delimiter = self.delimiter;
        let numbers_inline = self.numbers_inline;
        let is_stop = |b: u8| b == delimiter || b == b'\n' || b == b'\r';
        let may_pad = |b: u8| b <= b' ' || b >= 0x80;
        let (mut pos, mut line_ends, mut counted_to) = (self.pos, self.line_ends, self.counted_to);
        let mut nan_numbers = 0;
        loop {
            // Blank lines and the rest of the last line end are skipped, as csv-core does.
            let mut start = pos;
            while start < bytes.len() && matches!(bytes[start], b'\n' | b'\r') {
                start += 1;
            }
            if start == bytes.len() {
                break;
            }
            if bytes[start] == b'"' {
                break;
            }
            let mut field_start = start;
            let (mut row_nan, mut row_fields) = (0, 0);
            // The row is written in place (and taken back if it turns out not simple).
            let (first_end, first_number) = (ends.len(), numbers.len());
            ends.resize(first_end + width, 0);
            numbers.resize(first_number + width, 0.0);
            let row = ends[first_end..]
                .iter_mut()
                .zip(&mut numbers[first_number..]);
            for (column, (end, number)) in row.enumerate() {
                // As in `unquoted_record`: a plain decimal right up to a stop is read and
                // its end found in one walk.
                let (value, length) = if numbers_inline {
                    decimal_prefix(&bytes[field_start..], b'.')
                } else {
                    (None, 0)
                };
                let mut stop = field_start + length;
                let stopped = bytes.get(stop).is_none_or(|&b| is_stop(b));
                *number = match value {
                    Some(value) if stopped => value,
                    _ => {
                        if !stopped {
                            stop = memchr::memchr3(delimiter, b'\n', b'\r', &bytes[stop..])
                                .map_or(bytes.len(), |i| stop + i);
                        }
                        let field = &bytes[field_start..stop];
                        let padded = field.first().is_some_and(|&b| {
                            b == b'"' || may_pad(b) || may_pad(field[field.len() - 1])
                        });
                        if padded {
                            break;
                        }
                        let number = short_decimal(field, b'.').unwrap_or(f64::NAN);
                        row_nan += usize::from(number.is_nan());
                        number
                    }
                };
                // A delimiter after every field but the last, and after the last none.
                let at_delimiter = bytes.get(stop) == Some(&delimiter);
                if at_delimiter != (column + 1 < width) {
                    break;
                }
                // Exact unless the record is over `u32::MAX` bytes, refused below.
                *end = (stop - start) as u32;
                field_start = stop + 1;
                row_fields += 1;
            }
            let too_long = || u32::try_from(field_start - 1 - start).is_err();
            if row_fields < width || too_long() {
                ends.truncate(first_end);
                numbers.truncate(first_number);
                break;
            }
            let record_end = field_start - 1;
            nan_numbers += row_nan;
            line_ends += count_line_ends(bytes, counted_to, start);
            // The record's fields hold no line end: nothing to count before its end.
            counted_to = record_end;
            pos = record_end;
            lines.push(line_ends + 1);
            starts.push(start);
        }
        self.pos = pos;
        self.line_ends = line_ends;
        self.counted_to = counted_to;
        // After 4 misses in a row, skip 16, 32, ... up to 1,024 calls (records) before
        // trying again; any record read starts over.
        if starts.len() == rows_before {
            self.simple_misses += 1;
            if self.simple_misses >= 4 {
                self.skip_simple = 1 << self.simple_misses.min(10);
            }
        } else {
            self.simple_misses = 0;
        }
        nan_numbers
    }

    /// Splits the record at `start` when none of its fields starts with a quote, reading each
    /// field as a decimal on the way, and returns where it ends (its line end, or the end of
    /// the text); `None` (and `cells` and `numbers` untouched) when a field is quoted.
    fn unquoted_record(
        &self,
        start: usize,
        cells: &mut Vec<Span>,
        numbers: &mut Vec<f64>,
    ) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let (first_cell, first_number) = (cells.len(), numbers.len());
        let is_stop = |at: usize| {
            bytes
                .get(at)
                .is_none_or(|&b| b == self.delimiter || b == b'\n' || b == b'\r')
        };
        let mut field_start = start;
        loop {
            // The common field is a plain decimal right up to the delimiter: read its value
            // and find its end in one walk. It has no quote and nothing to trim.
            let (value, length) = if self.numbers_inline {
                decimal_prefix(&bytes[field_start..], b'.')
            } else {
                (None, 0)
            };
            let mut field_end = field_start + length;
            let stopped = is_stop(field_end);
            match value {
                Some(value) if stopped => {
                    cells.push(Span {
                        start: field_start,
                        end: field_end,
                    });
                    numbers.push(value);
                }
                _ => {
                    if bytes.get(field_start) == Some(&b'"') {
                        cells.truncate(first_cell);
                        numbers.truncate(first_number);
                        return None;
                    }
                    // What was read is signs, digits and points, none a stop: go on from it.
                    if !stopped {
                        field_end =
                            memchr::memchr3(self.delimiter, b'\n', b'\r', &bytes[field_end..])
                                .map_or(bytes.len(), |i| field_end + i);
                    }
                    let span = trimmed(self.text, field_start..field_end);
                    cells.push(span);
                    numbers.push(
                        short_decimal(&bytes[span.start..span.end], b'.').unwrap_or(f64::NAN),
                    );
                }
            }
            if bytes.get(field_end) != Some(&self.delimiter) {
                return Some(field_end);
            }
            field_start = field_end + 1;
        }
    }

    /// Reads the record at `start` with csv-core, copying its fields to `unquoted`; returns
    /// where the record's bytes end.
    fn quoted_record(
        &mut self,
        start: usize,
        cells: &mut Vec<Span>,
        unquoted: &mut String,
        numbers: &mut Vec<f64>,
    ) -> Result<usize, FieldNotUtf8> {
        use csv_core::ReadRecordResult;
        let bytes = self.text.as_bytes();
        let mut input = &bytes[start..];
        let (mut out_len, mut n_ends) = (0, 0);
        loop {
            let (result, nin, nout, nend) =
                self.core
                    .read_record(input, &mut self.out[out_len..], &mut self.ends[n_ends..]);
            input = &input[nin..];
            out_len += nout;
            n_ends += nend;
            match result {
                ReadRecordResult::OutputFull => self.out.resize(self.out.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                // The input is the rest of the text: empty input next tells csv-core it ended.
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::Record | ReadRecordResult::End => break,
            }
        }
        let shift = self.shift;
        let mut field_start = 0;
        for &field_end in &self.ends[..n_ends] {
            let field = std::str::from_utf8(&self.out[field_start..field_end])
                .map_err(|_| FieldNotUtf8)?
                .trim();
            let at = shift + unquoted.len();
            numbers.push(short_decimal(field.as_bytes(), b'.').unwrap_or(f64::NAN));
            unquoted.push_str(field);
            cells.push(Span {
                start: at,
                end: at + field.len(),
            });
            field_start = field_end;
        }
        debug_assert!(field_start == out_len);
        Ok(bytes.len() - input.len())
    }
}

/// The span of `text[range]` with the whitespace around it trimmed (`str::trim`, as the csv
/// crate's trimming does); most fields have none, which two byte tests tell.
#[inline]
fn trimmed(text: &str, range: Range<usize>) -> Span {
    let bytes = text.as_bytes();
    let may_pad = |b: u8| b <= b' ' || b >= 0x80;
    if range.is_empty() || !(may_pad(bytes[range.start]) || may_pad(bytes[range.end - 1])) {
        return Span {
            start: range.start,
            end: range.end,
        };
    }
    let field = &text[range.clone()];
    let front = field.trim_start();
    let start = range.start + (field.len() - front.len());
    Span {
        start,
        end: start + front.trim_end().len(),
    }
}

/// Line ends (`\n`, `\r\n` or a lone `\r`, as the csv crate reads them) in `text[from..to]`.
pub(crate) fn count_line_ends(text: &[u8], from: usize, to: usize) -> u64 {
    (from..to)
        .filter(|&i| text[i] == b'\n' || (text[i] == b'\r' && text.get(i + 1) != Some(&b'\n')))
        .count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record of `text` as the csv crate's reader gives it (trimmed), with its line.
    fn by_csv_crate(text: &str, delimiter: u8) -> Vec<Vec<String>> {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        reader
            .records()
            .map(|r| {
                let r = r.expect("valid UTF-8");
                r.iter().map(|f| f.trim().to_string()).collect()
            })
            .collect()
    }

    /// Every record as the reader splits it, with its line; checks on the way that each
    /// field's number is `short_decimal` of the field (bit for bit, NaN when it is none).
    fn by_reader(text: &str, delimiter: u8) -> (Vec<Vec<String>>, Vec<u64>) {
        let mut reader = RecordReader::new(text, delimiter);
        let (mut records, mut lines) = (Vec::new(), Vec::new());
        let mut unquoted = String::new();
        loop {
            let (mut cells, mut numbers) = (Vec::new(), Vec::new());
            match reader.next_record(&mut cells, &mut unquoted, &mut numbers) {
                Ok(Some(line)) => {
                    lines.push(line);
                    let fields: Vec<String> = cells
                        .iter()
                        .map(|s| {
                            if s.start < text.len() {
                                text[s.start..s.end].to_string()
                            } else {
                                unquoted[s.start - text.len()..s.end - text.len()].to_string()
                            }
                        })
                        .collect();
                    assert_eq!(numbers.len(), fields.len(), "{text:?}");
                    for (field, number) in fields.iter().zip(&numbers) {
                        let expected = short_decimal(field.as_bytes(), b'.').unwrap_or(f64::NAN);
                        assert_eq!(
                            number.to_bits(),
                            expected.to_bits(),
                            "{field:?} in {text:?}"
                        );
                    }
                    records.push(fields);
                }
                Ok(None) => break,
                Err(FieldNotUtf8) => panic!("ASCII delimiters keep fields UTF-8"),
            }
        }
        (records, lines)
    }

    /// Every record read as the table reader reads them: runs of simple records
    /// ([`RecordReader::simple_records`], `width` fields each), and `next_record` for each
    /// record in between; fields, numbers (as bits) and lines.
    fn by_simple_records(text: &str, delimiter: u8, width: usize) -> Records {
        by_simple_records_counted(text, delimiter, width).0
    }

    /// Records' fields, their numbers as bits, and their lines.
    type Records = (Vec<Vec<String>>, Vec<Vec<u64>>, Vec<u64>);

    /// [`by_simple_records`], with how many records `simple_records` read.
    fn by_simple_records_counted(text: &str, delimiter: u8, width: usize) -> (Records, usize) {
        let mut simple = 0;
        let mut reader = RecordReader::new(text, delimiter);
        let (mut records, mut numbers_out, mut lines) = (Vec::new(), Vec::new(), Vec::new());
        let mut unquoted = String::new();
        loop {
            let (mut starts, mut ends, mut numbers, mut simple_lines) =
                (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            let nan = reader.simple_records(
                width,
                &mut starts,
                &mut ends,
                &mut numbers,
                &mut simple_lines,
            );
            assert_eq!(nan, numbers.iter().filter(|n: &&f64| n.is_nan()).count());
            assert_eq!(ends.len(), starts.len() * width);
            for (r, &start) in starts.iter().enumerate() {
                let row_ends = &ends[r * width..(r + 1) * width];
                let fields = (0..width)
                    .map(|c| {
                        let from = if c == 0 {
                            0
                        } else {
                            row_ends[c - 1] as usize + 1
                        };
                        text[start + from..start + row_ends[c] as usize].to_string()
                    })
                    .collect();
                records.push(fields);
                numbers_out.push(
                    numbers[r * width..(r + 1) * width]
                        .iter()
                        .map(|n| n.to_bits())
                        .collect(),
                );
            }
            simple += starts.len();
            lines.extend(simple_lines);
            let (mut cells, mut numbers) = (Vec::new(), Vec::new());
            match reader.next_record(&mut cells, &mut unquoted, &mut numbers) {
                Ok(Some(line)) => {
                    lines.push(line);
                    records.push(
                        cells
                            .iter()
                            .map(|s| {
                                if s.start < text.len() {
                                    text[s.start..s.end].to_string()
                                } else {
                                    let shift = text.len();
                                    unquoted[s.start - shift..s.end - shift].to_string()
                                }
                            })
                            .collect(),
                    );
                    numbers_out.push(numbers.iter().map(|n| n.to_bits()).collect());
                }
                Ok(None) => break,
                Err(FieldNotUtf8) => panic!("ASCII delimiters keep fields UTF-8"),
            }
        }
        ((records, numbers_out, lines), simple)
    }

    /// After a run of records that are not simple (every one quoted), the reader stops
    /// trying each one, and takes the simple ones up again after them: the records are
    /// the same, and most of the simple ones are read as such.
    #[test]
    fn simple_records_resume_after_quoted_ones() {
        let mut text = String::from("a,b\n");
        for i in 0..300 {
            text.push_str(&format!("\"q{i}\",{i}\n"));
        }
        for i in 0..3000 {
            text.push_str(&format!("{i}.5,-{i}\n"));
        }
        let ((records, _, lines), simple) = by_simple_records_counted(&text, b',', 2);
        let (expected, expected_lines) = by_reader(&text, b',');
        assert_eq!(records, expected);
        assert_eq!(lines, expected_lines);
        assert!(
            (3000 - 1024..=3000).contains(&simple),
            "{simple} read simply"
        );
    }

    /// Simple records read as `next_record` reads them: the same fields, numbers (bit for
    /// bit) and lines, whatever the rows around them (quoted, padded, short, long, blank,
    /// CRLF, text, exponents, a last line without its end), for every width.
    #[test]
    fn simple_records_are_next_records() {
        let mut texts: Vec<String> = [
            "a,b\n1,2\n3,4\n",
            "a,b\r\n1,2\r\n\r\n3,4",
            "a,b\r1,2\r3,4\r",
            "a,b\n1.5,-2\n+.5,7.\n-,.\n1.5 ,2\n 3,4e5\n1.2.3,--1\n",
            "a,b\n\"x\",2\n3,4\n5,\"6\"\n7,8",
            "a,b\nx\"y,2\n1,2,3\n1\n\n   \n4,5\n",
            "a,b\n1,\n,2\n,\n1,2,\n",
            "a,b\n1234567890123456,123456789012345\n0.1,\u{e9}t\u{e9}\n-499.1234,12\r\n",
            "a,b,c\nx y,1,2\n\tz,3,4\n5,6,7",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let pieces = [
            "1",
            "-2.5",
            "+.5",
            "7.",
            "",
            " ",
            "x",
            "\"q\"",
            "\"a,b\"",
            "1e3",
            "\r\n",
            "\n",
            "\r",
            ",",
            ",",
            ",",
            "123456789012345",
            "1234567890123456",
            "-0",
            "NA",
            "\u{a0}1",
            "3\t",
        ];
        for _ in 0..3000 {
            let n = (next() % 40) as usize;
            let text: String = (0..n)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            texts.push(text);
        }
        for text in &texts {
            for width in 1..=4 {
                let (records, numbers, lines) = by_simple_records(text, b',', width);
                let (expected, expected_lines) = by_reader(text, b',');
                assert_eq!(records, expected, "{text:?}, width {width}");
                assert_eq!(lines, expected_lines, "{text:?}, width {width}");
                for (record, row_numbers) in records.iter().zip(&numbers) {
                    let expected: Vec<u64> = record
                        .iter()
                        .map(|f| {
                            short_decimal(f.as_bytes(), b'.')
                                .unwrap_or(f64::NAN)
                                .to_bits()
                        })
                        .collect();
                    assert_eq!(row_numbers, &expected, "{text:?}, width {width}");
                }
            }
            for delimiter in [b';', b'\t', b'5', b'.'] {
                let (records, _, lines) = by_simple_records(text, delimiter, 2);
                let (expected, expected_lines) = by_reader(text, delimiter);
                assert_eq!(records, expected, "{text:?} on {}", delimiter as char);
                assert_eq!(lines, expected_lines, "{text:?} on {}", delimiter as char);
            }
        }
    }

    #[test]
    fn fields_are_the_csv_crates() {
        let cases = [
            "a,b\n1,2\n",
            "a,b\r\n1,2\r\n\r\n3,4",
            "a,b\r1,2\r3,4\r",
            "\"a\",\"b\"\n\"x,y\",2\n",
            "a,b\n\"multi\nline\",2\n3,4\n",
            "a,b\n\"abc\"def,2\n",
            "a,b\n\"unclosed,2\n3,4\n",
            "a,b\n x , \t2\u{a0}\n",
            "a,b\n1,2,\n,\n",
            "\u{feff}a,b\n1,2",
            "\u{feff}\u{feff}a,b\n1,2",
            "a,b\n\u{feff}\"1\",2\n",
            "a,b\n1,\"2\"\"\"\n   \n\n",
            "a;b\n1,5;2\n",
            "a,b\nx\"y,2\n",
            "a,b\n1.5,-2\n+.5,7.\n-,.\n1.5 ,2\n 3,4e5\n1.2.3,--1\n",
            "a,b\n1234567890123456,123456789012345\n0.1,\"2.5\"\n-499.1234,12\r\n",
            "a.b\n1.5.2\n",
            "a-b\n-1-2\n",
            "a5b\n15253\n",
        ];
        for text in cases {
            for delimiter in [b',', b';', b'\t', b'.', b'-', b'5'] {
                let (records, _) = by_reader(text, delimiter);
                assert_eq!(
                    records,
                    by_csv_crate(text, delimiter),
                    "{text:?} split on {}",
                    delimiter as char
                );
            }
        }
    }

    #[test]
    fn lines_count_every_kind_of_line_end() {
        let (_, lines) = by_reader("a,b\r\n\r\n1,2\r3,4\n\"x\ny\",5\n6,7", b',');
        assert_eq!(lines, vec![1, 3, 4, 5, 7]);
    }

    #[test]
    fn count_line_ends_reads_crlf_as_one() {
        assert_eq!(count_line_ends(b"a\r\nb\rc\n", 0, 7), 3);
    }
}
