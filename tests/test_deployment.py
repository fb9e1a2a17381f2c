"""The production compose file: only gunicorn is published, and on loopback unless WEB_BIND says
otherwise. With TRUSTED_PROXY_COUNT=1 the portal believes the last X-Forwarded-For entry; a client
reaching gunicorn directly writes that entry itself, so no one but the proxy may reach it (README,
"Security")."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def _with_defaults(text: str) -> str:
    """Compose's ${NAME:-default} with nothing set in the environment."""
    return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", text)


def test_only_the_web_service_publishes_a_port_and_on_loopback():
    services = _compose()["services"]
    published = {name: service["ports"] for name, service in services.items() if "ports" in service}
    assert list(published) == ["web"]
    for entry in published["web"]:
        host, host_port, container_port = _with_defaults(entry).rsplit(":", 2)
        assert ipaddress.ip_address(host).is_loopback, entry
        assert (host_port, container_port) == ("8000", "8000")


def test_no_service_shares_the_hosts_network():
    for name, service in _compose()["services"].items():
        assert service.get("network_mode") != "host", name


def test_the_readme_warns_that_a_published_gunicorn_makes_the_address_spoofable():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    security = readme[readme.index("### Security") :]
    for words in ("X-Forwarded-For", "TRUSTED_PROXY_COUNT", "WEB_BIND", "127.0.0.1"):
        assert words in security
