"""The data-file loader and the components built on it: saving a pipeline, loading it back, declared order."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import spacy

from claimwatch.errors import ClaimwatchError, DataFileError
from claimwatch.nlp import factories
from claimwatch.pipeline import extract_articles, load_nlp
from claimwatch.resources import cached, packaged, read_json, read_jsonl, read_lines, saved_files
from claimwatch.schema import Article

EXAMPLES = Path(__file__).resolve().parent.parent / "src" / "claimwatch" / "examples"


# -- the loader ---------------------------------------------------------------------------------------------------


def test_packaged_names_carry_a_version() -> None:
    assert packaged("cues.en.v1.jsonl").is_file()
    with pytest.raises(ValueError, match="carry a version"):
        packaged("cues.jsonl")


def test_bad_json_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "words.json"
    bad.write_text('{\n  "months": {},\n  oops\n}\n', encoding="utf-8")
    with pytest.raises(DataFileError, match=r"words\.json:3: not valid JSON"):
        read_json(bad)
    lines = tmp_path / "cues.jsonl"
    lines.write_text('# a comment\n{"lemma": "say"}\n{"lemma": \n', encoding="utf-8")
    with pytest.raises(DataFileError, match=r"cues\.jsonl:3: not valid JSON"):
        read_jsonl(lines)


def test_missing_and_undecodable_files_are_data_file_errors(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match=r"nope\.txt: data file not found"):
        read_lines(tmp_path / "nope.txt")
    latin = tmp_path / "roles.txt"
    latin.write_bytes(b"spokesman\nporte-parole \xe9lu\n")
    with pytest.raises(DataFileError, match=r"roles\.txt:2: not UTF-8"):
        read_lines(latin)


def test_comments_are_cut_except_in_pattern_files(tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_text("# header\nlawyer  # a role\n\n  ^#\\d+$\n", encoding="utf-8")
    assert read_lines(path) == [(2, "lawyer"), (4, "^")]
    assert read_lines(path, inline_comments=False) == [(2, "lawyer  # a role"), (4, "^#\\d+$")]


def test_cache_reads_a_file_once_and_again_after_an_edit(tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    path.write_text('{"a": 1}', encoding="utf-8")
    first = cached(read_json, path)
    assert cached(read_json, path) is first
    path.write_text('{"a": 22}', encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a new modification time even on file systems with coarse clocks
    assert cached(read_json, path) == {"a": 22}


# -- components configured, saved and loaded --------------------------------------------------------------------


def test_component_files_come_from_config(tmp_path: Path) -> None:
    bad = tmp_path / "my_cues.jsonl"
    bad.write_text('{"lemma": "say", "pos": "VERB"}\n{"pos": "VERB"}\n', encoding="utf-8")
    nlp = spacy.blank("en")
    component = nlp.add_pipe("claimwatch_attribution", config={"lexicon_path": str(bad), "use_model": False})
    assert component.files["lexicon_path"] == bad
    with pytest.raises(DataFileError, match=r"my_cues\.jsonl:2: a cue needs a lemma"):
        component.initialize()


def test_saved_pipeline_loads_with_the_same_output(tmp_path: Path) -> None:
    # The user's actor file is copied into the saved pipeline, so loading needs no original.
    actors = tmp_path / "actors.yaml"
    shutil.copyfile(EXAMPLES / "port-blockade.actors.yaml", actors)
    text = (EXAMPLES / "port-blockade.txt").read_text(encoding="utf-8")
    article = Article(id="port-blockade", text=text, date="2026-03-02")
    nlp = load_nlp(actors_path=str(actors))
    before = next(extract_articles(nlp, [article])).model_dump_json()

    nlp.to_disk(tmp_path / "pipeline")
    actors.unlink()
    saved = saved_files(tmp_path / "pipeline" / "claimwatch_actors")
    assert saved["actors_path"] is not None and saved["actors_path"].read_text(encoding="utf-8")
    loaded = spacy.load(tmp_path / "pipeline")

    assert loaded.pipe_names == nlp.pipe_names
    after = next(extract_articles(loaded, [article])).model_dump_json()
    assert after == before
    speakers = {c["speaker_actor"]["id"] for c in json.loads(after)["claims"] if c["speaker_actor"]}
    assert "person:andrei-kalnin" in speakers  # known only from the user's actor file


# -- declared order ----------------------------------------------------------------------------------------------


def test_events_without_actors_before_it_is_a_clear_error() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("claimwatch_attribution", config={"use_model": False})
    with pytest.raises(ClaimwatchError, match="'claimwatch_events' needs 'claimwatch_actors' before it"):
        nlp.add_pipe("claimwatch_events")


def test_every_component_declares_what_it_needs() -> None:
    nlp = load_nlp()
    names = nlp.pipe_names
    for name, needed in factories.NEEDS.items():
        assert all(names.index(n) < names.index(name) for n in needed), name
        meta = nlp.get_pipe_meta(name)
        assert "doc._.cw_claims" in meta.assigns
        assert name == "claimwatch_attribution" or "doc._.cw_claims" in meta.requires
