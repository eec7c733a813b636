from django.contrib.auth.hashers import Argon2PasswordHasher


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with tiny costs, for tests only (same algorithm name, same code path)."""

    time_cost = 1
    memory_cost = 256
    parallelism = 1
