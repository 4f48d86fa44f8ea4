"""Importing the spreadsheets posts already keep (see ``run`` and ``mapping``)."""
