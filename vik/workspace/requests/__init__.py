"""The request list and the request page with its actions: the clerk's screens over requests."""
