"""The one loader for claimwatch's data files (this folder's word lists, rules and models, or a user's own).

Every reader here names the file, and the line where it can, in a ``DataFileError``; every parsed file is cached
once per process, keyed by its path and modification time, so a component built twice shares one copy and an
edited file is read again. Packaged files carry their language and version in their name (``cues.en.v1.jsonl``):
a file whose meaning changes gets a new name rather than an edit in place.
"""
from __future__ import annotations

import json
import re
import shutil
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, TypeVar, Union

from ..errors import DataFileError

PACKAGE = "claimwatch.resources"
MANIFEST = "files.json"  # what to_disk writes beside the copied files: config key -> file name
_VERSIONED = re.compile(r"\.v\d+\.[A-Za-z0-9]+$")

DataPath = Union[str, Path]
T = TypeVar("T")


def packaged(name: str) -> Path:
    """The packaged data file ``name``, which must carry a version (``places.en.v1.yaml``)."""
    if not _VERSIONED.search(name):
        raise ValueError(f"{name}: packaged data file names carry a version, e.g. cues.en.v1.jsonl")
    return Path(str(resources.files(PACKAGE).joinpath(name)))


def data_path(path: Optional[DataPath], default: str) -> Path:
    """A component's configured file, else the packaged ``default``."""
    return Path(path) if path else packaged(default)


def read_text(path: DataPath) -> str:
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataFileError(f"{p}: data file not found") from None
    except UnicodeDecodeError as exc:
        line = p.read_bytes()[: exc.start].count(b"\n") + 1
        raise DataFileError(f"{p}:{line}: not UTF-8 ({exc.reason})") from None
    except OSError as exc:
        raise DataFileError(f"{p}: cannot read data file ({exc.strerror})") from None


def read_lines(path: DataPath, inline_comments: bool = True) -> list[tuple[int, str]]:
    """(line number, stripped text) of each line that is not blank once a ``#`` comment is cut off.

    With ``inline_comments=False`` only whole lines starting with ``#`` are comments (for files of regexes).
    """
    out = []
    for n, line in enumerate(read_text(path).splitlines(), 1):
        line = line.split("#", 1)[0].strip() if inline_comments else line.strip()
        if line and not line.startswith("#"):
            out.append((n, line))
    return out


def read_json(path: DataPath) -> Any:
    try:
        return json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise DataFileError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None


def read_json_as(path: DataPath, build: Callable[[Any], T], expected: str) -> T:
    """``build`` applied to the JSON in ``path``; a missing or mistyped field is an error saying what was expected."""
    data = read_json(path)
    try:
        return build(data)
    except (AttributeError, IndexError, KeyError, TypeError, ValueError) as exc:
        raise DataFileError(f"{path}: expected {expected} ({type(exc).__name__}: {exc})") from None


def read_jsonl(path: DataPath) -> list[tuple[int, Any]]:
    """(line number, record) of each line that is neither blank nor a ``#`` comment."""
    out = []
    for n, line in enumerate(read_text(path).splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            out.append((n, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise DataFileError(f"{path}:{n}: not valid JSON: {exc.msg}") from None
    return out


def read_yaml(path: DataPath) -> Any:
    """The YAML document in ``path``; every mapping records the line it starts on as ``__line__``."""
    return parse_yaml(read_text(path), str(path))


def parse_yaml(text: str, label: str) -> Any:
    import yaml

    # The C loader when libyaml is there (several times faster); both record where each mapping starts.
    class LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        pass

    def mapping(loader: Any, node: Any) -> dict:
        out = loader.construct_mapping(node, deep=True)
        out["__line__"] = node.start_mark.line + 1
        return out

    LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    try:
        return yaml.load(text, Loader=LineLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else "?"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DataFileError(f"{label}:{line}: not valid YAML: {problem}") from None


def cached(parse: Callable[..., T], *paths: DataPath) -> T:
    """``parse(*paths)``, computed once per version of those files; callers treat the result as read-only."""
    key = []
    for path in map(Path, paths):
        try:
            stat = path.stat()
        except OSError:
            return parse(*map(Path, paths))  # the parser's own read reports the missing file
        key.append((path, stat.st_mtime_ns, stat.st_size))
    return _cached(parse, tuple(key))


@lru_cache(maxsize=128)
def _cached(parse: Callable[..., Any], key: tuple[tuple[Path, int, int], ...]) -> Any:
    return parse(*(path for path, _, _ in key))


def save_files(directory: DataPath, files: Mapping[str, Optional[Path]]) -> None:
    """Copy a component's data files into ``directory`` with a manifest, so ``saved_files`` finds them again."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Optional[str]] = {}
    for key, path in files.items():
        if path is None:
            manifest[key] = None
            continue
        # The key keeps two files of the same name (a user's "actors.yaml" and ours) apart.
        name = f"{key}.{path.name}"
        shutil.copyfile(path, out / name)
        manifest[key] = name
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def saved_files(directory: DataPath) -> dict[str, Optional[Path]]:
    """The files ``save_files`` wrote to ``directory``, by config key."""
    d = Path(directory)
    manifest = read_json(d / MANIFEST)
    if not isinstance(manifest, dict):
        raise DataFileError(f"{d / MANIFEST}:1: expected a mapping of config keys to file names")
    return {key: (d / name if name else None) for key, name in manifest.items()}
