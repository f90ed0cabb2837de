"""Plain Python helpers that are not models (the Excel workbook builder)."""
