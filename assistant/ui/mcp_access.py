"""Who may use the MCP tools: the chat's own logins, sent as HTTP Basic credentials.

An MCP client is not a browser: it cannot fill in the chat's login page, but every client can
send a header (``Authorization: Basic base64(user:password)``; README has the configuration).
So with a login configured, the chat's guard (:class:`~assistant.ui.guard.Guard`) serves a
request to ``/gradio_api/mcp`` only with one of the chat's ``user:password`` pairs (compared in
constant time, failures slowed like the login page's); without ``--mcp`` it answers those paths
404, as every route the app does not use.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Sequence

from assistant.ui.access import LoginThrottle

MCP_PATH = "/gradio_api/mcp"
NEEDS_LOGIN = "The MCP tools need a login: send the chat's user:password as HTTP Basic credentials."


BASIC_CHALLENGE = 'Basic realm="report-assistant", charset="UTF-8"'
"""What a 401 on a route taking Basic credentials says it wants (RFC 9110 §11.6.1, RFC 7617)."""


def is_mcp_path(path: str) -> bool:
    return path == MCP_PATH or path.startswith(MCP_PATH + "/")


def challenge(status: int, path: str, mcp: bool) -> str | None:
    """The ``WWW-Authenticate`` value for a refusal with ``status`` of a request to ``path``.

    RFC 9110 requires a challenge on every 401, and MCP clients (and ``curl --anyauth``) send
    their Basic credentials only once challenged; so a 401 on the MCP paths (served with
    ``mcp``) carries :data:`BASIC_CHALLENGE`. The chat's other 401s carry none: the chat's login
    is a form that sets a cookie, Basic credentials are not accepted there, and a challenge would
    make a browser pop up its own login dialog that could only fail.
    """
    return BASIC_CHALLENGE if status == 401 and mcp and is_mcp_path(path) else None


def basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    """``(user, password)`` from an ``Authorization: Basic …`` header value, or None."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    if scheme.lower() != "basic" or not token.strip():
        return None
    try:
        user, sep, password = base64.b64decode(token.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (user, password) if sep else None


def allowed(authorization: str | None, logins: Sequence[tuple[str, str]] | None) -> bool:
    """Whether a request with this ``Authorization`` header may use the tools (always, with no logins)."""
    if not logins:
        return True
    given = basic_credentials(authorization)
    if given is None:
        return False
    ok = False
    for user, password in logins:  # compare with every pair, in constant time, so timing tells nothing
        ok |= hmac.compare_digest(given[0].encode(), user.encode()) & hmac.compare_digest(
            given[1].encode(), password.encode()
        )
    return ok


def basic_login(
    authorization: str | None, logins: Sequence[tuple[str, str]], throttle: LoginThrottle, client: str
) -> bool:
    """Whether an MCP request carries one of ``logins``; a wrong password counts as a failed login
    for ``throttle`` (the chat's own, so guessing is slowed the same way), and a client made to
    wait is refused until its wait is over."""
    if throttle.wait(client) > 0:
        return False
    ok = allowed(authorization, logins)
    if authorization and not ok:
        throttle.failed(client)
    elif ok and authorization:
        throttle.succeeded(client)
    return ok
