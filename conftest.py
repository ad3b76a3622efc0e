pytest_plugins = ["vik.core.testing"]
