"""Placeholder until the work calendar is written."""


def uncovered_years_warning() -> list[str]:
    return []
