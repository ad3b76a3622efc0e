"""Writing requests, interactions and the timeline: `conversations` is the only writer.

One module per use case; this package re-exports their public services, so that callers
write `from vik.conversations import services` and `services.request_reply(...)`.

- `opening`: a request's reference, routing and deadlines (`request_open`);
- `routing`: applying routing decisions (tags, assignment policies, the timeline);
- `deadlines`: applying service levels (targets, the paused clock) and the SLA sweep;
- `intake`: the payloads the channel core stored, processed (claimed, parsed, applied);
- `inbound`: a channel's normalised message applied to its contact and request;
- `acknowledgements`: telling the citizen their request has arrived;
- `attachments`: storing the files of interactions;
- `chats`: the messages of a live chat, as interactions;
- `recording`: requests a clerk records (phone, counter, letter) and their receipts;
- `replies`: public replies and internal notes;
- `changes`: status, assignee, priority, topic, municipality, queue and tags;
- `network`: transfers, consultations, merge and split;
- `contacts`: merging two contacts with their requests and interactions;
- `bulk`: bulk actions of the request list;
- `statutory`: an information request's statutory deadline extended, the applicant told.
"""

from __future__ import annotations

from .acknowledgements import (
    acknowledgement_build,
    acknowledgement_recipient,
    acknowledgement_text,
    recent_acknowledgements,
    request_acknowledge,
)
from .attachments import (
    attachments_store,
    interaction_attachments_store,
)
from .bulk import (
    BULK_ACTIONS,
    BulkResult,
    requests_bulk_apply,
)
from .calls import request_call_record, request_text_queue
from .changes import (
    request_assign,
    request_close_by_citizen,
    request_require_work,
    request_set_municipality,
    request_set_priority,
    request_set_queue,
    request_set_status,
    request_set_topic,
    request_tags_change,
    request_viewed,
    status_undoable_to,
)
from .chats import chat_interaction_record
from .contacts import (
    contacts_merge,
)
from .deadlines import (
    request_deadlines_set,
    request_sla_on_first_response,
    request_sla_on_status,
    sla_sweep,
)
from .inbound import (
    continues_request,
    inbound_apply,
    inbound_apply_batch,
    inbound_apply_continuations,
    opens_new_request,
)
from .intake import (
    delivery_report_apply,
    inbound_drain,
    inbound_process,
)
from .network import (
    consultation_answer,
    consultation_ask,
    request_merge,
    request_move,
    request_split,
    request_transfer,
)
from .opening import (
    reference_allocate,
    references_allocate,
    request_open,
    request_routing_apply,
    request_routing_facts,
)
from .reads import (
    request_attachment_downloaded,
    request_macro_rendered,
    requests_listed,
)
from .recording import (
    RECEIPT_CHANNELS,
    RECORDED_CHANNELS,
    receipt_accounts,
    recorded_by,
    request_receipt_send,
    request_record,
)
from .replies import (
    ROUTE_ORIGIN,
    ROUTE_TRACKING,
    ReplyRoute,
    reply_route_choose,
    reply_routes,
    request_message_automatic,
    request_note,
    request_reply,
)
from .routing import (
    assignee_by_policy,
    assignments_announce,
    assignments_by_policy,
    request_routed,
    requests_routed,
)
from .statutory import (
    OTHER_MEANS,
    OTHER_MEANS_PREFIX,
    day_text,
    request_statutory_extend,
    statutory_extension_notice_text,
    statutory_extension_refusal,
    statutory_notice_routes,
)

__all__ = [
    "BULK_ACTIONS",
    "OTHER_MEANS",
    "OTHER_MEANS_PREFIX",
    "RECEIPT_CHANNELS",
    "RECORDED_CHANNELS",
    "ROUTE_ORIGIN",
    "ROUTE_TRACKING",
    "BulkResult",
    "ReplyRoute",
    "acknowledgement_build",
    "acknowledgement_recipient",
    "acknowledgement_text",
    "assignee_by_policy",
    "assignments_announce",
    "assignments_by_policy",
    "attachments_store",
    "chat_interaction_record",
    "consultation_answer",
    "consultation_ask",
    "contacts_merge",
    "continues_request",
    "day_text",
    "delivery_report_apply",
    "inbound_apply",
    "inbound_apply_batch",
    "inbound_apply_continuations",
    "inbound_drain",
    "inbound_process",
    "interaction_attachments_store",
    "opens_new_request",
    "receipt_accounts",
    "recent_acknowledgements",
    "recorded_by",
    "reference_allocate",
    "references_allocate",
    "reply_route_choose",
    "reply_routes",
    "request_acknowledge",
    "request_assign",
    "request_attachment_downloaded",
    "request_call_record",
    "request_close_by_citizen",
    "request_deadlines_set",
    "request_macro_rendered",
    "request_merge",
    "request_message_automatic",
    "request_move",
    "request_note",
    "request_open",
    "request_receipt_send",
    "request_record",
    "request_reply",
    "request_require_work",
    "request_routed",
    "request_routing_apply",
    "request_routing_facts",
    "request_set_municipality",
    "request_set_priority",
    "request_set_queue",
    "request_set_status",
    "request_set_topic",
    "request_sla_on_first_response",
    "request_sla_on_status",
    "request_split",
    "request_statutory_extend",
    "request_tags_change",
    "request_text_queue",
    "request_transfer",
    "request_viewed",
    "requests_bulk_apply",
    "requests_listed",
    "requests_routed",
    "sla_sweep",
    "status_undoable_to",
    "statutory_extension_notice_text",
    "statutory_extension_refusal",
    "statutory_notice_routes",
]
