"""The channel core's side of the one path between the outside world and `conversations`.

Inbound: `inbound_accept` stores the raw payload durably and enqueues its processing, which
`conversations` registers (`hooks`) and does (`vik.conversations.services.intake`): it claims
payloads here (`inbound_claim`, `inbound_claim_batch`, `inbound_claimed`) and applies them to
requests. Outbound: `outbound_queue` puts a delivery in the outbox; `outbound_deliver` sends it
through the channel's adapter, with retries, and hands a delivery it gives up on to
`conversations` (`hooks.DeliveryFailure`). `channels_sweep` takes back what a dead worker left.

The modules: `inbound` (store, claim, quarantine, retry, discard raw payloads), `outbound`
(the outbox and its delivery, delivery reports), `sweeper` (`channels_sweep`) and `accounts`
(telling people that a channel account stopped working).
"""

from .accounts import account_failure_notify
from .inbound import (
    Arrival,
    UploadedFile,
    inbound_accept,
    inbound_accept_many,
    inbound_claim,
    inbound_claim_batch,
    inbound_claimed,
    inbound_discard,
    inbound_quarantine,
    inbound_release,
    inbound_retry,
)
from .outbound import (
    delivery_report_settle,
    outbound_deliver,
    outbound_drain,
    outbound_queue,
    outbound_queue_many,
)
from .sweeper import channels_sweep

__all__ = [
    "Arrival",
    "UploadedFile",
    "account_failure_notify",
    "channels_sweep",
    "delivery_report_settle",
    "inbound_accept",
    "inbound_accept_many",
    "inbound_claim",
    "inbound_claim_batch",
    "inbound_claimed",
    "inbound_discard",
    "inbound_quarantine",
    "inbound_release",
    "inbound_retry",
    "outbound_deliver",
    "outbound_drain",
    "outbound_queue",
    "outbound_queue_many",
]
