"""A response decided by a step before the handler's end: a body too large to read, a draft
already sent, a procedure closed meanwhile.

The step raises `EarlyResponse` with the response to send, as Starlette's `HTTPException`
does with a status, and the application sends it as it is (see `create_app`): the handlers
that call the step need not check what it returned.
"""

from __future__ import annotations

from typing import cast

from starlette.requests import Request
from starlette.responses import Response


class EarlyResponse(Exception):
    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


async def send_early_response(request: Request, exc: Exception) -> Response:
    return cast(EarlyResponse, exc).response  # the handler is registered for this class only
