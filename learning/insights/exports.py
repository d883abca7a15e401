"""Writing rows to CSV or XLSX, safe to open in a spreadsheet, in bounded memory."""

import csv

HEADER_ROW = 2  # under the title and an empty row
# A cell starting with one of these is run as a formula by spreadsheet programs (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutral(value):
    """Text a spreadsheet shows as text: a leading quote before anything formula-like.
    Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write(path, format, title, header, rows, progress=None, every=1000):
    """Write `title` (what the file holds, on a line of its own), an empty line, `header`
    and `rows` (an iterable of lists) to `path`; call `progress(n)` every `every` rows.
    Returns the number of rows written."""
    writer = write_xlsx if format == "xlsx" else write_csv
    return writer(path, title, header, rows, progress or (lambda n: None), every)


def write_csv(path, title, header, rows, progress, every):
    count = 0
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        out = csv.writer(handle)
        out.writerows([[neutral(title)], []])
        out.writerow([neutral(cell) for cell in header])
        for row in rows:
            out.writerow([neutral(cell) for cell in row])
            count += 1
            if count % every == 0:
                progress(count)
    return count


def write_xlsx(path, title, header, rows, progress, every):
    import xlsxwriter  # loaded by the first XLSX export, not in every process

    # constant_memory: each row goes to disk as it is written, so memory does not grow.
    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },  # fmt: skip
    )
    sheet = workbook.add_worksheet("Report")
    bold = workbook.add_format({"bold": True})
    sheet.write_string(0, 0, neutral(title), bold)
    for col, cell in enumerate(header):
        sheet.write_string(HEADER_ROW, col, neutral(str(cell)), bold)
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, cell in enumerate(row):
            if isinstance(cell, bool) or not isinstance(cell, int | float):
                sheet.write_string(HEADER_ROW + count, col, neutral(str(cell)))
            else:
                sheet.write_number(HEADER_ROW + count, col, cell)
        if count % every == 0:
            progress(count)
    workbook.close()
    return count
