"""The demo's centres receive e-mail out of the box: `vik lmtp` accepts mail for their
addresses and refuses an address no centre has."""

from email.message import EmailMessage

import pytest

from vik.conversations.models import Request
from vik.demo.services import demo_load, mailbox_addresses
from vik.testing.lmtp import lmtp_deliver


@pytest.mark.django_db(transaction=True)  # the LMTP server stores on its own thread
def test_lmtp_accepts_mail_for_a_demo_centre_and_refuses_an_unknown_address(lmtp_port):
    demo_load(requests=0)
    assert mailbox_addresses("vys-jihlava") == [
        "info@jihlava.vik.example",
        "podatelna@jihlava.vik.example",
    ]
    message = EmailMessage()
    message["From"] = "Jan Novák <jan.novak@example.cz>"
    message["To"] = "info@jihlava.vik.example"
    message["Subject"] = "Svoz bioodpadu"
    message["Message-ID"] = "<demo-lmtp-test@example.cz>"
    message.set_content("Dobrý den, kdy se v Jihlavě vyváží bioodpad?")
    codes, replies = lmtp_deliver(
        lmtp_port, message.as_bytes(), ["info@jihlava.vik.example", "nikdo@jihlava.vik.example"]
    )
    assert codes == {"info@jihlava.vik.example": 250, "nikdo@jihlava.vik.example": 550}
    assert [code for code, _text in replies] == [250]
    request = Request.objects.get(subject="Svoz bioodpadu")
    assert request.centre is not None and request.centre.slug == "vys-jihlava"
    assert request.origin_channel == "email"
