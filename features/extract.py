"""Finding and reading the files of a registry extract, and parsing its value forms.

Source row numbers count as a spreadsheet shows them: the header is row 1 and the first
data row is row 2 (a Parquet file's first row is row 2 too); title or blank rows above the
header in CSV and xlsx shift both, and a CSV cell spanning lines is one row. Rows whose
every cell is blank are skipped (and counted apart), so they do not shift the numbers.
CSV and xlsx cells are read as text and parsed here; Parquet keeps its own types.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import stat
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from features.contract import CODES, TABLES, ColumnSpec, ExtractError, TableSpec, alias_map

FORMATS: tuple[str, ...] = ("parquet", "csv", "xlsx")
EXCEL_EPOCH = pl.date(1899, 12, 30)
_CHUNK = 64 << 20
_TIME_SUFFIX = r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$"
_HEADER_SEARCH = 10  # rows to look through for the header (title rows above it)
_CJK = re.compile("[\u4e00-\u9fff]")
_MIXED_EVIDENCE = 4  # CJK characters read as UTF-8 before a non-UTF-8 byte: a mixed file
# Full-width forms (Chinese input methods) and the ideographic space -> ASCII.
_FULLWIDTH = [chr(c) for c in range(0xFF01, 0xFF5F)] + ["\u3000"]
_HALFWIDTH = [chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)] + [" "]
# Cells that mean "no value" in exports (databases, Excel, hand-kept sheets): read as blank.
NULL_MARKERS: tuple[str, ...] = (
    "NULL", "null", "Null", "NA", "N/A", "n/a", "#N/A", "None", "none", "nan", "NaN",
    "-", "--", "—", "/", "无",
)  # fmt: skip
# What a file really is, by its first bytes: (magic, what it is, what to do; {stem} the name).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip-compressed, not CSV text; unpack it first"),
    (b"PAR1", "a Parquet file, not CSV text; name it {stem}.parquet"),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "an old Excel .xls (or password-protected) workbook, not CSV text; save it as xlsx",
    ),
    (b"%PDF", "a PDF document, not CSV text; export the table as CSV"),
    (b"PK\x03\x04", "a zip archive, not CSV text; unpack it first"),
)
_XLSX = "an xlsx workbook, not CSV text; name it {stem}.xlsx"
_NOT_GB_SHARE = 0.3  # non-ASCII characters outside GB2312: above this share, not GBK text
_GB_SAMPLE = 1 << 21  # characters of decoded text looked at for that
# No field size limit: a long quoted cell, or an unclosed quote, must not crash the reader.
csv.field_size_limit(sys.maxsize)


@dataclass(frozen=True)
class RawTable:
    """One table as read: its file name, frame (with `source_row`) and blank rows skipped.

    `extras` holds the columns the contract does not know, row for row with `frame`, apart
    so that their names (`source_row`, say) never meet the reader's own columns.
    """

    name: str
    file: str
    frame: pl.DataFrame
    blank_rows: int = 0
    extras: pl.DataFrame | None = None


def find_table_files(data_dir: Path) -> dict[str, Path]:
    """The file of each contract table in the folder; fatal when missing, doubled or unreadable.

    A `NAME.parquet` folder (a Spark or pyarrow dataset of part files) is a table file too;
    any other folder, link leading nowhere or special file with a table's name is fatal.
    """
    if not data_dir.is_dir():
        raise ExtractError.at(str(data_dir), "extract folder does not exist")
    try:
        entries = sorted(data_dir.iterdir())
    except OSError as err:
        raise ExtractError.at(str(data_dir), f"extract folder {_cannot_read(err)}") from None
    by_table: dict[str, list[Path]] = {}
    for path in entries:
        stem, _, suffix = path.name.lower().rpartition(".")
        if stem in TABLES and suffix in FORMATS:
            by_table.setdefault(stem, []).append(path)
    for name, paths in by_table.items():
        if len(paths) > 1:
            names = ", ".join(p.name for p in paths)
            raise ExtractError.at(names, f"two files for table {name}; keep exactly one")
    for name, spec in TABLES.items():
        if spec.required and name not in by_table:
            expected = ", ".join(f"{name}.{fmt}" for fmt in FORMATS)
            raise ExtractError.at(name, f"required table is missing (no {expected})")
    files = {name: paths[0] for name, paths in by_table.items()}
    for path in files.values():
        check_readable(path)
    return files


def _cannot_read(err: OSError) -> str:
    cause = (err.strerror or str(err)).lower()
    return f"cannot be read ({cause})"


def check_readable(path: Path) -> None:
    """Fatal unless the table's file (or dataset folder's part files) can be opened for reading."""
    try:
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode) and not path.exists():
            raise ExtractError.at(path.name, "is a link that leads nowhere (broken symbolic link)")
        mode = path.stat().st_mode
    except ExtractError:
        raise
    except OSError as err:
        raise ExtractError.at(path.name, _cannot_read(err)) from None
    if stat.S_ISDIR(mode):
        if path.suffix.lower() != ".parquet":
            raise ExtractError.at(path.name, "is a folder, not a file")
        parts = dataset_parts(path)
        if not parts:
            raise ExtractError.at(path.name, "is a folder holding no Parquet part files")
        targets = parts
    elif not stat.S_ISREG(mode):
        raise ExtractError.at(path.name, "is not a regular file (a pipe, socket or device)")
    else:
        targets = [path]
    for target in targets:
        try:
            os.close(os.open(target, os.O_RDONLY))
        except OSError as err:
            shown = path.name if target == path else f"{path.name}/{target.relative_to(path)}"
            raise ExtractError.at(shown, _cannot_read(err)) from None


def dataset_parts(folder: Path) -> list[Path]:
    """The part files of a Parquet dataset folder, in name order (markers like _SUCCESS skipped)."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and not any(part.startswith((".", "_")) for part in p.relative_to(folder).parts)
        and not p.name.endswith(".crc")
    )


