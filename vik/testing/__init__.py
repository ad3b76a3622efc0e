"""What every app's tests share, loaded as pytest plugins by the root conftest.

It sits above every domain app (it builds offices, centres, staff and web requests), so that
`vik.core` knows no domain:

- `personas`: the cast (Alice, Bob, Carol, Erin, Dave, a citizen) in their `world`;
- `fixtures`: the reference data a test database holds, and each test's clean slate;
- `smtp`: a real SMTP server on loopback for the tests of e-mail delivery.
"""
