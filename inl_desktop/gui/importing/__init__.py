"""The import wizard: a post's own spreadsheet into records, step by step."""