def sniff(data: bytes, file: str) -> None:
    """Fatal when the bytes are not text: another format by its magic number, UTF-16, NUL bytes."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            if magic == b"PK\x03\x04" and b"xl/" in data[: 1 << 16]:
                what = _XLSX
            stem = file.rpartition(".")[0] or file
            raise ExtractError.at(file, "file is " + what.format(stem=stem))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _utf16_pattern(data[:4096]):
        raise ExtractError.at(file, "file is UTF-16 encoded; save it as CSV UTF-8 or GBK")
    nul = data.find(b"\x00")
    if nul >= 0:
        what = "file holds NUL bytes (binary data, not CSV text)"
        raise ExtractError.at(file, what, row=record_number(data, nul))


_KINDS: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"PAR1", "a Parquet file; name it {stem}.parquet"),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "an old Excel .xls (or password-protected) workbook; save it as xlsx",
    ),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a zip archive"),
)


def _what_it_is(path: Path, expected: bytes) -> str | None:
    """What a file that fails its reader really is, when its first bytes say so; else None.

    None too when it starts like what it should be (then it is truncated or damaged inside).
    """
    with path.open("rb") as f:
        head = f.read(1 << 16)
    if head.startswith(expected):
        return None
    stem = path.name.rpartition(".")[0] or path.name
    if head.startswith(b"PK\x03\x04") and b"xl/" in head:
        return f"an xlsx workbook; name it {stem}.xlsx"
    for magic, what in _KINDS:
        if head.startswith(magic):
            return what.format(stem=stem)
    if b"\x00" not in head and (b"," in head or b"\n" in head):
        return f"text (CSV?); name it {stem}.csv"
    return None


def _utf16_pattern(head: bytes) -> bool:
    """UTF-16 without a BOM: NUL bytes on most even (BE) or most odd (LE) positions."""
    if len(head) < 4 or b"\x00" not in head:
        return False
    even, odd = head[0::2], head[1::2]
    return max(even.count(0) / len(even), odd.count(0) / len(odd)) > 0.3


def decode_csv(data: bytes, file: str) -> bytes:
    """The CSV's bytes as UTF-8: UTF-8 (with or without BOM) or else GBK/GB18030.

    Text that decodes as GB18030 (any bytes nearly do) but is mostly characters outside
    GB2312 is Big5, Windows-1252 or similar read wrongly: fatal rather than garbled names.
    """
    sniff(data, file)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        _check_utf8(data)
        return data
    except UnicodeDecodeError as utf8_error:
        if utf8_error.reason == "unexpected end of data":  # UTF-8 all along, cut mid-character
            what = "file is truncated (ends inside a character)"
            raise ExtractError.at(file, what, row=record_number(data, len(data))) from None
        before = data[: utf8_error.start].decode("utf-8")
        if len(_CJK.findall(before)) >= _MIXED_EVIDENCE:  # UTF-8 Chinese above, other bytes here
            what = "bytes are not UTF-8 like the rows above (mixed encodings in one file)"
            raise ExtractError.at(file, what, row=record_number(data, utf8_error.start)) from None
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as gbk_error:
            worst = max(utf8_error.start, gbk_error.start)
            what = "bytes cannot be decoded as UTF-8 or GBK/GB18030"
            raise ExtractError.at(file, what, row=record_number(data, worst)) from None
        _check_gb_text(text, data, file)
        return text.encode("utf-8")


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _check_gb_text(text: str, data: bytes, file: str) -> None:
    """Fatal when GB18030-decoded text is mostly characters outside GB2312 (not GBK Chinese)."""
    sample = text[:_GB_SAMPLE]
    counts = Counter(c for c in sample if ord(c) > 0x7F)
    if not counts:
        return
    outside = {c for c in counts if not _in_gb2312(c)}
    if sum(counts[c] for c in outside) / sum(counts.values()) <= _NOT_GB_SHARE:
        return
    first = next(i for i, c in enumerate(sample) if c in outside)
    row = record_number(data, len(sample[:first].encode("gb18030")))
    what = (
        "bytes are not UTF-8 or GBK/GB18030 Chinese text (Big5 or Windows-1252?); "
        "save the file as CSV UTF-8 or GBK"
    )
    raise ExtractError.at(file, what, row=row)


def record_number(data: bytes, position: int) -> int:
    """The spreadsheet row holding byte `position`: line breaks inside quoted cells do not count."""
    row, quoted = 1, False
    for line in data[:position].split(b"\n")[:-1]:
        quoted ^= line.count(b'"') % 2 == 1
        row += not quoted
    return row


def _check_utf8(data: bytes) -> None:
    """Raise UnicodeDecodeError (offsets in `data`) unless the bytes are UTF-8, in chunks."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    for offset in range(0, max(len(data), 1), _CHUNK):
        try:
            decoder.decode(view[offset : offset + _CHUNK], final=offset + _CHUNK >= len(data))
        except UnicodeDecodeError as error:
            start = offset + error.start
            raise UnicodeDecodeError("utf-8", data, start, start + 1, error.reason) from None


