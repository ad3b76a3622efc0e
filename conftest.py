pytest_plugins = [
    "vik.testing.fixtures",
    "vik.testing.personas",
    "vik.testing.smtp",
    "vik.testing.lmtp",
    "vik.testing.oidc",
    "vik.testing.smpp",
]
