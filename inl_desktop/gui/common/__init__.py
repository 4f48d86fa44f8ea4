"""Widgets, models and helpers that every area of the window shares."""