def _read_csv(path: Path, spec: TableSpec) -> tuple[pl.DataFrame, int]:
    data = path.read_bytes()
    if not data.strip():
        raise ExtractError.at(path.name, "file is empty")
    data = _line_ends(decode_csv(data, path.name))
    if b"\xef\xbb\xbf" in data:  # a BOM inside the file (exports pasted together): no text
        data = data.replace(b"\xef\xbb\xbf", b"")
    head = [
        next(csv.reader([line.decode("utf-8", "replace")]), [])
        for line in _head_lines(data, _HEADER_SEARCH)
    ]
    skip = find_header(head, spec)
    _check_delimiter(head[skip], path.name, skip + 1)
    try:
        frame = pl.read_csv(
            data,
            skip_rows=skip,
            infer_schema=False,
            raise_if_empty=False,
            null_values=list(NULL_MARKERS),
        )
    except pl.exceptions.PolarsError:
        frame = None
    width = len(head[skip])
    if frame is not None and not data.endswith((b"\n", b"\r")):
        last_line = data.rsplit(b"\n", 1)[-1].decode("utf-8")
        fields = len(next(csv.reader([last_line]), []))
        if fields < width:
            what = f"file is truncated (last row has {fields} of {width} fields)"
            raise ExtractError.at(path.name, what, row=skip + frame.height + 1)
    check_field_counts(data, skip, width, path.name, thorough=frame is None)
    if frame is None:
        raise ExtractError.at(path.name, "cannot be parsed as CSV (broken quotes or rows)")
    if b'="' in data:  # Excel's text-forcing ="0123" (keeps leading zeros and long IDs)
        frame = frame.with_columns(pl.col(c).str.replace(r'^="(.*)"$', "$1") for c in frame.columns)
    return frame, skip + 1


