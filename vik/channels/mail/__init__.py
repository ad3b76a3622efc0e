"""What the channels that speak e-mail share (e-mail, fax through a gateway): the MIME parser
(`parser`, `charsets`), bounces and auto-replies (`bounces`), reading a stored mail and its
delivery report (`inbound`), and SMTP delivery (`smtp`).

A plain package, not an app: it has no models, templates or settings. The channel kinds import
it; it imports only the floors below them, never a channel kind.
"""
