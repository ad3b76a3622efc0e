"""Every report VIK offers, registered in the order the reports page lists them."""

from __future__ import annotations

from .builders import requests
from .builders.audit import AUDIT
from .builders.channels import CALLS, CHATS
from .builders.knowledge import KNOWLEDGE
from .builders.workload import WORKLOAD
from .registry import ReportSpec, report_register

SPECS: list[ReportSpec] = []
SPECS += requests.SPECS
SPECS += [CALLS, CHATS, KNOWLEDGE, WORKLOAD, AUDIT]


def register_all() -> None:
    for spec in SPECS:
        report_register(spec)