def _line_ends(data: bytes) -> bytes:
    """Old Mac line ends (CR alone) as LF; CRLF is left to the CSV reader."""
    cr = data.find(b"\r")
    if cr < 0 or data[cr + 1 : cr + 2] == b"\n":
        return data  # no CR, or CRLF at the first line end: a Windows file
    return re.sub(rb"\r(?!\n)", b"\n", data)


def _head_lines(data: bytes, n: int) -> list[bytes]:
    """The first n lines of the file, whole however long (a header of thousands of columns)."""
    lines, start = [], 0
    while len(lines) < n and start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        lines.append(data[start:end])
        start = end + 1
    return lines


def _check_delimiter(header: list[str], file: str, row: int) -> None:
    """Fatal when the header is one cell holding another delimiter (Excel's ';' or tab export)."""
    if len(header) != 1:
        return
    for sep, name in ((";", "';'"), ("\t", "tabs"), ("|", "'|'")):
        if sep in header[0]:
            what = f"fields are separated by {name}, not commas; save the file as CSV (comma)"
            raise ExtractError.at(file, what, row=row)


def check_field_counts(data: bytes, skip: int, width: int, file: str, thorough: bool) -> None:
    """Fatal at the first row (after the header) whose field count differs from the header's."""
    if b'"' in data:  # quoted cells may hold commas and line breaks: parse properly
        text = io.StringIO(data.decode("utf-8"), newline="")
        for index, record in enumerate(csv.reader(text)):
            if index > skip and len(record) != width and any(c.strip() for c in record):
                _raise_ragged(file, index + 1, len(record), width)
        return
    start = 0
    for _ in range(skip + 1):
        start = data.find(b"\n", start) + 1 or len(data)
    lines = data.count(b"\n", start) + (not data.endswith(b"\n"))
    if not thorough and data.count(b",", start) == (width - 1) * lines:
        return  # polars found no long row, and the commas add up: no short row either
    sep = next(s for s in ("\x00", "\x1f", "\x1e", "\x1d") if s.encode() not in data)
    one_column = pl.read_csv(
        data,
        has_header=False,
        separator=sep,
        quote_char=None,
        infer_schema=False,
        new_columns=["line"],
    ).lazy()
    line = pl.col("line")
    fields = line.str.count_matches(",", literal=True) + 1
    ragged = (
        one_column.with_row_index("index")
        .filter((pl.col("index") > skip) & (fields != width) & line.str.contains(r"[^,\s]"))
        .select("index", fields.alias("fields"))
        .head(1)
        .collect()
    )
    if ragged.height:
        _raise_ragged(file, ragged.item(0, "index") + 1, ragged.item(0, "fields"), width)


def _raise_ragged(file: str, row: int, fields: int, width: int) -> None:
    raise ExtractError.at(file, f"row has {fields} fields but the header has {width}", row=row)


def _read_xlsx(path: Path, spec: TableSpec) -> tuple[pl.DataFrame, int]:
    if path.stat().st_size == 0:
        raise ExtractError.at(path.name, "file is empty")
    try:
        grid = pl.read_excel(
            path,
            sheet_id=1,
            has_header=False,
            infer_schema_length=0,
            drop_empty_rows=False,
            drop_empty_cols=False,
            raise_if_empty=False,
            read_options={"header_row": None, "skip_rows": 0},  # keep leading blank rows
        )
    except Exception:  # fastexcel raises its own error types
        what = _what_it_is(path, expected=b"PK\x03\x04")
        if what is not None:
            raise ExtractError.at(
                path.name, f"file is not an xlsx workbook: it is {what}"
            ) from None
        raise ExtractError.at(path.name, "file is truncated or not a valid xlsx workbook") from None
    if grid.height == 0:
        what = "file is empty: its first sheet has no cells (only the first sheet is read)"
        raise ExtractError.at(path.name, what)
    head = [["" if v is None else str(v) for v in row] for row in grid.head(_HEADER_SEARCH).rows()]
    skip = find_header(head, spec)
    names = {old: new for old, new in zip(grid.columns, head[skip], strict=True)}
    return grid.slice(skip + 1).rename(_unique_blanks(names)), skip + 1


