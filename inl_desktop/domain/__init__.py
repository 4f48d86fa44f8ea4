"""Plain-Python domain: field definitions, validation rules, units, periods.

Nothing here imports Qt, SQLAlchemy or openpyxl.
"""
