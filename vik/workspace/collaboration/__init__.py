"""Working together on requests: macros (canned answers), @mentions in notes, presence."""