def _unique_blanks(names: dict[str, str]) -> dict[str, str]:
    """Header names made unique as polars does for CSV: blanks and repeats get `_duplicated_N`."""
    out: dict[str, str] = {}
    seen: dict[str, int] = {}
    for old, new in names.items():
        key = new if new.strip() else ""
        if key in seen:
            new = f"{key}_duplicated_{seen[key] - 1}"
        seen[key] = seen.get(key, 0) + 1
        out[old] = new
    return out


def _read_parquet(path: Path, spec: TableSpec) -> tuple[pl.DataFrame, int]:
    parts = dataset_parts(path) if path.is_dir() else [path]
    if not path.is_dir() and path.stat().st_size == 0:
        raise ExtractError.at(path.name, "file is empty")
    try:
        if path.is_dir():  # a dataset: part files, maybe in key=value (hive) folders
            frame = pl.read_parquet(parts, hive_partitioning=True, try_parse_hive_dates=False)
        else:
            frame = pl.read_parquet(path)
    except Exception:
        what = "a valid Parquet dataset (part files differ or are damaged)"
        if not path.is_dir():
            what = "a valid Parquet file"
            if (really := _what_it_is(path, expected=b"PAR1")) is not None:
                raise ExtractError.at(path.name, f"file is not Parquet: it is {really}") from None
        raise ExtractError.at(path.name, f"file is truncated or not {what}") from None
    return _parquet_cells(frame, spec, path.name), 1


_NESTED = (pl.List, pl.Array, pl.Struct, pl.Object)


def _parquet_cells(frame: pl.DataFrame, spec: TableSpec, file: str) -> pl.DataFrame:
    """Parquet columns of the contract (and `x_*`) as single values the parsers understand.

    Lists, arrays and structs are fatal (no single value to take); categoricals, binary text,
    booleans and times become text (then parsed or quarantined like any cell). Integer dates
    are days since 1970-01-01, the Parquet/Arrow DATE convention (never Excel serials, which
    only come from xlsx and CSV); 8-digit ones from 19000101 on are YYYYMMDD, and in a month
    column 6-digit ones YYYYMM.
    """
    kinds = {c.name: c.kind for c in spec.columns}
    casts = []
    for name, dtype in frame.schema.items():
        clean = _clean_name(name)
        if clean not in kinds and not (spec.name == "talents" and clean.startswith("x_")):
            continue
        col = pl.col(name)
        if isinstance(dtype, _NESTED):
            what = f"holds lists or records (Parquet type {dtype}), not single values"
            raise ExtractError.at(file, what, column=clean)
        if dtype == pl.Binary:
            try:
                frame = frame.with_columns(col.cast(pl.String))
            except pl.exceptions.PolarsError:
                what = "holds binary data that is not UTF-8 text"
                raise ExtractError.at(file, what, column=clean) from None
            continue
        if kinds.get(clean) in ("date", "month") and dtype.is_numeric():
            casts.append(_epoch_days(col, kinds[clean] == "month", dtype).alias(name))
        elif kinds.get(clean) == "str" and dtype.is_float():
            casts.append(_whole_keys(col).alias(name))
        elif kinds.get(clean) == "money" and isinstance(dtype, pl.Decimal):
            casts.append(col.cast(pl.Float64))
        elif not (dtype.is_numeric() or dtype in (pl.String, pl.Null, pl.Date)) and not isinstance(
            dtype, pl.Datetime
        ):
            casts.append(col.cast(pl.String))
    return frame.with_columns(casts) if casts else frame


