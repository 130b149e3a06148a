"""Checks disparity's spreadsheet outputs (test tooling, run by SpreadsheetOutputTests).

  check_spreadsheet.py workbook BOOK.xlsx SPEC.json
      SPEC: {"sheets": [{"sheet" (a name, or its index from 0), "csv", "style": "standard"|"danish", "where": {col: value},
      "rename": {sheet column: csv column}, "skip": [sheet columns not in the CSV]}], "names": [every sheet name, in order]}. Each listed
      sheet must hold the CSV's rows (those matching "where") to the last digit: numbers as
      numeric cells equal to the CSV's text parsed as a double, booleans as booleans, text as
      text, missing as empty cells. Every sheet: a valid unique name, a bold frozen header row,
      column widths set.
  check_spreadsheet.py danish DANISH.csv STANDARD.csv
      The Danish CSV (BOM, ';', decimal comma, CRLF) parses back to the standard one's values.

Prints what is wrong to standard error and exits 1; prints "ok" and a count otherwise.
"""
import csv
import io
import json
import sys

import openpyxl

# The columns whose values are numbers (`statistic` is a test's number in regress, a word elsewhere).
NUMERIC = {"estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high", "df", "n", "deff", "ndf", "ddf",
           "target_p_value", "baseline", "change", "change_std_error", "change_conf_low", "change_conf_high", "previous",
           "change_previous", "change_previous_std_error", "change_previous_conf_low", "change_previous_conf_high",
           "population"}
errors = []


def read_csv(path, style):
    data = open(path, "rb").read()
    if style == "danish":
        if not data.startswith(b"\xef\xbb\xbf"):
            errors.append(f"{path}: no UTF-8 byte-order mark")
        if data.replace(b"\r\n", b"").count(b"\n"):
            errors.append(f"{path}: a line does not end in CRLF")
        text = data.decode("utf-8-sig")
    else:
        text = data.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";" if style == "danish" else ","))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def is_number(text, style):
    try:
        float(text.replace(",", ".") if style == "danish" else text)
        return True
    except ValueError:
        return False


def number(text, style, where):
    if style == "danish":
        if "." in text:
            errors.append(f"{where}: '{text}' has a decimal point, not a comma")
        text = text.replace(",", ".")
    return float(text)


def check_workbook(book_path, spec_path):
    spec = json.load(open(spec_path))
    book = openpyxl.load_workbook(book_path)
    if spec.get("names") is not None and book.sheetnames != spec["names"]:
        errors.append(f"sheets {book.sheetnames}, expected {spec['names']}")
    seen = set()
    for ws in book.worksheets:
        name = ws.title
        if len(name) > 31 or any(c in name for c in "[]:*?/\\") or name.lower() in seen:
            errors.append(f"invalid sheet name '{name}'")
        seen.add(name.lower())
        if ws.freeze_panes != "A2":
            errors.append(f"{name}: header not frozen ({ws.freeze_panes})")
        if not all(cell.font.b for cell in ws[1]):
            errors.append(f"{name}: header not bold")
        if not ws.column_dimensions["A"].width or ws.column_dimensions["A"].width < 3:
            errors.append(f"{name}: no column width")
    cells = 0
    for entry in spec["sheets"]:
        ws = book.worksheets[entry["sheet"]] if isinstance(entry["sheet"], int) else book[entry["sheet"]]
        style = entry.get("style", "standard")
        rows = [r for r in read_csv(entry["csv"], style) if all(r[k] == v for k, v in entry.get("where", {}).items())]
        values = list(ws.iter_rows(values_only=True))
        header = list(values[0])
        if len(values) - 1 != len(rows):
            errors.append(f"{ws.title}: {len(values) - 1} rows, the CSV {len(rows)}")
        for i, (got, want) in enumerate(zip(values[1:], rows)):
            for column, value in zip(header, got):
                if column in entry.get("skip", []):
                    continue
                text = want[entry.get("rename", {}).get(column, column)]
                where = f"{ws.title}!{column} row {i + 2}"
                cells += 1
                if text == "":
                    if value is not None:
                        errors.append(f"{where}: {value!r}, expected an empty cell")
                elif column in NUMERIC and is_number(text, style):
                    if isinstance(value, bool) or not isinstance(value, (int, float)):
                        errors.append(f"{where}: {value!r} is not a numeric cell")
                    elif value != number(text, style, where):
                        errors.append(f"{where}: {value!r} != {text}")
                elif isinstance(value, bool):
                    if text != ("true" if value else "false"):
                        errors.append(f"{where}: {value!r} != {text}")
                elif value != text:
                    errors.append(f"{where}: {value!r} != {text!r}")
    return cells


def check_danish(danish_path, standard_path):
    danish, standard = read_csv(danish_path, "danish"), read_csv(standard_path, "standard")
    if len(danish) != len(standard) or (danish and list(danish[0]) != list(standard[0])):
        errors.append(f"{danish_path}: rows or columns differ from {standard_path}")
    cells = 0
    for i, (d, s) in enumerate(zip(danish, standard)):
        for column, text in s.items():
            where = f"{danish_path}: {column} row {i + 2}"
            cells += 1
            if column in NUMERIC and is_number(text, "standard"):
                if number(d[column], "danish", where) != float(text):
                    errors.append(f"{where}: {d[column]} != {text}")
            elif d[column] != text:
                errors.append(f"{where}: {d[column]!r} != {text!r}")
    return cells


if __name__ == "__main__":
    count = check_workbook(*sys.argv[2:4]) if sys.argv[1] == "workbook" else check_danish(*sys.argv[2:4])
    if errors:
        sys.stderr.write("\n".join(errors[:30]) + "\n")
        sys.exit(1)
    print(f"ok: {count} cells")
