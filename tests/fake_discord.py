"""Entry point for the fake Discord used by the tests; the code lives in tests/fakediscord/."""

try:  # tests/ imported as a package
    from .fakediscord import *  # noqa: F401,F403
    from .fakediscord import __all__  # noqa: F401
except ImportError:  # tests/ on sys.path (pytest's default rootdir-less import mode)
    from fakediscord import *  # type: ignore[no-redef]  # noqa: F401,F403
    from fakediscord import __all__  # type: ignore[no-redef]  # noqa: F401