def _epoch_days(col: pl.Expr, month: bool, dtype: pl.DataType) -> pl.Expr:
    """Numbers in a Parquet date column as text: days since 1970, YYYYMMDD or (months) YYYYMM."""
    value = col.cast(pl.Float64)
    whole = value.is_finite() & (value == value.floor())
    number = pl.when(whole & (value.abs() < 2**62)).then(value).cast(pl.Int64, strict=False)
    days = pl.when(number.abs() < 2**31).then(number).cast(pl.Int32)
    iso = days.cast(pl.Date).dt.strftime("%Y-%m-%d")
    ymd = pl.when((number >= 19000101) & (number <= 99991231)).then(number.cast(pl.String))
    ym = pl.when((number >= 190001) & (number <= 999912) & (number % 100).is_between(1, 12))
    ym = ym.then(number.cast(pl.String).str.replace(r"^(\d{4})(\d{2})$", "$1-$2"))
    text = pl.coalesce(ym, ymd, iso) if month else pl.coalesce(ymd, iso)
    return pl.coalesce(text, pl.when(~value.is_nan()).then(value.cast(pl.String)))


def _whole_keys(col: pl.Expr) -> pl.Expr:
    """Numbers in a key column as text, whole ones without `.0` (pandas writes 1001.0 after NaN)."""
    value = col.cast(pl.Float64)
    whole = value.is_finite() & (value == value.floor()) & (value.abs() < 2**53)
    as_int = pl.when(whole).then(value).cast(pl.Int64, strict=False).cast(pl.String)
    return pl.coalesce(as_int, pl.when(~value.is_nan()).then(value.cast(pl.String)))


def find_header(rows: list[list[str]], spec: TableSpec) -> int:
    """Index of the header among the first rows: the first naming every required column.

    Title rows and blank rows above the header (common in Excel exports) are skipped; when
    no row qualifies, the first non-blank row is the header (and a column will be missing).
    """
    required = {c.name for c in spec.columns if c.required}
    for index, row in enumerate(rows):
        if required <= {_clean_name(c) for c in row}:
            return index
    return next((i for i, row in enumerate(rows) if any(c.strip() for c in row)), 0)


def _clean_name(name: str) -> str:
    return name.strip().lstrip("\ufeff").strip().lower()


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _drop_blank_headers(frame: pl.DataFrame, file: str, header_row: int) -> pl.DataFrame:
    """Drop columns with no header name and no values; fatal when such a column holds values."""
    for index, name in enumerate(frame.columns):
        if re.sub(r"^_duplicated_\d+$", "", _clean_name(name)):
            continue
        values = frame.get_column(name)
        if frame.select(~_blank(name, values.dtype)).to_series().any():
            what = "header cell is empty but the column holds values (merged header cells?)"
            raise ExtractError.at(file, what, row=header_row, column=_column_letter(index))
    return frame.select(
        c for c in frame.columns if re.sub(r"^_duplicated_\d+$", "", _clean_name(c))
    )


def read_table(path: Path, spec: TableSpec) -> RawTable:
    """One table file as read, with `source_row`, clean column names and blank rows skipped.

    Columns the contract does not know (and that are not `x_*` in talents) are dropped here,
    whatever their names: they are ignored, and cannot collide with the reader's own columns.
    """
    reader = {"csv": _read_csv, "xlsx": _read_xlsx, "parquet": _read_parquet}
    try:
        frame, header_row = reader[path.suffix.lower().lstrip(".")](path, spec)
    except OSError as err:
        raise ExtractError.at(path.name, _cannot_read(err)) from None
    frame = _drop_blank_headers(frame, path.name, header_row)
    names = [_clean_name(c) for c in frame.columns]
    known = set(spec.column_names)
    keep = [
        n in known or (spec.name == "talents" and n.startswith("x_"))
        for n in (re.sub(r"_duplicated_\d+$", "", n) for n in names)
    ]
    for name, kept in zip(names, keep, strict=True):  # polars renames a repeat to NAME_duplicated_N
        original = re.sub(r"_duplicated_\d+$", "", name)
        if kept and (names.count(name) > 1 or original != name):
            raise ExtractError.at(
                path.name, "appears more than once in the header", column=original
            )
    extras = frame.select(c for c, kept in zip(frame.columns, keep, strict=True) if not kept)
    frame = frame.select(
        pl.col(old).alias(new)
        for old, new, kept in zip(frame.columns, names, keep, strict=True)
        if kept
    )
    for column in spec.columns:
        if column.required and column.name not in frame.columns:
            raise ExtractError.at(path.name, "required column is missing", column=column.name)
    if path.suffix.lower() != ".csv":  # the CSV reader knows the markers itself
        frame = _null_markers(frame)
    frame = frame.with_row_index("source_row", offset=header_row + 1).with_columns(
        pl.col("source_row").cast(pl.Int64)
    )
    schema = frame.schema  # once: a frame of thousands of x_* columns builds it slowly
    cells = [c for c in frame.columns if c != "source_row"]
    # Blank rows are rare: look at all cells only where the first cell is blank.
    suspects = frame.filter(_blank(cells[0], schema[cells[0]]))
    blank = suspects.filter(pl.all_horizontal(_blank(c, schema[c]) for c in cells))
    if blank.height:
        rows = ~frame.get_column("source_row").is_in(blank.get_column("source_row").implode())
        frame, extras = frame.filter(rows), extras.filter(rows) if extras.width else extras
    if frame.height == 0 and spec.required:
        raise ExtractError.at(path.name, "table has no rows")
    return RawTable(spec.name, path.name, frame, blank.height, extras)


