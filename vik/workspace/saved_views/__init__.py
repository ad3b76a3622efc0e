"""Saved views of the request list: named filters for one agent, a centre or a region."""
