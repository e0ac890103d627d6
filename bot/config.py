"""Settings: defaults, then a YAML config file, then environment variables, then flags.

With no config file at all the engine works on the shipped data/ and keeps its index in
the user's cache folder. Every setting is documented in config.example.yaml.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field, fields
from pathlib import Path

REPO_DATA = Path(__file__).resolve().parent.parent / "data"
ENV = {  # setting -> environment variable
    "config": "UYGHUR_BOT_CONFIG", "data_dir": "UYGHUR_BOT_DATA", "database": "UYGHUR_BOT_DB",
    "log_level": "UYGHUR_BOT_LOG_LEVEL", "api_base": "DISCORD_API_BASE", "gateway_url": "DISCORD_GATEWAY_URL",
}


class ConfigError(Exception):
    pass


@dataclass
class Settings:
    data_dir: Path = field(default_factory=lambda: REPO_DATA if REPO_DATA.is_dir() else Path("data"))
    database: Path | None = None          # None: <cache>/uyghur-responses-bot/index-<hash of data_dir>.db
    max_records: int = 50
    log_level: str = "INFO"
    log_file: Path | None = None
    # Discord
    token_env: str = "DISCORD_TOKEN"
    token: str | None = None
    api_base: str | None = None           # e.g. a nirn-proxy in front of https://discord.com/api/v10
    gateway_url: str | None = None        # e.g. a gateway proxy; default: what Discord says
    shard_count: int | None = None
    shard_ids: list[int] | None = None
    answer_channels: list[int] = field(default_factory=list)
    moderator_roles: list[int] = field(default_factory=list)
    audit_channel: int | None = None
    user_cooldown_seconds: float = 10.0
    owner_ids: list[int] = field(default_factory=list)
    message_content_intent: bool = False  # privileged: needed for plain questions in answer_channels
    page_timeout_seconds: float = 600.0   # ignored: answer buttons no longer expire (kept so old configs load)
    # Load (bot/discord_adapter/lanes.py, flights.py, health.py)
    answer_threads: int | None = None     # threads answering questions; empty: one less than the cores, at least 1
    picture_processes: int | None = None  # processes drawing pictures; empty: half the cores, at least 1; 0: a thread
    answer_wait_seconds: float = 10.0     # "busy" when the answers queued ahead would take longer than this
    picture_wait_seconds: float = 4.0     # the same for pictures
    shutdown_seconds: float = 8.0         # on SIGTERM/SIGINT, how long work in flight may take to finish
    health_seconds: float = 60.0          # one health line in the log this often, while busy

    @property
    def db_path(self) -> Path:
        if self.database:
            return Path(self.database)
        cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        tag = hashlib.sha256(str(Path(self.data_dir).resolve()).encode()).hexdigest()[:12]
        return cache / "uyghur-responses-bot" / f"index-{tag}.db"

    def discord_token(self) -> str | None:
        return os.environ.get(self.token_env) or self.token


_PATHS = {"data_dir", "database", "log_file"}
_INT_LISTS = {"answer_channels", "moderator_roles", "owner_ids", "shard_ids"}
_BOOLS = {"message_content_intent"}


def _coerce(name: str, value, base: Path):
    if value is None or value == "":
        return getattr(Settings(), name)  # an empty setting means its default
    if name in _PATHS:
        p = Path(os.path.expanduser(str(value)))
        return p if p.is_absolute() else base / p
    if name in _INT_LISTS:
        if isinstance(value, (int, str)):
            value = [value]
        try:
            return [int(v) for v in value]
        except (TypeError, ValueError):
            raise ConfigError(f"{name}: expected a list of ids, got {value!r}") from None
    if name in ("max_records", "shard_count", "audit_channel", "answer_threads", "picture_processes"):
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{name}: expected a whole number, got {value!r}") from None
    if name in ("user_cooldown_seconds", "page_timeout_seconds", "answer_wait_seconds", "picture_wait_seconds",
                "shutdown_seconds", "health_seconds"):
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{name}: expected a number of seconds, got {value!r}") from None
    if name in _BOOLS:
        if isinstance(value, bool):
            return value
        if str(value).strip().lower() in ("1", "true", "yes", "on"):
            return True
        if str(value).strip().lower() in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{name}: expected true or false, got {value!r}")
    return str(value)


def load_settings(config: str | None = None, **overrides) -> Settings:
    """Settings from the config file (if any), the environment, then explicit overrides."""
    s = Settings()
    path = config or os.environ.get(ENV["config"])
    if not path and Path("config.yaml").exists():
        path = "config.yaml"
    names = {f.name for f in fields(Settings)}
    if path:
        import yaml  # only when there is a file: keeps `ask` start-up lean

        p = Path(path)
        try:
            raw = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        except OSError as exc:
            raise ConfigError(f"cannot read config {p}: {exc.strerror}") from None
        except yaml.YAMLError as exc:
            raise ConfigError(f"config {p} is not valid YAML: {exc}") from None
        if not isinstance(raw, dict):
            raise ConfigError(f"config {p} must be a mapping of settings")
        for key, value in raw.items():
            if key not in names:
                raise ConfigError(f"config {p}: unknown setting {key!r}")
            setattr(s, key, _coerce(key, value, p.resolve().parent))
    for key, var in ENV.items():
        if key in names and os.environ.get(var):
            setattr(s, key, _coerce(key, os.environ[var], Path.cwd()))
    for key, value in overrides.items():
        if value is not None:
            setattr(s, key, _coerce(key, value, Path.cwd()))
    return s
