"""Abuse of VIK's public endpoints: rate limits on the shared cache (`ratelimit`), the ALTCHA
proof of work (`altcha`), and the refusal pages that keep what the citizen wrote."""
