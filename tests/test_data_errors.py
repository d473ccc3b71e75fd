"""Every class of editor mistake gets one line: file:line:col, what is wrong, how to fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from explainer.diagnostics import Diagnostic
from explainer.store import load_dataset

from .conftest import run_cli

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    root = tmp_path / "minimal"
    shutil.copytree(MINIMAL, root)
    return root


def write(root: Path, name: str, text: str | bytes) -> None:
    path = root / "data" / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


def diagnostics(root: Path) -> list[str]:
    _, found = load_dataset(root / "data", root)
    return [d.as_text() for d in found]


def only(root: Path) -> str:
    found = diagnostics(root)
    assert len(found) == 1, found
    return found[0]


def test_minimal_fixture_is_clean(minimal: Path) -> None:
    assert diagnostics(minimal) == []


def test_syntax_error_unclosed_quote(minimal: Path) -> None:
    write(minimal, "issues.yaml", '- id: ceasefire\n  title: "Ceasefire\n  summary: x\n')
    assert only(minimal) == ("data/issues.yaml:2:10: error: YAML syntax error: this quoted "
                             "value is never closed; add the closing quote")


def test_unclosed_quote_followed_by_more_quotes(minimal: Path) -> None:
    write(minimal, "issues.yaml", '- id: ceasefire\n  title: "Ceasefire\n  summary: "x"\n'
                                  '  sources: [wire-report]\n')
    assert only(minimal).startswith("data/issues.yaml:2:10: error: YAML syntax error: this "
                                    "quoted value runs on to line 3")


def test_syntax_error_tab_indentation(minimal: Path) -> None:
    write(minimal, "issues.yaml", "- id: ceasefire\n\ttitle: Ceasefire\n")
    assert only(minimal) == ("data/issues.yaml:2:1: error: YAML syntax error: a tab character "
                             "is used for indentation; indent with spaces")


def test_syntax_error_stray_colon(minimal: Path) -> None:
    write(minimal, "issues.yaml", "- id: ceasefire\n  title: Cease: fire\n  summary: x\n")
    assert only(minimal) == ("data/issues.yaml:2:15: error: YAML syntax error: mapping values "
                             "are not allowed in this context; a value containing ': ' must be "
                             "quoted")


def test_duplicate_key(minimal: Path) -> None:
    write(minimal, "issues.yaml",
          "- id: ceasefire\n  title: A\n  summary: B\n  title: C\n  sources: [wire-report]\n")
    assert only(minimal) == ("data/issues.yaml:4:3: error: duplicate key 'title' (first defined "
                             "at line 2); keep one and delete the other")


def test_anchor_and_alias(minimal: Path) -> None:
    write(minimal, "issues.yaml", "- id: ceasefire\n  title: &t Ceasefire\n  summary: *t\n"
                                  "  sources: [wire-report]\n")
    assert diagnostics(minimal) == [
        "data/issues.yaml:2:10: error: anchor '&t' is not allowed; write each value out in full",
        "data/issues.yaml:3:12: error: alias '*t' is not allowed; write the value out in full",
        "data/issues.yaml:3:12: error: summary: expected text, but YAML read an empty value; "
        "put the value in quotes",
    ]


def test_unknown_field_with_suggestion(minimal: Path) -> None:
    text = (minimal / "data" / "positions.yaml").read_text()
    write(minimal, "positions.yaml", text.replace("  stance: supports", "  stnce: supports"))
    assert diagnostics(minimal) == [
        "data/positions.yaml:7:3: error: missing required field 'stance'",
        "data/positions.yaml:9:3: error: unknown field 'stnce' (did you mean 'stance'?)",
    ]


def test_wrong_type_number_for_text(minimal: Path) -> None:
    text = (minimal / "data" / "issues.yaml").read_text()
    write(minimal, "issues.yaml", text.replace("title: Ceasefire", "title: 1.10"))
    assert only(minimal) == ("data/issues.yaml:2:10: error: title: expected text, but YAML "
                             "read the number 1.1; put the value in quotes")


def test_wrong_type_list_for_text(minimal: Path) -> None:
    text = (minimal / "data" / "issues.yaml").read_text()
    write(minimal, "issues.yaml", text.replace("title: Ceasefire", "title: [a, b]"))
    assert only(minimal) == ("data/issues.yaml:2:10: error: title: expected text, but YAML "
                             "read a list; put the value in quotes")


def test_bad_date(minimal: Path) -> None:
    text = (minimal / "data" / "quotes.yaml").read_text()
    write(minimal, "quotes.yaml", text.replace("date: 2025-08-15", "date: 2025-02-30"))
    assert only(minimal) == ("data/quotes.yaml:5:9: error: date: '2025-02-30' is not a real "
                             "date (day is out of range for month); write YYYY-MM-DD")


def test_time_without_offset(minimal: Path) -> None:
    text = (minimal / "data" / "events.yaml").read_text()
    write(minimal, "events.yaml", text.replace("T11:30-08:00", "T11:30"))
    assert only(minimal) == ("data/events.yaml:2:10: error: start: '2025-08-15T11:30' needs a "
                             "UTC offset, e.g. 2025-08-15T11:00-08:00 (the offset of the local "
                             "time, here UTC-8)")


@pytest.mark.parametrize(("raw", "message"), [
    ("no", "unquoted 'no' is read as a boolean by YAML 1.1 tools; write \"no\" in quotes for "
           "text, or true/false"),
    ("On", "unquoted 'On' is read as a boolean by YAML 1.1 tools; write \"On\" in quotes for "
           "text, or true/false"),
    ("12:30", "unquoted '12:30' is read as a base-60 number by YAML 1.1 tools; write \"12:30\" "
              "in quotes"),
    ("012", "unquoted '012' is read as a number by YAML 1.1 tools; write \"012\" in quotes"),
])
def test_yaml11_coercions(minimal: Path, raw: str, message: str) -> None:
    text = (minimal / "data" / "events.yaml").read_text()
    write(minimal, "events.yaml", text.replace("place: Anchorage", f"place: {raw}"))
    assert only(minimal) == f"data/events.yaml:6:10: error: {message}"


def test_quoted_yaml11_words_are_text(minimal: Path) -> None:
    text = (minimal / "data" / "events.yaml").read_text()
    write(minimal, "events.yaml", text.replace("place: Anchorage", 'place: "no"'))
    assert diagnostics(minimal) == []


def test_closed_set_with_suggestion(minimal: Path) -> None:
    text = (minimal / "data" / "positions.yaml").read_text()
    write(minimal, "positions.yaml", text.replace("stance: supports", "stance: suports"))
    assert only(minimal) == (
        "data/positions.yaml:9:11: error: stance 'suports' is not one of: supports, open, "
        "conditional, noncommittal, opposes, unclear (did you mean 'supports'?)")


def test_dangling_reference_with_suggestion(minimal: Path) -> None:
    text = (minimal / "data" / "positions.yaml").read_text()
    write(minimal, "positions.yaml", text.replace("- actor: putin", "- actor: putni"))
    assert diagnostics(minimal) == [
        "data/positions.yaml:1:10: error: unknown actor 'putni' (did you mean 'putin'?)",
        "data/positions.yaml:5:12: error: quote 'putin-causes' is by 'putin', not 'putni'; "
        "cite a quote of this actor",
    ]


def test_dangling_reference_in_list(minimal: Path) -> None:
    text = (minimal / "data" / "events.yaml").read_text()
    write(minimal, "events.yaml", text.replace("actors: [trump, putin]", "actors: [trump, tump]"))
    assert only(minimal) == ("data/events.yaml:7:19: error: unknown actor 'tump' "
                             "(did you mean 'trump'?)")


def test_duplicate_id(minimal: Path) -> None:
    text = (minimal / "data" / "actors.yaml").read_text()
    write(minimal, "actors.yaml", text.replace("- id: trump", "- id: putin"))
    found = diagnostics(minimal)
    assert ("data/actors.yaml:6:7: error: duplicate id 'putin' in actors (first at line 1); "
            "ids must be unique") in found


def test_two_positions_on_one_issue(minimal: Path) -> None:
    text = (minimal / "data" / "positions.yaml").read_text()
    write(minimal, "positions.yaml", text.replace("- actor: trump", "- actor: putin"))
    assert only(minimal) == ("data/positions.yaml:8:10: error: second position of 'putin' on "
                             "'ceasefire' (first at line 1); merge them into one")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/x",
                                 "data:text/html,hi", "//example.org"])
def test_non_http_url(minimal: Path, url: str) -> None:
    text = (minimal / "data" / "sources.yaml").read_text()
    write(minimal, "sources.yaml", text.replace("https://example.org/report", f"'{url}'"))
    assert only(minimal) == (f"data/sources.yaml:3:8: error: url: URL '{url}' must start with "
                             "http:// or https:// and name a host")


def test_oversize_file(minimal: Path) -> None:
    write(minimal, "issues.yaml", "# padding\n" * 120_000)
    assert only(minimal) == ("data/issues.yaml:1:1: error: file is 1,200,000 bytes, over the "
                             "1 MiB limit for one file; split the issues into a folder "
                             "data/issues/ of several files, or remove unused entries")


def test_binary_file(minimal: Path) -> None:
    write(minimal, "issues.yaml", b"- id: x\n  title: \x00\x01\x02")
    assert only(minimal) == ("data/issues.yaml:2:10: error: binary data (a NUL byte) in a YAML "
                             "file; save it as UTF-8 text")


def test_not_utf8(minimal: Path) -> None:
    write(minimal, "issues.yaml", "- id: ceasefire\n  title: Caf\xe9\n".encode("latin-1"))
    assert only(minimal) == ("data/issues.yaml:2:13: error: not valid UTF-8 (byte 0xe9); save "
                             "the file as UTF-8")


def test_bom_and_crlf_load(minimal: Path) -> None:
    path = minimal / "data" / "issues.yaml"
    text = path.read_text()
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    assert diagnostics(minimal) == []


def test_scalar_file_and_mapping_entries(minimal: Path) -> None:
    write(minimal, "issues.yaml", "just text\n")
    write(minimal, "sources.yaml", "- [a, b]\n")
    found = diagnostics(minimal)
    assert "data/issues.yaml:1:1: error: expected a list of issues ('- id: ...' entries), got " \
           "'just text'" in found
    assert "data/sources.yaml:1:3: error: expected a mapping of fields for one of the sources, " \
           "got a list" in found


def test_correction_must_say_what_was_wrong(minimal: Path) -> None:
    text = (minimal / "data" / "updates.yaml").read_text()
    write(minimal, "updates.yaml", text.replace("kind: addition", "kind: correction"))
    assert only(minimal) == ("data/updates.yaml:1:3: error: update: a correction needs "
                             "'corrected': what was wrong before")


def test_unknown_touch(minimal: Path) -> None:
    text = (minimal / "data" / "updates.yaml").read_text()
    write(minimal, "updates.yaml", text.replace("actor:putin", "actr:putin"))
    assert only(minimal) == (
        "data/updates.yaml:5:13: error: 'actr:putin' must be kind:id with kind one of source, "
        "actor, issue, position, quote, question, event, update (did you mean 'actor'?)")


def test_missing_source_is_a_warning(minimal: Path) -> None:
    text = (minimal / "data" / "positions.yaml").read_text()
    write(minimal, "positions.yaml", text.replace("  sources: [wire-report]\n", "", 1))
    assert only(minimal) == ("data/positions.yaml:1:3: warning: position 'putin--ceasefire' "
                             "cites no source; add 'sources:' with at least one source id")


def test_unreferenced_actor_is_a_warning(minimal: Path) -> None:
    path = minimal / "data" / "actors.yaml"
    path.write_text(path.read_text() + "- id: rubio\n  name: Marco Rubio\n  kind: person\n")
    assert only(minimal) == ("data/actors.yaml:10:7: warning: actor 'rubio' is not referred to "
                             "by any position, quote, question or event")


def test_past_review_date_is_a_warning(minimal: Path) -> None:
    path = minimal / "data" / "issues.yaml"
    path.write_text(path.read_text() + "  review_by: 2025-09-01\n")
    assert only(minimal) == (
        "data/issues.yaml:5:14: warning: issue 'ceasefire' was due for review on 2025-09-01; "
        "check it, then update 'as_of' and 'review_by'")


def test_all_errors_in_one_pass_sorted(minimal: Path) -> None:
    for name, old, new in [
        ("positions.yaml", "- actor: putin", "- actor: putni"),
        ("issues.yaml", "title: Ceasefire", "title: no"),
        ("events.yaml", "place: Anchorage", "place: 12:30"),
        ("quotes.yaml", "date: 2025-08-15", "date: 15/08/2025"),
    ]:
        path = minimal / "data" / name
        path.write_text(path.read_text().replace(old, new))
    found = diagnostics(minimal)
    files = [line.split(":")[0] for line in found]
    assert files == sorted(files)
    assert {f for f in files} == {"data/positions.yaml", "data/issues.yaml", "data/events.yaml",
                                  "data/quotes.yaml"}
    assert len([line for line in found if ": error: " in line]) >= 4


def test_cli_exit_status_count_and_no_traceback(minimal: Path) -> None:
    path = minimal / "data" / "positions.yaml"
    path.write_text(path.read_text().replace("- actor: putin", "- actor: putni"))
    run = run_cli(minimal, "check")
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert run.lines[0] == ("data/positions.yaml:1:10: error: unknown actor 'putni' "
                            "(did you mean 'putin'?)")
    assert run.lines[-1].startswith("2 errors, 0 warnings")


def test_cli_github_format(minimal: Path) -> None:
    path = minimal / "data" / "positions.yaml"
    path.write_text(path.read_text().replace("- actor: putin", "- actor: putni"))
    run = run_cli(minimal, "check", "--format", "github")
    assert run.returncode == 1
    assert run.lines[0] == ("::error file=data/positions.yaml,line=1,col=10::unknown actor "
                            "'putni' (did you mean 'putin'?)")


def test_cli_strict_turns_warnings_into_errors(minimal: Path) -> None:
    path = minimal / "data" / "positions.yaml"
    path.write_text(path.read_text().replace("  sources: [wire-report]\n", "", 1))
    assert run_cli(minimal, "check").returncode == 0
    strict = run_cli(minimal, "check", "--strict")
    assert strict.returncode == 1
    assert strict.lines[0] == ("data/positions.yaml:1:3: error: position 'putin--ceasefire' "
                               "cites no source; add 'sources:' with at least one source id")


def test_check_never_writes(minimal: Path) -> None:
    before = {p: p.read_bytes() for p in (minimal / "data").iterdir()}
    run_cli(minimal, "check")
    assert {p: p.read_bytes() for p in (minimal / "data").iterdir()} == before


def test_diagnostic_sorting_is_by_file_then_line() -> None:
    a = Diagnostic("data/b.yaml", 2, 1, "error", "x")
    b = Diagnostic("data/a.yaml", 9, 1, "error", "y")
    c = Diagnostic("data/a.yaml", 10, 1, "error", "z")
    assert sorted([a, b, c]) == [b, c, a]
