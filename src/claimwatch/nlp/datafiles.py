"""What every claimwatch component built from data files shares: reading them, saving them and loading them back."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Union

from spacy.language import Language
from spacy.tokens import Doc

from ..errors import ClaimwatchError
from ..resources import data_path, save_files, saved_files

Files = dict[str, Optional[Path]]


class DataFileComponent:
    """A component whose state is read from the data files in ``self.files`` (config key -> path).

    As in spaCy's own rule components, building one only notes its files: ``initialize`` reads them (``load_nlp``
    calls it; so does the first Doc otherwise), ``to_disk`` copies them into the component's folder and
    ``from_disk`` reads those copies, so ``nlp.to_disk(dir)`` then ``spacy.load(dir)`` runs on the same data even
    where the original files (a user's actor file, an edited lexicon) are gone.
    """

    files: Files
    # Config key -> the packaged file used when the key is None; a key mapped to None is optional (no default).
    DEFAULT_FILES: dict[str, Optional[str]] = {}
    # The factory of an earlier component whose state this one reuses (``self.upstream``), if any.
    UPSTREAM: Optional[str] = None

    def __init__(self, nlp: Language, name: str, **paths: Optional[str]) -> None:
        """Note the files the config names (the packaged ones where a path is None); ``initialize`` reads them."""
        self.name = name
        self.vocab, self.tokenizer = nlp.vocab, nlp.tokenizer  # for phrase matchers over a data file's names
        self.upstream = upstream(nlp, self.UPSTREAM) if self.UPSTREAM else None
        self.ready = False
        self.files: Files = {}
        for key, default in self.DEFAULT_FILES.items():
            given = paths.pop(key, None)
            self.files[key] = data_path(given, default) if default else (Path(given) if given else None)
        if paths:
            raise TypeError(f"{type(self).__name__} has no data file setting {', '.join(sorted(paths))}")

    def initialize(self, get_examples: Optional[Callable] = None, *, nlp: Optional[Language] = None) -> None:
        """Read the configured files (``nlp.initialize`` passes ``get_examples`` and ``nlp``; neither is needed)."""
        self.use_files(self.files)

    def __call__(self, doc: Doc) -> Doc:
        if not self.ready:
            self.initialize()
        return self.process(doc)

    def process(self, doc: Doc) -> Doc:
        raise NotImplementedError

    def use_files(self, files: Files) -> None:
        if isinstance(self.upstream, DataFileComponent) and not self.upstream.ready:
            self.upstream.initialize()  # read() takes state from it
        self.read(files)
        self.files = files
        self.ready = True

    def read(self, files: Files) -> None:
        """Set the component's state from ``files`` (what ``__init__`` and ``from_disk`` share)."""
        raise NotImplementedError

    def phrase_matcher(self, label: str, phrases: Iterable[str]) -> Any:
        """A PhraseMatcher on exact text (ORTH) for ``phrases`` as this pipeline's tokenizer splits them."""
        from spacy.matcher import PhraseMatcher

        matcher = PhraseMatcher(self.vocab, attr="ORTH")
        matcher.add(label, [self.tokenizer(phrase) for phrase in phrases])
        return matcher

    def to_disk(self, path: Union[str, Path], *, exclude: Iterable[str] = ()) -> None:
        save_files(path, self.files)

    def from_disk(self, path: Union[str, Path], *, exclude: Iterable[str] = ()) -> "DataFileComponent":
        self.use_files(saved_files(path))
        return self


def require_before(nlp: Language, name: str, needed: Iterable[str]) -> None:
    """Raise unless components from every factory in ``needed`` are already in ``nlp``: ``name`` reads what they set."""
    present = {nlp.get_pipe_meta(n).factory for n in nlp.component_names}
    missing = [need for need in needed if need not in present]
    if missing:
        raise ClaimwatchError(
            f"component {name!r} needs {', '.join(repr(m) for m in missing)} before it in the pipeline "
            f"(add {missing[0]!r} first)"
        )


def upstream(nlp: Language, factory: str) -> Optional[Any]:
    """The component ``nlp`` made with ``factory`` (whatever its name), or None."""
    for name in nlp.component_names:
        if nlp.get_pipe_meta(name).factory == factory:
            return nlp.get_pipe(name)
    return None
