"""Typed sheets for xlsxwriter: one format per kind of column (and currency),
frozen header, column widths, autofilter; kept apart from what the sheets say, as
``ExportXlsxWriter`` is in ``addons/web/controllers/export.py``."""

import xlsxwriter

# column kinds: text, int, float, money (company currency), cmoney (the row's own
# currency, given as (amount, currency)), date, datetime, percent (a fraction), bool
WIDTHS = {
    "text": 22,
    "long": 48,
    "int": 10,
    "float": 12,
    "money": 16,
    "cmoney": 16,
    "date": 12,
    "datetime": 17,
    "percent": 11,
    "bool": 10,
}


class XlsxWriter:
    """A streamed workbook (``constant_memory``) written into ``output``; money
    columns without a currency of their own use ``currency``; dates read
    ``date_format`` (Excel's notation: the reader's language's, see
    ``tools.moments.excel_date_format``), moments add hours and minutes."""

    def __init__(self, output, currency, date_format="yyyy-mm-dd"):
        self.currency = currency
        self.date_format = date_format
        self._formats = {}
        self.workbook = xlsxwriter.Workbook(
            output,
            {
                "constant_memory": True,
                "in_memory": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "default_date_format": date_format,
            },
        )

    def close(self):
        self.workbook.close()

    def _money_format(self, currency):
        symbol = (currency.symbol or currency.name or "").replace('"', "")
        digits = "0" * (currency.decimal_places or 0)
        number = "#,##0" + (f".{digits}" if digits else "")
        if currency.position == "before":
            return f'"{symbol}"{number};-"{symbol}"{number}'
        return f'{number} "{symbol}";-{number} "{symbol}"'

    def _format(self, kind, currency=None):
        key = (kind, currency and currency.id)
        if key not in self._formats:
            spec = {"valign": "top"}
            if kind == "header":
                spec.update(bold=True, bg_color="#E8EEF5", bottom=1, text_wrap=True)
            elif kind == "date":
                spec["num_format"] = self.date_format
            elif kind == "datetime":
                spec["num_format"] = f"{self.date_format} hh:mm"
            elif kind in ("money", "cmoney"):
                spec["num_format"] = self._money_format(currency or self.currency)
            elif kind == "percent":
                spec["num_format"] = "0.0%"
            elif kind == "float":
                spec["num_format"] = "0.00"
            elif kind == "long":
                spec["text_wrap"] = True
            self._formats[key] = self.workbook.add_format(spec)
        return self._formats[key]

    def sheet(self, title, columns, rows):
        """One sheet: header, typed rows (iterated once), frozen header, widths,
        autofilter. ``columns``: [(label, kind)]."""
        sheet = self.workbook.add_worksheet(title[:31])
        for col, (_label, kind) in enumerate(columns):
            sheet.set_column(col, col, WIDTHS.get(kind, 16))
        header = self._format("header")
        sheet.set_row(0, 30)
        for col, (label, _kind) in enumerate(columns):
            sheet.write_string(0, col, label, header)
        sheet.freeze_panes(1, 0)
        count = 0
        for count, values in enumerate(rows, start=1):
            for col, ((_label, kind), value) in enumerate(
                zip(columns, values, strict=True)
            ):
                self._write(sheet, count, col, kind, value)
        sheet.autofilter(0, 0, max(count, 1), len(columns) - 1)
        return count

    def _write(self, sheet, row, col, kind, value):
        if kind == "cmoney":
            amount, currency = value
            if amount is None or amount is False:
                return
            sheet.write_number(row, col, amount, self._format(kind, currency))
            return
        if value is None or (value is False and kind != "bool"):
            return
        if kind in ("text", "long"):
            sheet.write_string(row, col, str(value), self._format(kind))
        elif kind in ("int", "float", "money", "percent"):
            sheet.write_number(row, col, value, self._format(kind))
        elif kind in ("date", "datetime"):
            sheet.write_datetime(row, col, value, self._format(kind))
        elif kind == "bool":
            sheet.write_boolean(row, col, bool(value))
