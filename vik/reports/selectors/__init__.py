"""Reads behind the reports: aggregated SQL over indexed columns, one query per figure table."""
