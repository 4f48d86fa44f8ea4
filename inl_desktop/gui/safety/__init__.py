"""Backups and the day's check of the database."""
