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
