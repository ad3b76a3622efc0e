"""SMS benchmark: outbound submit_sm per second through a real SMPP server (npm `smpp`,
tools/node/smpp-server.mjs), from one worker, with windowing.

    PYTHONPATH=$PWD .venv/bin/python bench/sms.py [--messages 2000] [--window 10]
        [--database-url postgres://postgres@127.0.0.1:5432/vik_bench_sms]

(a) VIK: N queued replies (one part each) sent by one `outbound_drain` (the worker's task):
    claims from the outbox, SmsPart rows, submit_sm through the adapter's bind with `--window`
    in flight, the SMSC's ids and message references recorded, messages marked sent.
(b) Ceiling: `smpplib` sending N bare submit_sm with the same window on the same server, in the
    same run: no database, no VIK.
Prints both rates and the ratio (a)/(b); the goal is (a) >= 200/s. Without --database-url a
fresh SQLite file in a temporary directory is used (migrated first; not timed).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def bare_rate(port: int, count: int, window: int, system_id: str, password: str) -> float:
    """submit_sm per second from smpplib alone, `window` unanswered at most."""
    import smpplib.client  # local import: after the argument parsing, as the rest of the run

    acks: list[int] = []
    client = smpplib.client.Client("127.0.0.1", port, timeout=10, allow_unknown_opt_params=True)
    client.set_message_sent_handler(lambda pdu, **_kw: acks.append(pdu.sequence))
    client.set_message_received_handler(lambda pdu, **_kw: None)
    client.connect()
    client.bind_transceiver(system_id=system_id, password=password)
    started = time.perf_counter()
    sent = 0
    while len(acks) < count:
        while sent < count and sent - len(acks) < window:
            client.send_message(
                source_addr_ton=5, source_addr="VIK", dest_addr_ton=1, dest_addr_npi=1,
                destination_addr="420777123456", short_message=b"Vase zadost je vyrizena.",
                data_coding=0, registered_delivery=1,
            )  # fmt: skip
            sent += 1
        client.read_once(auto_send_enquire_link=False)
    elapsed = time.perf_counter() - started
    client.unbind()
    client.disconnect()
    return count / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--window", type=int, default=10)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="vik-bench-sms-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ["VIK_DATABASE_URL"] = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["VIK_VAR_DIR"] = tmp
    import django  # local import: the settings module is chosen above

    django.setup()
    from django.conf import settings  # local import: after django.setup()
    from django.core.management import call_command  # local import: after django.setup()

    from vik.channels.core.choices import ChannelKind, OutboundState  # local import: setup first
    from vik.channels.core.models import (
        ChannelAccount,
        OutboundMessage,
    )  # local import: setup first
    from vik.channels.core.services import outbound_drain  # local import: setup first
    from vik.channels.sms.adapter import sessions_close  # local import: setup first
    from vik.contacts.choices import IdentityKind  # local import: setup first
    from vik.contacts.models import Contact, Identity  # local import: setup first
    from vik.conversations.models import Interaction, Request  # local import: setup first
    from vik.core import clock  # local import: setup first
    from vik.territory.models import Region  # local import: setup first
    from vik.testing.fixtures import ensure_reference_data  # local import: setup first
    from vik.testing.smpp import PASSWORD, SYSTEM_ID, smpp_server_start  # local import: setup first

    print("migrating a fresh database (not timed) …", flush=True)
    call_command("migrate", verbosity=0)
    ensure_reference_data()
    server = smpp_server_start()
    try:
        server.mode(quiet=True, receipt="")
        settings.VIK_SMS_SECRETS = f"bench={PASSWORD}"
        settings.VIK_SMS_TRANSPORT = "smpp"
        settings.VIK_SMS_WINDOW = args.window
        settings.VIK_SMS_MONTHLY_BUDGET_PARTS = 0
        region = Region.objects.order_by("pk").first()
        assert region is not None
        account = ChannelAccount.objects.create(
            region=region, kind=ChannelKind.SMS, name="sms-bench",
            settings={"smpp": {"host": "127.0.0.1", "port": server.port, "system_id": SYSTEM_ID,
                               "password_secret": "bench"}, "source": "VIK"},
        )  # fmt: skip
        contact = Contact.objects.create(region=region, name="Bench")
        Identity.objects.create(
            contact=contact, region=region, kind=IdentityKind.PHONE, value="+420777123456"
        )
        request = Request.objects.create(
            region=region, reference="VY-2026-900001", subject="bench", requester=contact,
            origin_channel=ChannelKind.SMS, origin_account=account, public_token="b" * 32,
        )  # fmt: skip
        now = clock.now()
        interactions = Interaction.objects.bulk_create(
            Interaction(request=request, direction="outbound", visibility="public",
                        channel=ChannelKind.SMS, text=f"Vase zadost c. {n} je vyrizena.",
                        occurred_at=now)
            for n in range(args.messages)
        )  # fmt: skip
        OutboundMessage.objects.bulk_create(
            OutboundMessage(account=account, interaction=i, recipient="+420777123456",
                            next_attempt_at=now)
            for i in interactions
        )  # fmt: skip
        started = time.perf_counter()
        taken = outbound_drain(max_batches=10_000)
        vik_elapsed = time.perf_counter() - started
        sessions_close()
        sent = OutboundMessage.objects.filter(state=OutboundState.SENT).count()
        received = server.stats()
        if taken != args.messages or sent != args.messages:
            print(f"FAILED: took {taken}, sent {sent} of {args.messages}")
            return 2
        vik_rate = args.messages / vik_elapsed
        bare = bare_rate(server.port, args.messages, args.window, SYSTEM_ID, PASSWORD)
    finally:
        server.stop()
    vendor = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    print(f"SMS outbound, {args.messages} messages, window {args.window}, {vendor}, one worker:")
    print(f"  (a) VIK outbox -> SMPP: {vik_rate:8.0f} submit_sm/s ({vik_elapsed:.2f} s)")
    print(f"  (b) bare smpplib:       {bare:8.0f} submit_sm/s")
    print(f"  ratio (a)/(b):          {vik_rate / bare:8.2f}")
    print(f"  server binds: {received['binds']}; goal (a) >= 200/s: "
          f"{'met' if vik_rate >= 200 else 'NOT met'}")  # fmt: skip
    return 0 if vik_rate >= 200 else 1


if __name__ == "__main__":
    raise SystemExit(main())
