"""The settings module, as a fresh process sees it: every knob an environment variable.

Each test starts ``python`` with a clean environment (only what it sets), because settings
are read once at import and the test process already has its own.
"""

import json
import os
import secrets
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

PRODUCTION = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "news.example.org",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "EMAIL_URL": "smtp://newsroom:app-password@mail.example.org:587/?tls=True",
}
SECURITY = (
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
)


@pytest.fixture
def data_dir(tmp_path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(cwd),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "masthead.settings",
        **env,
    }
    return subprocess.run(
        [sys.executable, *args], env=clean, cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def _settings(data_dir: Path, env: dict[str, str], *names: str) -> dict:
    code = (
        "import json; from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {list(names)!r}}}, default=str))"
    )
    done = _run(["-c", code], {"MASTHEAD_DATA_DIR": str(data_dir), **env}, data_dir.parent)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- Production -------------------------------------------------------------------------------


def test_production_settings_pass_check_deploy(data_dir):
    done = _run(
        ["-m", "masthead", "check", "--deploy", "--fail-level", "WARNING"],
        {**PRODUCTION, "MASTHEAD_DATA_DIR": str(data_dir)},
        data_dir.parent,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_refuses_production_without_a_real_mail_server(data_dir):
    env = {k: v for k, v in PRODUCTION.items() if k != "EMAIL_URL"}

    done = _run(
        ["-m", "masthead", "check", "--deploy", "--fail-level", "WARNING"],
        {**env, "MASTHEAD_DATA_DIR": str(data_dir)},
        data_dir.parent,
    )

    assert done.returncode != 0
    assert "mail.E001" in done.stderr + done.stdout


def test_production_turns_every_https_protection_on(data_dir):
    found = _settings(data_dir, PRODUCTION, "DEBUG", *SECURITY)

    assert found == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
    }


@pytest.mark.parametrize(
    ("switch", "off"),
    [
        ("SECURE_SSL_REDIRECT", False),
        ("SESSION_COOKIE_SECURE", False),
        ("CSRF_COOKIE_SECURE", False),
        ("SECURE_HSTS_SECONDS", 0),
    ],
)
def test_each_plain_http_switch_turns_only_its_setting_off(data_dir, switch, off):
    found = _settings(data_dir, {**PRODUCTION, switch: "0"}, *SECURITY[:4])

    assert found[switch] == off
    others = {name: value for name, value in found.items() if name != switch}
    assert all(others.values()), others


def test_debug_needs_no_https(data_dir):
    found = _settings(data_dir, {"DEBUG": "1"}, *SECURITY)

    assert not any(found.values()), found


def test_behind_a_tls_proxy_the_forwarded_scheme_is_trusted(data_dir):
    assert _settings(data_dir, {}, "SECURE_PROXY_SSL_HEADER") == {"SECURE_PROXY_SSL_HEADER": None}
    assert _settings(data_dir, {"BEHIND_TLS_PROXY": "1"}, "SECURE_PROXY_SSL_HEADER") == {
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"]
    }


def test_hosts_and_origins_come_from_the_environment(data_dir):
    found = _settings(
        data_dir,
        {
            "ALLOWED_HOSTS": "news.example.org,www.news.example.org",
            "CSRF_TRUSTED_ORIGINS": "https://news.example.org",
            "SITE_URL": "https://news.example.org/",
            "SITE_NAME": "The Valley Times",
        },
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "SITE_URL",
        "SITE_NAME",
    )

    assert found == {
        "ALLOWED_HOSTS": ["news.example.org", "www.news.example.org"],
        "CSRF_TRUSTED_ORIGINS": ["https://news.example.org"],
        "SITE_URL": "https://news.example.org",
        "SITE_NAME": "The Valley Times",
    }


# --- The secret key ----------------------------------------------------------------------------


def test_secret_key_is_generated_into_the_data_dir_privately_and_reused(data_dir):
    first = _settings(data_dir, {}, "SECRET_KEY")["SECRET_KEY"]
    key_file = data_dir / "secret_key"

    assert key_file.read_text().strip() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first) >= 50
    assert _settings(data_dir, {}, "SECRET_KEY")["SECRET_KEY"] == first
    assert [p.name for p in data_dir.iterdir() if "secret" in p.name] == ["secret_key"]  # no leftovers