def _null_markers(frame: pl.DataFrame) -> pl.DataFrame:
    """Text cells holding only a no-value marker (NULL, N/A, -, ...) as null."""
    text = [n for n, d in frame.schema.items() if d == pl.String]
    markers = pl.Series(NULL_MARKERS)
    return frame.with_columns(
        pl.when(pl.col(n).str.strip_chars().is_in(markers.implode()))
        .then(None)
        .otherwise(pl.col(n))
        .alias(n)
        for n in text
    )


def read_extract(data_dir: Path) -> dict[str, RawTable]:
    """Every contract table present in the extract folder, read but not yet validated."""
    files = find_table_files(data_dir)
    return {name: read_table(path, TABLES[name]) for name, path in files.items()}


def _blank(name: str, dtype: pl.DataType) -> pl.Expr:
    """A cell that holds nothing: null or only whitespace."""
    if dtype == pl.String:
        return pl.col(name).is_null() | ~pl.col(name).str.contains(r"\S")
    return pl.col(name).is_null()


def _text(name: str, dtype: pl.DataType) -> pl.Expr:
    """A cell as stripped text, blank -> null."""
    col = pl.col(name)
    if dtype == pl.String:
        stripped = col.str.strip_chars()
        return pl.when(stripped != "").then(stripped)
    return col.cast(pl.String)


def _plain(name: str, dtype: pl.DataType) -> pl.Expr:
    """A cell as stripped text with full-width digits and punctuation made ASCII, blank -> null."""
    if dtype != pl.String:
        return _text(name, dtype)
    stripped = pl.col(name).str.replace_many(_FULLWIDTH, _HALFWIDTH).str.strip_chars()
    return pl.when(stripped != "").then(stripped)


def parse_text(name: str, dtype: pl.DataType) -> pl.Expr:
    """Free text or a key: stripped, blank -> null."""
    return _text(name, dtype).alias(name)


def parse_code(name: str, dtype: pl.DataType, codes: str) -> pl.Expr:
    """An enumeration: the canonical code for a code or Chinese alias, null when unknown."""
    text = _plain(name, dtype).str.to_lowercase()
    return text.replace_strict(alias_map(codes), default=None, return_dtype=pl.String).alias(name)


def _excel_serial(value: pl.Expr) -> pl.Expr:
    ok = (value >= 1) & (value <= 2_958_465) & (value == value.floor())
    days = pl.when(ok).then(value).cast(pl.Int64)
    return EXCEL_EPOCH + pl.duration(days=days)


