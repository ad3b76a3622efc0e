"""The phone channel: a PBX reports its calls to VIK through the Zammad-compatible generic CTI
webhook (`POST /api/v1/cti/<token>`), VIK answers where an incoming call should ring (the centre
competent for the caller), keeps a caller log, shows the ringing agent who calls, and turns
missed calls and the portal's "call me back" form into call-back tasks.

See docs/channels/phone.md. A call is no inbound message: it does not go through
`conversations.inbound_apply`; the clerk records it on a request (`call_record`).
"""
