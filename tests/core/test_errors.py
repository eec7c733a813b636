"""MastheadError: one error type with stable codes, and its one JSON shape."""

from masthead.core.errors import MastheadError, NotFound, error_body


def test_as_dict_is_the_api_error_shape():
    error = MastheadError("comments_closed", "Comments are closed on this story.", 403)

    assert error.as_dict() == {
        "error": {"code": "comments_closed", "message": "Comments are closed on this story."}
    }
    assert (error.status, str(error)) == (403, "Comments are closed on this story.")


def test_fields_only_when_there_are_some():
    error = MastheadError("validation_error", "Check the form.", 422, fields={"body": ["Too long."]})

    assert error.as_dict()["error"]["fields"] == {"body": ["Too long."]}
    assert "fields" not in MastheadError("validation_error", "x", 422, fields={}).as_dict()["error"]


def test_headers_travel_with_the_error():
    error = MastheadError("rate_limited", "Slow down.", 429, headers={"Retry-After": "60"})

    assert error.headers == {"Retry-After": "60"}
    assert MastheadError("x", "y").headers == {}
    assert MastheadError("x", "y").status == 400


def test_not_found():
    error = NotFound()

    assert (error.code, error.status, error.message) == ("not_found", 404, "Nothing here by that name.")
    assert NotFound("No article by that name.").message == "No article by that name."
    assert isinstance(error, MastheadError)


def test_error_body():
    assert error_body("conflict", "Taken.") == {"error": {"code": "conflict", "message": "Taken."}}
    assert error_body("validation_error", "Bad.", {"limit": ["Too big."]})["error"]["fields"] == {
        "limit": ["Too big."]
    }
