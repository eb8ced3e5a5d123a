"""Write a simulated registry as the city would export it: parquet, CSV (UTF-8/GBK) or xlsx."""

from pathlib import Path

import polars as pl

XLSX_MAX_ROWS = 1_048_575  # one header row
GBK_NAMES = {"gbk", "cp936", "gb2312", "gb18030"}
UTF8_NAMES = {"utf-8", "utf8", "utf-8-sig", "utf_8"}


def write_table(df: pl.DataFrame, path: Path, fmt: str, encoding: str) -> None:
    """Write one table in the given format; dates as YYYY-MM-DD in text formats."""
    if fmt == "parquet":
        df.write_parquet(path)
    elif fmt == "csv":
        if encoding.lower() in UTF8_NAMES:
            df.write_csv(path, include_bom=True, date_format="%Y-%m-%d")
        elif encoding.lower() in GBK_NAMES:
            codec = "gb18030" if encoding.lower() == "gb18030" else "gbk"
            path.write_bytes(df.write_csv(date_format="%Y-%m-%d").encode(codec))
        else:
            raise ValueError(f"unsupported CSV encoding {encoding!r}: use utf-8 or gbk")
    elif fmt == "xlsx":
        if df.height > XLSX_MAX_ROWS:
            raise ValueError(
                f"{path.name}: {df.height} rows do not fit one Excel sheet; use parquet or csv"
            )
        df.write_excel(
            path, worksheet=path.stem, dtype_formats={pl.Date: "yyyy-mm-dd"}, autofit=False
        )
    else:
        raise ValueError(f"unknown format {fmt!r}: use parquet, csv or xlsx")


def write_registry(reg, out: Path, fmt: str = "parquet", encoding: str = "utf-8") -> None:
    """Write one file per table (NAME.parquet|csv|xlsx) and the truth as out/truth/*.parquet."""
    out = Path(out)
    if fmt == "xlsx":
        too_big = [n for n, df in reg.tables.items() if df.height > XLSX_MAX_ROWS]
        if too_big:
            raise ValueError(
                f"{', '.join(too_big)}: too many rows for one Excel sheet; use parquet or csv"
            )
    (out / "truth").mkdir(parents=True, exist_ok=True)
    for name, df in reg.tables.items():
        write_table(df, out / f"{name}.{fmt}", fmt, encoding)
    for name, df in reg.truth.items():
        df.write_parquet(out / "truth" / f"{name}.parquet")
