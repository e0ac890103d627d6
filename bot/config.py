"""Settings: defaults, then a YAML config file, then environment variables, then flags.

With no config file at all the engine works on the shipped data/ and keeps its index in
the user's cache folder. Every setting is documented in config.example.yaml.

Only a config the bot was pointed at is read (--config, $UYGHUR_BOT_CONFIG) or the one in its
own folder ($XDG_CONFIG_HOME/uyghur-responses-bot/config.yaml): never a ./config.yaml that
happens to be in the current folder, which may belong to another program.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field, fields
from pathlib import Path

APP = "uyghur-responses-bot"
REPO_DATA = Path(__file__).resolve().parent.parent / "data"
ENV = {  # setting -> environment variable
    "config": "UYGHUR_BOT_CONFIG", "data_dir": "UYGHUR_BOT_DATA", "database": "UYGHUR_BOT_DB",
    "log_level": "UYGHUR_BOT_LOG_LEVEL", "api_base": "DISCORD_API_BASE", "gateway_url": "DISCORD_GATEWAY_URL",
}
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(Exception):
    pass


def _shipped_data() -> Path:
    return REPO_DATA if REPO_DATA.is_dir() else Path("data")


@dataclass
class Settings:
    data_dir: Path = field(default_factory=_shipped_data)
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
        return cache / APP / f"index-{tag}.db"

    @property
    def log_path(self) -> Path:
        """Where tracebacks go: the configured file, or bot.log beside the index."""
        return Path(self.log_file) if self.log_file else self.db_path.parent / "bot.log"

    def discord_token(self) -> str | None:
        return os.environ.get(self.token_env) or self.token


def default_config() -> Path:
    """The bot's own config file, read when no other is named."""
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / APP / "config.yaml"


_PATHS = {"data_dir", "database", "log_file"}
_TEXT = {"log_level", "token_env", "token", "api_base", "gateway_url"}
_INT_LISTS = {"answer_channels", "moderator_roles", "owner_ids", "shard_ids"}
_INTS = {"max_records": 1, "shard_count": 1, "audit_channel": 0,          # setting -> least value
         "answer_threads": 1, "picture_processes": 0}
_SECONDS = {"user_cooldown_seconds": 0.0, "page_timeout_seconds": 1.0, "answer_wait_seconds": 0.1,
            "picture_wait_seconds": 0.1, "shutdown_seconds": 0.0, "health_seconds": 1.0}
_BOOLS = {"message_content_intent"}


def _whole(value) -> int:
    """An int from YAML or the environment; True, 2.5 and "ten" are not whole numbers."""
    if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
        raise ValueError
    return int(value)


def _coerce(name: str, value, base: Path | None):
    """The typed value of one setting; ``base`` is the folder relative paths start from
    (the config file's folder), None to keep them as given (flags and the environment)."""
    if value is None or value == "":
        return getattr(Settings(), name)  # an empty setting means its default
    if name in _PATHS | _TEXT and isinstance(value, (list, dict, bool)):
        raise ConfigError(f"{name}: expected {'a path' if name in _PATHS else 'text'}, got {value!r}")
    if name in _PATHS:
        p = Path(os.path.expanduser(str(value)))
        return p if p.is_absolute() or base is None else base / p
    if name == "log_level":
        if str(value).upper() not in LOG_LEVELS:
            raise ConfigError(f"log_level: {value!r} is not a log level (one of {', '.join(LOG_LEVELS)})")
        return str(value).upper()
    if name in _INT_LISTS:
        if isinstance(value, (int, str)) and not isinstance(value, bool):
            value = [value]
        try:
            if not isinstance(value, list):
                raise ValueError
            return [_whole(v) for v in value]
        except (TypeError, ValueError):
            raise ConfigError(f"{name}: expected a list of ids, got {value!r}") from None
    if name in _INTS:
        try:
            n = _whole(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{name}: expected a whole number, got {value!r}") from None
        if n < _INTS[name]:
            raise ConfigError(f"{name}: expected at least {_INTS[name]}, got {n}")
        return n
    if name in _SECONDS:
        try:
            if isinstance(value, bool):
                raise ValueError
            s = float(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{name}: expected a number of seconds, got {value!r}") from None
        if not s >= _SECONDS[name]:
            raise ConfigError(f"{name}: expected at least {_SECONDS[name]:g} seconds, got {value!r}")
        return s
    if name in _BOOLS:
        if isinstance(value, bool):
            return value
        if str(value).strip().lower() in ("1", "true", "yes", "on"):
            return True
        if str(value).strip().lower() in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{name}: expected true or false, got {value!r}")
    return str(value)


def _read_config(path: Path) -> dict[str, tuple[object, int]]:
    """setting -> (raw value, line) from a YAML config file; problems named with file and line."""
    import yaml  # only when there is a file: keeps `ask` start-up lean

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)   # nodes keep their line numbers
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ConfigError(f"{where}: not valid YAML ({getattr(exc, 'problem', None) or exc})") from None
    if node is None or raw is None:
        return {}
    if not isinstance(node, yaml.MappingNode) or not isinstance(raw, dict):
        raise ConfigError(f"{path}:{node.start_mark.line + 1}: the config must be a mapping of settings")
    names = {f.name for f in fields(Settings)}
    out: dict[str, tuple[object, int]] = {}
    for key_node, _ in node.value:
        key, line = key_node.value, key_node.start_mark.line + 1
        if key not in names:
            raise ConfigError(f"{path}:{line}: unknown setting {key!r} (the settings are in config.example.yaml)")
        if key in out:
            raise ConfigError(f"{path}:{line}: {key!r} is set twice (first on line {out[key][1]})")
        out[key] = (raw[key], line)
    return out


def load_settings(config: str | None = None, **overrides) -> Settings:
    """Settings from the config file (if any), the environment, then explicit overrides."""
    s = Settings()
    path = config or os.environ.get(ENV["config"])
    if not path and default_config().is_file():
        path = str(default_config())
    if path:
        p = Path(path)
        for key, (value, line) in _read_config(p).items():
            try:
                setattr(s, key, _coerce(key, value, p.parent))   # relative paths: from the file's folder
            except ConfigError as exc:
                raise ConfigError(f"{p}:{line}: {exc}") from None
    for key, var in ENV.items():
        if key != "config" and os.environ.get(var):
            try:
                setattr(s, key, _coerce(key, os.environ[var], None))
            except ConfigError as exc:
                raise ConfigError(f"${var}: {exc}") from None
    for key, value in overrides.items():
        if value is not None:
            setattr(s, key, _coerce(key, value, None))
    return s
