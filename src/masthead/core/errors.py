"""One error type for business code, with stable snake_case codes (see shared API.md)."""


class MastheadError(Exception):
    """Raised by services and selectors; the API's handler turns it into the error shape.

    ``code`` is part of the public contract: clients branch on it, so it never changes.
    """

    def __init__(
        self,
        code: str,
        message: str,
        status: int = 400,
        *,
        fields: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.fields = fields
        self.headers = headers or {}

    def as_dict(self) -> dict:
        error: dict = {"code": self.code, "message": self.message}
        if self.fields:
            error["fields"] = self.fields
        return {"error": error}


class NotFound(MastheadError):
    def __init__(self, message: str = "Nothing here by that name.") -> None:
        super().__init__("not_found", message, 404)


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    return MastheadError(code, message, fields=fields).as_dict()
