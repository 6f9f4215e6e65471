"""The one family of domain errors: a code for machines, a Chinese message for people.

Views turn a GuazhiError into a form error or an htmx message; the API into
{code, message, detail}. Nothing else in the code raises bare exceptions at users.
"""

from typing import Any


class GuazhiError(Exception):
    code = "error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, detail: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.detail = detail

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), "detail": self.detail}


class NotFound(GuazhiError):
    """Missing and forbidden look the same, so nobody can probe which records exist."""

    code = "not_found"
    status = 404

    def __init__(self, message: str = "", **kwargs: Any) -> None:
        from django.utils.translation import gettext

        super().__init__(message or gettext("记录不存在或无权访问。"), **kwargs)


class Forbidden(GuazhiError):
    code = "forbidden"
    status = 403

    def __init__(self, message: str = "", **kwargs: Any) -> None:
        from django.utils.translation import gettext

        super().__init__(message or gettext("您的角色无权执行此操作。"), **kwargs)


class ValidationFailed(GuazhiError):
    code = "invalid"


class InvalidTransition(GuazhiError):
    code = "invalid_transition"
    status = 409
