"""VIK — Virtuální informační kancelář."""
