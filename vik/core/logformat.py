"""The log formatter that keeps personal data out of the logs at INFO and above.

VIK's own log lines mask addresses already (`vik.core.text.mask_address`); this catches what
they cannot control: exception messages and tracebacks of libraries (an SMTP server's refusal
names the recipient), a third party's log line. Every e-mail address in the formatted line,
traceback included, becomes `j***@example.cz`. With `VIK_LOG_LEVEL=DEBUG` nothing is masked:
debugging is when an operator chooses to see them.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from .text import mask_address

# Deliberately loose: a log line is not validated mail, and an unmasked address costs more
# than a masked word that only looked like one.
ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
# The phone system's secret is part of the CTI webhook's URL (Zammad's format): a request line
# or django.request's "Unauthorized: /api/v1/cti/…" never shows it, whatever the level.
CTI_TOKEN = re.compile(r"(/api/v1/cti/)[^\s/?\"']+")


class MaskingFormatter(logging.Formatter):
    def __init__(self, *args: Any, mask: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mask = mask

    def format(self, record: logging.LogRecord) -> str:
        text = CTI_TOKEN.sub(r"\1…", super().format(record))
        if not self.mask:
            return text
        return ADDRESS.sub(lambda match: mask_address(match.group(0)), text)
