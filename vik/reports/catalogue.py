"""Every report VIK offers, registered in the order the reports page lists them."""

from __future__ import annotations

from .builders import requests
from .registry import ReportSpec, report_register

SPECS: list[ReportSpec] = []
SPECS += requests.SPECS


def register_all() -> None:
    for spec in SPECS:
        report_register(spec)
