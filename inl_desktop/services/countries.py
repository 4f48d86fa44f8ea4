"""The country programs that have reference data, and their posts."""

from __future__ import annotations

from inl_desktop.store.reference import CountryProgram, available_countries, country_program

__all__ = ["CountryProgram", "country_programs"]


def country_programs() -> dict[str, CountryProgram]:
    """Every country program the app carries reference data for, by code, in code order."""
    return {code: country_program(code) for code in available_countries()}
