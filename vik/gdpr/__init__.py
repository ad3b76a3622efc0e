"""The GDPR tasks: a person's data as a ZIP (subject access), their erasure that keeps the
statistics, and the retention of each kind of personal data (docs/security/gdpr.md)."""
