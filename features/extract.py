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
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from features.contract import CODES, TABLES, ColumnSpec, ExtractError, TableSpec, alias_map

FORMATS: tuple[str, ...] = ("parquet", "csv", "xlsx")
EXCEL_EPOCH = pl.date(1899, 12, 30)
_CHUNK = 64 << 20
_TIME_SUFFIX = r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$"
_HEADER_SEARCH = 10  # rows to look through for the header (title rows above it)
_HEAD_BYTES = 1 << 16
_CJK = re.compile("[\u4e00-\u9fff]")
_MIXED_EVIDENCE = 4  # CJK characters read as UTF-8 before a non-UTF-8 byte: a mixed file
# Full-width forms (Chinese input methods) and the ideographic space -> ASCII.
_FULLWIDTH = [chr(c) for c in range(0xFF01, 0xFF5F)] + ["\u3000"]
_HALFWIDTH = [chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)] + [" "]


@dataclass(frozen=True)
class RawTable:
    """One table as read: its file name, frame (with `source_row`) and blank rows skipped."""

    name: str
    file: str
    frame: pl.DataFrame
    blank_rows: int = 0


def find_table_files(data_dir: Path) -> dict[str, Path]:
    """The file of each contract table in the folder; fatal when missing or doubled."""
    if not data_dir.is_dir():
        raise ExtractError.at(str(data_dir), "extract folder does not exist")
    by_table: dict[str, list[Path]] = {}
    for path in sorted(data_dir.iterdir()):
        stem, _, suffix = path.name.lower().rpartition(".")
        if path.is_file() and stem in TABLES and suffix in FORMATS:
            by_table.setdefault(stem, []).append(path)
    for name, paths in by_table.items():
        if len(paths) > 1:
            names = ", ".join(p.name for p in paths)
            raise ExtractError.at(names, f"two files for table {name}; keep exactly one")
    for name, spec in TABLES.items():
        if spec.required and name not in by_table:
            expected = ", ".join(f"{name}.{fmt}" for fmt in FORMATS)
            raise ExtractError.at(name, f"required table is missing (no {expected})")
    return {name: paths[0] for name, paths in by_table.items()}


def decode_csv(data: bytes, file: str) -> bytes:
    """The CSV's bytes as UTF-8: UTF-8 (with or without BOM) or else GBK/GB18030."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:4096]:
        raise ExtractError.at(file, "file is UTF-16 encoded; save it as CSV UTF-8 or GBK")
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
            return data.decode("gb18030").encode("utf-8")
        except UnicodeDecodeError as gbk_error:
            worst = max(utf8_error.start, gbk_error.start)
            what = "bytes cannot be decoded as UTF-8 or GBK/GB18030"
            raise ExtractError.at(file, what, row=record_number(data, worst)) from None


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
    data = decode_csv(data, path.name)
    head = [
        next(csv.reader([line.decode("utf-8", "replace")]), [])
        for line in data[:_HEAD_BYTES].split(b"\n", _HEADER_SEARCH)[:_HEADER_SEARCH]
    ]
    skip = find_header(head, spec)
    _check_delimiter(head[skip], path.name, skip + 1)
    try:
        frame = pl.read_csv(data, skip_rows=skip, infer_schema=False, raise_if_empty=False)
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
    return frame, skip + 1


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
        raise ExtractError.at(path.name, "file is truncated or not a valid xlsx workbook") from None
    if grid.height == 0:
        raise ExtractError.at(path.name, "file is empty")
    head = [["" if v is None else str(v) for v in row] for row in grid.head(_HEADER_SEARCH).rows()]
    skip = find_header(head, spec)
    names = {old: new for old, new in zip(grid.columns, head[skip], strict=True)}
    return grid.slice(skip + 1).rename(_unique_blanks(names)), skip + 1


def _unique_blanks(names: dict[str, str]) -> dict[str, str]:
    """Header names with each blank one made unique (`_duplicated_N`, as polars does for CSV)."""
    out, blanks = {}, 0
    for old, new in names.items():
        if not new.strip():
            new, blanks = ("" if blanks == 0 else f"_duplicated_{blanks - 1}"), blanks + 1
        out[old] = new
    return out


def _read_parquet(path: Path, spec: TableSpec) -> tuple[pl.DataFrame, int]:
    if path.stat().st_size == 0:
        raise ExtractError.at(path.name, "file is empty")
    try:
        return pl.read_parquet(path), 1
    except Exception:
        raise ExtractError.at(path.name, "file is truncated or not a valid Parquet file") from None


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
    """One table file as read, with `source_row`, clean column names and blank rows skipped."""
    reader = {"csv": _read_csv, "xlsx": _read_xlsx, "parquet": _read_parquet}
    frame, header_row = reader[path.suffix.lower().lstrip(".")](path, spec)
    frame = _drop_blank_headers(frame, path.name, header_row)
    names = [_clean_name(c) for c in frame.columns]
    for name in names:  # polars renames a repeated CSV header to NAME_duplicated_N
        original = re.sub(r"_duplicated_\d+$", "", name)
        if names.count(name) > 1 or original != name:
            raise ExtractError.at(
                path.name, "appears more than once in the header", column=original
            )
    frame = frame.rename(dict(zip(frame.columns, names, strict=True)))
    for column in spec.columns:
        if column.required and column.name not in frame.columns:
            raise ExtractError.at(path.name, "required column is missing", column=column.name)
    frame = frame.with_row_index("source_row", offset=header_row + 1).with_columns(
        pl.col("source_row").cast(pl.Int64)
    )
    cells = [c for c in frame.columns if c != "source_row"]
    # Blank rows are rare: look at all cells only where the first cell is blank.
    suspects = frame.filter(_blank(cells[0], frame.schema[cells[0]]))
    blank = suspects.filter(pl.all_horizontal(_blank(c, frame.schema[c]) for c in cells))
    if blank.height:
        frame = frame.filter(~pl.col("source_row").is_in(blank.get_column("source_row").implode()))
    if frame.height == 0 and spec.required:
        raise ExtractError.at(path.name, "table has no rows")
    return RawTable(spec.name, path.name, frame, blank.height)


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
    if dtype.is_numeric():
        return _excel_serial(col.cast(pl.Float64)).alias(name)
    text = _plain(name, dtype).str.replace(_TIME_SUFFIX, "")
    return pl.coalesce(
        text.str.to_date("%Y-%m-%d", strict=False),
        text.str.to_date("%Y/%m/%d", strict=False),
        text.str.to_date("%Y年%m月%d日", strict=False),
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