def parse_date(name: str, dtype: pl.DataType) -> pl.Expr:
    """A date from YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD, YYYY年M月D日, an Excel cell or serial; else null.

    Full-width digits and punctuation (２０２４－０３－０１) read as their ASCII forms.
    """
    col = pl.col(name)
    if dtype == pl.Date:
        return col
    if isinstance(dtype, pl.Datetime):
        return col.dt.date().alias(name)
    if dtype.is_numeric():  # xlsx number cells: Excel serials, or YYYYMMDD typed as a number
        value = col.cast(pl.Float64)
        ymd = value.cast(pl.Int64, strict=False).cast(pl.String).str.to_date("%Y%m%d", strict=False)
        eight = (value >= 19000101) & (value <= 99991231) & (value == value.floor())
        return pl.when(eight).then(ymd).otherwise(_excel_serial(value)).alias(name)
    text = _plain(name, dtype).str.replace(_TIME_SUFFIX, "")
    return pl.coalesce(
        text.str.to_date("%Y-%m-%d", strict=False),
        text.str.to_date("%Y/%m/%d", strict=False),
        text.str.to_date("%Y年%m月%d日", strict=False),
        text.str.to_date("%Y.%m.%d", strict=False),
        pl.when(text.str.contains(r"^\d{8}$")).then(text.str.to_date("%Y%m%d", strict=False)),
        pl.when(text.str.contains(r"^\d{5}(\.0+)?$")).then(
            _excel_serial(text.cast(pl.Float64, strict=False))
        ),
    ).alias(name)


def parse_month(name: str, dtype: pl.DataType) -> pl.Expr:
    """The first day of a month from YYYY-MM, YYYY/MM, YYYY年M月 or any date form; else null."""
    if dtype == pl.String:
        text = _plain(name, dtype)
        as_month = pl.coalesce(
            (text + "-01").str.to_date("%Y-%m-%d", strict=False),
            (text + "/01").str.to_date("%Y/%m/%d", strict=False),
            (text + "1日").str.to_date("%Y年%m月%d日", strict=False),
            (text + ".01").str.to_date("%Y.%m.%d", strict=False),
            pl.when(text.str.contains(r"^\d{6}$")).then(
                (text + "01").str.to_date("%Y%m%d", strict=False)
            ),
        )
        date = pl.when(as_month.is_null()).then(parse_date(name, dtype))
        return pl.coalesce(as_month, date.dt.month_start()).alias(name)
    return parse_date(name, dtype).dt.month_start().alias(name)


def parse_money(name: str, dtype: pl.DataType) -> pl.Expr:
    """Yuan as Float64: thousands commas (also full-width), ¥ and 元 allowed; null when not finite."""
    if dtype.is_numeric():
        value = pl.col(name).cast(pl.Float64)
        return pl.when(value.is_finite()).then(value).alias(name)
    text = _plain(name, dtype).str.replace_all(",", "", literal=True)
    text = text.str.replace(r"^[¥￥]\s*", "").str.replace(r"\s*元$", "")
    value = text.cast(pl.Float64, strict=False)
    return pl.when(value.is_finite()).then(value).alias(name)


def _fast_parser(name: str, dtype: pl.DataType, kind: str) -> pl.Expr | None:
    """The common form alone (cheap on 40 M rows); None when there is no such shortcut."""
    if dtype != pl.String:
        return None
    col = pl.col(name)
    if kind == "date":
        return col.str.to_date("%Y-%m-%d", strict=False)
    if kind == "month":
        return col.str.to_date("%Y-%m", strict=False)
    if kind == "money":
        value = col.cast(pl.Float64, strict=False)
        return pl.when(value.is_finite()).then(value)
    return None


def parse_column(frame: pl.DataFrame, column: ColumnSpec) -> pl.Series:
    """One contract column parsed; the common form is tried first, every form when it misses."""
    name, kind = column.name, column.kind
    dtype = frame.schema[name]
    if kind == "str":
        return frame.select(parse_text(name, dtype)).to_series()
    fast = _fast_parser(name, dtype, kind)
    if kind == "code" and dtype == pl.String:  # replace_many over 1 M cells only when needed
        spellings = _exact_spellings(column.codes or name)
        fast = pl.col(name).replace_strict(spellings, default=None, return_dtype=pl.String)
    if fast is not None:
        parsed = frame.select(fast.alias(name)).to_series()
        if parsed.null_count() == frame.get_column(name).null_count():
            return parsed
    if kind == "code":
        return frame.select(parse_code(name, dtype, column.codes or name)).to_series()
    full = {"date": parse_date, "month": parse_month, "money": parse_money}[kind]
    return frame.select(full(name, dtype)).to_series()


def _exact_spellings(codes: str) -> dict[str, str]:
    """Codes and aliases exactly as the contract spells them (the usual cells, no cleaning)."""
    return alias_map(codes) | {code: code for code in CODES[codes]}
