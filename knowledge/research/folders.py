"""Which files ingest reads from the paths it is given: folders are walked in a stable order,
hidden files and folders inside them are left out, and symbolic links that cannot be read as a
file (a loop, a dangling link, a link to a folder) are reported with the reason instead of
vanishing from the summary."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Found:
    path: Path
    explicit: bool  # named on the command line (or uploaded), not found in a folder
    skip: str | None = None  # why it is not read, when it is not


def shown(path: Path) -> str:
    """The path as text that can be stored and printed: bytes of a file name that are not UTF-8
    (kept by the OS as surrogates) become U+FFFD."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def link_problem(path: Path) -> str | None:
    """Why a symbolic link cannot be ingested as a file, or None when it can (or is no link)."""
    if not path.is_symlink():
        return None
    try:
        target = path.resolve(strict=True)
    except RuntimeError:  # Python 3.11 reports a loop this way
        return "symbolic link loop; not followed"
    except FileNotFoundError:
        return "dangling symbolic link: its target does not exist"
    except OSError as exc:
        if "loop" in str(exc).lower() or exc.errno == 40:  # ELOOP
            return "symbolic link loop; not followed"
        return f"symbolic link cannot be followed: {exc.strerror or exc}"
    if target.is_dir():
        return "symbolic link to a folder; not followed (name the folder itself)"
    return None


def walk(paths: Iterable[Path]) -> Iterator[Found]:
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path).parts
                if any(p.startswith(".") for p in rel):
                    continue
                problem = link_problem(child)
                if problem is not None:
                    yield Found(child, False, problem)
                elif child.is_file():
                    yield Found(child, False)
        elif path.is_dir():  # a link to a folder named explicitly is followed
            yield from walk([path.resolve()])
        else:
            yield Found(path, True)
