"""``copsim demo``: serve the trainer app with Solara, on this machine, with no internet.

Three things would otherwise reach out to the internet: the browser page's front-end
assets (Solara fetches them from a CDN unless ``solara-assets`` has put them on disk, which
the ``viz`` extra installs), Solara's check for a newer release on PyPI, and its usage
telemetry. The first is served locally; the other two are switched off here.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import os
import socket
import warnings

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
APP = "copsim.viz.app"

OFFLINE_ENV = {
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    # Solara's "Made with Solara" badge sits over the dashboard's bottom-right corner at
    # 1366x768 (solara.server.settings.ThemeSettings.show_banner).
    "SOLARA_THEME_SHOW_BANNER": "False",
}
"""Environment set before Solara is imported: it never phones home, and shows no badge."""


VIZ_MODULES = ("solara", "solara_assets", "altair", "ipyvue", "ipyvuetify")
"""What the ``viz`` extra brings (besides Mesa itself)."""


def missing_packages() -> list[str]:
    """The modules of the ``viz`` extra that are not installed."""
    return [name for name in VIZ_MODULES if importlib.util.find_spec(name) is None]


def front_end_problem() -> str | None:
    """Why the page would render empty, if it would (ipyvuetify 2+: mesa issue 3806)."""
    from importlib.metadata import version

    major = int(version("ipyvuetify").split(".")[0])
    if major >= 2:
        return (
            f"ipyvuetify {version('ipyvuetify')} is installed: SolaraViz shows an empty main "
            "pane with it (mesa issue 3806); pip install 'ipyvue<2' 'ipyvuetify<2'"
        )
    return None


def check_host(host: str) -> str | None:
    """Check ``--host``; return a warning if it serves beyond this machine.

    Raises:
        UsageError: If ``host`` is not an address or name this machine can listen on.
    """
    from copsim.errors import UsageError

    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as err:
        why = getattr(err, "strerror", None) or type(err).__name__
        raise UsageError(
            f"invalid value for --host: {host!r} ({why}; allowed: an address of this "
            f"machine, e.g. {DEFAULT_HOST})"
        ) from None
    # A name or address that resolves is not yet one this machine has (8.8.8.8): only an
    # address of its own can be listened on, whatever the port.
    problems = [_bind_problem(info[0], info[4][0]) for info in infos]
    if all(problems):
        raise UsageError(
            f"invalid value for --host: {host!r} (not an address of this machine: "
            f"{problems[0]}; allowed: an address of this machine, e.g. {DEFAULT_HOST})"
        )
    addresses = {ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos}
    if all(a.is_loopback for a in addresses):
        return None
    return (
        f"--host {host} serves the demo to other machines, and it has no authentication: "
        "anyone who can reach this port can use it"
    )


def _bind_problem(family: socket.AddressFamily, address: str, port: int = 0) -> str | None:
    """Why ``address`` (of ``family``) could not be listened on at ``port``, if it could not."""
    try:
        with socket.create_server((address, port), family=family):
            return None
    except OSError as err:  # create_server adds the address to strerror; the user gave it
        return os.strerror(err.errno) if err.errno else str(err)


def port_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on ``host:port``, if it could not (say, in use).

    ``host`` has passed :func:`check_host`; its address family is the one it resolves to
    (IPv6 for ``::1``, which an IPv4 socket would not take).
    """
    if port == 0:
        return None
    family, *_, sockaddr = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)[0]
    why = _bind_problem(family, sockaddr[0], port)
    return why and f"cannot listen on {host}:{port} ({why}); choose another --port"


def solara_args(host: str, port: int, open_browser: bool) -> list[str]:
    """The ``solara run`` arguments of the demo."""
    return [
        "run",
        APP,
        "--host",
        host,
        "--port",
        str(port),
        "--production",  # no auto-restart, minified front end
        "--no-check-version",  # would ask PyPI
        "--no-access-log",
        "--open" if open_browser else "--no-open",
    ]


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, open_browser: bool = True) -> None:
    """Run the demo's server until interrupted (Ctrl-C).

    Raises:
        RuntimeError: When the ``viz`` extra is not installed.
    """
    missing = missing_packages()
    if missing:
        raise RuntimeError(f"the demo needs {', '.join(missing)}: pip install 'copsim[viz]'")
    problem = front_end_problem() or port_problem(host, port)
    if problem:
        raise RuntimeError(problem)
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    # Solara would like a cookie any site may send (samesite=none, for pages embedded in
    # another site's iframe), which needs https; over the demo's http it falls back to
    # samesite=lax, right for a page nobody embeds, and warns in 12 lines on first load.
    warnings.filterwarnings(
        "ignore", message="Cookies with samesite=none require https", category=UserWarning
    )
    from solara.__main__ import cli

    cli.main(args=solara_args(host, port, open_browser), prog_name="copsim demo")
