"""Personal data stays out of the logs at INFO: addresses in lines and tracebacks are masked."""

import logging
import smtplib

from vik.core.logformat import MaskingFormatter


def record_with_traceback() -> logging.LogRecord:
    try:
        raise smtplib.SMTPRecipientsRefused(
            {"jana.dvorakova@seznam.cz": (550, b"5.1.1 <jana.dvorakova@seznam.cz> unknown")}
        )
    except smtplib.SMTPRecipientsRefused:
        import sys

        return logging.LogRecord(
            "vik.channels", logging.ERROR, __file__, 1,
            "sending to %s failed", ("petr.novak@example.cz",), sys.exc_info(),
        )  # fmt: skip


def test_addresses_in_the_line_and_the_traceback_are_masked() -> None:
    text = MaskingFormatter("%(levelname)s %(message)s").format(record_with_traceback())
    assert "ERROR sending to p***@example.cz failed" in text
    assert "SMTPRecipientsRefused" in text  # the traceback is still there
    assert "j***@seznam.cz" in text
    assert "jana.dvorakova" not in text and "petr.novak" not in text


def test_debug_shows_them() -> None:
    text = MaskingFormatter("%(message)s", mask=False).format(record_with_traceback())
    assert "petr.novak@example.cz" in text and "jana.dvorakova@seznam.cz" in text


def test_the_configured_handlers_mask() -> None:
    handler = logging.getLogger().handlers[0]
    assert isinstance(handler.formatter, MaskingFormatter)
    assert handler.formatter.mask is True
