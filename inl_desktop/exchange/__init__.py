"""Workbook and spreadsheet formats; openpyxl and its friends are imported only here."""
