from django.contrib.auth.models import Group
from django.db import transaction

from masthead.accounts.models import Reader
from masthead.accounts.roles import ADMIN, ROLES, STAFF_ROLES, sync_role_groups
from masthead.core.errors import MastheadError


@transaction.atomic
def reader_create(
    *,
    username: str,
    email: str,
    password: str | None,
    role: str = "reader",
    display_name: str = "",
    bio: str = "",
) -> Reader:
    """Create an account with one role. Staff roles may use the admin; admins are superusers."""
    if role not in ROLES:
        raise MastheadError(
            "validation_error",
            f"Unknown role {role!r}.",
            422,
            fields={"role": [f"One of {', '.join(ROLES)}."]},
        )
    if Reader.objects.filter(username__iexact=username).exists():
        raise MastheadError("conflict", f"The username {username!r} is taken.", 409)
    reader = Reader(
        username=username,
        email=email,
        display_name=display_name,
        bio=bio,
        is_staff=role in STAFF_ROLES,
        is_superuser=role == ADMIN,
    )
    if password:
        reader.set_password(password)
    else:
        reader.set_unusable_password()
    reader.full_clean(exclude=["password"])
    reader.save()
    reader_set_role(reader=reader, role=role)
    return reader


def reader_set_role(*, reader: Reader, role: str) -> None:
    if not Group.objects.filter(name=role).exists():
        sync_role_groups()
    reader.groups.set([Group.objects.get(name=role)])
    reader.is_staff = role in STAFF_ROLES
    reader.is_superuser = role == ADMIN
    reader.save(update_fields=["is_staff", "is_superuser"])