def test_workers_starting_together_agree_on_one_generated_key(data_dir):
    with ThreadPoolExecutor(max_workers=6) as pool:
        keys = list(pool.map(lambda _: _settings(data_dir, {}, "SECRET_KEY")["SECRET_KEY"], range(6)))

    assert len(set(keys)) == 1
    assert (data_dir / "secret_key").read_text().strip() == keys[0]


def test_secret_key_from_the_environment_wins_and_nothing_is_written(data_dir):
    assert _settings(data_dir, {"SECRET_KEY": "k" * 60}, "SECRET_KEY") == {"SECRET_KEY": "k" * 60}
    assert not (data_dir / "secret_key").exists()


# --- Pluggable backends -------------------------------------------------------------------------


def test_sqlite_in_the_data_dir_by_default(data_dir):
    database = _settings(data_dir, {}, "DATABASES")["DATABASES"]["default"]

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(data_dir / "masthead.sqlite3")
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_database_url_selects_postgresql(data_dir):
    env = {"DATABASE_URL": "postgres://news:pw@db.example.org:5433/newsroom"}
    database = _settings(data_dir, env, "DATABASES")["DATABASES"]["default"]

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["USER"], database["HOST"], database["PORT"]) == (
        "newsroom",
        "news",
        "db.example.org",
        5433,
    )
    assert (database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"]) == (60, True)
    assert "pool" not in database.get("OPTIONS", {})


def test_database_pool_replaces_persistent_connections(data_dir):
    env = {
        "DATABASE_URL": "postgres://news:pw@db.example.org/newsroom",
        "DATABASE_POOL": "1",
        "DATABASE_POOL_MAX": "20",
    }
    database = _settings(data_dir, env, "DATABASES")["DATABASES"]["default"]

    # A request waits 5 s for a connection, not psycopg's 30, while the database is down.
    assert database["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 20, "timeout": 5.0}
    assert database.get("CONN_MAX_AGE", 0) == 0  # Django refuses a pool with persistent connections
    assert database["CONN_HEALTH_CHECKS"] is True  # each connection checked as it leaves the pool


def test_local_memory_cache_by_default_and_redis_when_configured(data_dir):
    local = _settings(data_dir, {}, "CACHES")["CACHES"]["default"]
    redis = _settings(
        data_dir, {"REDIS_URL": "redis://cache.example.org:6379/2", "CACHE_KEY_PREFIX": "valley"}, "CACHES"
    )["CACHES"]["default"]

    assert local["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert redis == {
        "BACKEND": "masthead.core.cache.ResilientRedisCache",  # RedisCache that survives an outage
        "LOCATION": "redis://cache.example.org:6379/2",
        "KEY_PREFIX": "valley",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
    }


def test_email_to_files_by_default(data_dir):
    mailer = _settings(data_dir, {}, "MAILERS")["MAILERS"]["default"]

    assert mailer == {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": str(data_dir / "mail")},
    }


@pytest.mark.parametrize(
    ("url", "options"),
    [
        (
            "smtp://newsroom:app-password@mail.example.org:587/?tls=True",
            {"host": "mail.example.org", "port": 587, "username": "newsroom", "password": "app-password",
             "use_tls": True, "use_ssl": False},
        ),
        (
            "smtp+ssl://mail.example.org:465",
            {"host": "mail.example.org", "port": 465, "username": None, "password": None,
             "use_tls": False, "use_ssl": True},
        ),
        (
            "smtp://relay.internal:25/?tls=False",
            {"host": "relay.internal", "port": 25, "username": None, "password": None,
             "use_tls": False, "use_ssl": False},
        ),
        (
            "smtps://u:p@mail.example.org:587",  # django-environ's smtps:// is STARTTLS
            {"host": "mail.example.org", "port": 587, "username": "u", "password": "p",
             "use_tls": True, "use_ssl": False},
        ),
    ],
)  # fmt: skip
def test_email_url_selects_smtp(data_dir, url, options):
    mailer = _settings(data_dir, {"EMAIL_URL": url}, "MAILERS")["MAILERS"]["default"]

    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert mailer["OPTIONS"] == {**options, "timeout": 10}


def test_email_url_console(data_dir):
    mailer = _settings(data_dir, {"EMAIL_URL": "consolemail://"}, "MAILERS")["MAILERS"]["default"]

    assert mailer == {"BACKEND": "django.core.mail.backends.console.EmailBackend", "OPTIONS": {}}


def test_tasks_use_the_database_backend_by_default(data_dir):
    assert _settings(data_dir, {}, "TASKS")["TASKS"] == {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend"}
    }
