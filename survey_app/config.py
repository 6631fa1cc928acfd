"""Settings read from the environment when the app is created, never at import time.

Every setting has a default that runs with no configuration at all: a SQLite file under
``instance/`` and a random secret key persisted there on first start.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

ENV_PREFIX = "SURVEY_"


def _instance_dir() -> Path:
    path = Path(os.environ.get("SURVEY_INSTANCE_DIR", Path.cwd() / "instance"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _secret_key(instance: Path) -> str:
    """Use SURVEY_SECRET_KEY, or a random key kept in instance/secret_key (mode 0600).

    Workers started together on a fresh instance folder agree on one key: the first to link
    its file into place wins and every other one reads the winner's key.
    """
    configured = os.environ.get("SURVEY_SECRET_KEY")
    if configured:
        return configured
    key_file = instance / "secret_key"
    if not key_file.exists():
        create_file_once(key_file, secrets.token_urlsafe(48).encode())
    key = key_file.read_text().strip()
    if not key:
        raise RuntimeError(
            f"{key_file} is empty: delete it (a new key is made on the next "
            "start) or set SURVEY_SECRET_KEY"
        )
    return key


def create_file_once(path: Path, content: bytes) -> bool:
    """Create ``path`` holding ``content`` (mode 0600) unless it exists; True if this call did.

    The content goes to a temporary file of this process in the same folder, is synced to
    disk, then hard-linked to ``path``: linking fails if ``path`` exists, so of processes
    racing here exactly one creates it, and nobody ever sees it empty or half written.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:  # mkstemp creates it with mode 0600
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        _sync_folder(path.parent)
        return True
    finally:
        os.unlink(tmp)


def _sync_folder(folder: Path) -> None:
    """Make a new directory entry durable (a crash right after start keeps the key)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Documented in README.md, section "Settings"."""

    database_url: str
    secret_key: str
    instance_dir: Path
    secure_cookies: bool = False
    max_upload_mb: int = 10
    max_list_rows: int = 100_000
    upload_parse_seconds: float = 20.0
    upload_parse_mb: int = 2048
    ratelimit_storage_uri: str = "memory://"
    login_rate_limit: str = "10 per minute"
    respondent_rate_limit: str = "120 per minute"
    trusted_proxies: int = 0
    default_locale: str = "vi"
    public_base_url: str = "http://127.0.0.1:5000"
    link_key: str | None = None
    job_runner: str = "thread"
    results_cache_campaigns: int = 3
    results_cache_mb: int = 1500
    evidence_max_mb: int = 20
    hotline: str = ""
    """The number printed on letters to check them, get help or answer by phone."""
    evidence_dir: Path | None = None
    """Where evidence files are kept (None: ``instance_dir/evidence``)."""

    @property
    def evidence_root(self) -> Path:
        return self.evidence_dir or self.instance_dir / "evidence"

    @classmethod
    def from_env(cls) -> Settings:
        """Read DATABASE_URL and the SURVEY_* variables."""
        instance = _instance_dir()
        default_db = f"sqlite:///{instance / 'survey.db'}"
        return cls(
            database_url=_normalise_db_url(os.environ.get("DATABASE_URL", default_db)),
            secret_key=_secret_key(instance),
            instance_dir=instance,
            secure_cookies=_bool("SURVEY_SECURE_COOKIES", False),
            max_upload_mb=int(os.environ.get("SURVEY_MAX_UPLOAD_MB", "10")),
            max_list_rows=int(os.environ.get("SURVEY_MAX_LIST_ROWS", "100000")),
            upload_parse_seconds=float(os.environ.get("SURVEY_UPLOAD_PARSE_SECONDS", "20")),
            upload_parse_mb=int(os.environ.get("SURVEY_UPLOAD_PARSE_MB", "2048")),
            ratelimit_storage_uri=_ratelimit_storage_uri(),
            login_rate_limit=os.environ.get("SURVEY_LOGIN_RATE_LIMIT", "10 per minute"),
            respondent_rate_limit=os.environ.get("SURVEY_RESPONDENT_RATE_LIMIT", "120 per minute"),
            trusted_proxies=int(os.environ.get("SURVEY_TRUSTED_PROXIES", "0")),
            default_locale=os.environ.get("SURVEY_DEFAULT_LOCALE", "vi"),
            public_base_url=os.environ.get("SURVEY_PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
            link_key=os.environ.get("SURVEY_LINK_KEY") or None,
            job_runner=os.environ.get("SURVEY_JOB_RUNNER", "thread"),
            results_cache_campaigns=int(os.environ.get("SURVEY_RESULTS_CACHE_CAMPAIGNS", "3")),
            results_cache_mb=int(os.environ.get("SURVEY_RESULTS_CACHE_MB", "1500")),
            evidence_max_mb=int(os.environ.get("SURVEY_EVIDENCE_MAX_MB", "20")),
            hotline=os.environ.get("SURVEY_HOTLINE", "").strip()[:40],
            evidence_dir=Path(os.environ["SURVEY_EVIDENCE_DIR"])
            if os.environ.get("SURVEY_EVIDENCE_DIR")
            else None,
        )


def _ratelimit_storage_uri() -> str:
    """SURVEY_RATELIMIT_STORAGE_URI, else the shared Redis when one is configured
    (SURVEY_REDIS_URL, then REDIS_URL), else ``memory://`` (counts per worker process)."""
    for name in ("SURVEY_RATELIMIT_STORAGE_URI", "SURVEY_REDIS_URL", "REDIS_URL"):
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return "memory://"


def _normalise_db_url(url: str) -> str:
    """Accept the postgres:// and postgresql:// forms hosting providers print."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
