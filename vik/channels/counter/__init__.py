"""The counter ("Návštěva"): a citizen walks in, a clerk records the visit as a request.

No adapter: nothing arrives by itself. A visit is a request recorded on the new-request form
with the counter channel (`staff:request_new`, `conversations.services.request_record`); this
app adds the walk-in shortcut, the centre's visit log and the counts for staffing.
See docs/channels/counter.md.
"""
