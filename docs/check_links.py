"""Check every link inside the built site: each local target exists, each #anchor is there.

Usage: ``python docs/check_links.py docs/_build/html``. Links to other sites are listed but
not fetched (the build is offline); exits 1 naming each broken link.
"""

from __future__ import annotations

import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src"):
                self.links.append(value)
            elif name in ("id", "name"):
                self.ids.add(value)


def _parse(path: Path, cache: dict[Path, _Links]) -> _Links:
    if path not in cache:
        parser = _Links()
        parser.feed(path.read_text(encoding="utf-8"))
        cache[path] = parser
    return cache[path]


def broken_links(site: Path) -> tuple[list[str], int, int]:
    """Return the broken links, and how many local and outside links were seen."""
    cache: dict[Path, _Links] = {}
    broken, local, outside = [], 0, 0
    for page in sorted(site.rglob("*.html")):
        for link in _parse(page, cache).links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                outside += parts.scheme in ("http", "https")
                continue
            local += 1
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(site)}: {link} (no such file)")
            elif (
                parts.fragment
                and target.suffix == ".html"
                and unquote(parts.fragment) not in _parse(target, cache).ids
            ):
                broken.append(f"{page.relative_to(site)}: {link} (no such anchor)")
    return broken, local, outside


def main() -> int:
    """Check the site named on the command line; return the exit status."""
    site = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/_build/html")
    if not (site / "index.html").exists():
        print(f"{site} holds no built site: run make docs", file=sys.stderr)
        return 1
    broken, local, outside = broken_links(site)
    for line in broken:
        print(line, file=sys.stderr)
    print(f"{local} links inside the site checked, {len(broken)} broken; {outside} to other sites")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
