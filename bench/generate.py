#!/usr/bin/env python3
"""Seeded synthetic explainer projects, valid by construction, for the benchmark.

    python3 bench/generate.py --actors 10 100 1000 --out /tmp/bench-projects

writes one complete project folder per size (`<out>/actors-<N>/`): data/*.yaml, a
content/ folder of six Markdown sections that embed every kind of data reference, a copy
of overrides/ and content/assets/, and a mkdocs.yml that is the real one with its nav
limited to the sections and the generated index pages. Every such folder passes
`explainer.cli --root <folder> check --strict` with 0 errors and 0 warnings.

Sizes scale together so that each entity has about the same number of neighbours at
every size (an actor has ~2 positions, 5 quotes, ~2.5 events, ~0.6 questions): per-page
work and page size should then not depend on the size of the data set.

Text lengths follow the bundled data (e.g. quote context ~140 characters). The data
loader refuses files over 1 MiB (explainer/yaml_source.py MAX_BYTES), so when a file would
pass that limit its free text is shortened, deterministically, until it fits; the factor
used is written to the folder's .bench-generated file and printed.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
from datetime import date, timedelta
from pathlib import Path

from venv_python import reexec_in_venv

REPO = Path(__file__).resolve().parent.parent


if __name__ == "__main__":
    reexec_in_venv("yaml")

import yaml  # noqa: E402

MARKER = ".bench-generated"
MAX_BYTES = 1024 * 1024  # explainer/yaml_source.py MAX_BYTES
FIT_TARGET = int(MAX_BYTES * 0.97)
DATA_HEADER = "# yaml-language-server: $schema=../schemas/{kind}.schema.json\n"


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST = _words("""Mira Anton Lena Jonas Ilse Pavel Noor Sami Hana Tomas Eva Rafael Ines Oskar
    Lidia Marek Zofia Emil Vera Luka Nadia Kasper Irina Felix Aino Dario Greta Yusuf Selma
    Viktor Alma Bruno Clara Matej Freya Nikolai Petra Aurel Dina Henrik""")
LAST = _words("""Kovac Lindqvist Moreau Brandt Okafor Haddad Novak Ferreira Ivanova Castell
    Rahimi Bauer Silva Petrov Horvat Keller Duarte Nyberg Marin Sato Almeida Varga Kowalski
    Berg Rossi Demir Laine Costa Weiss Hansen Quint Aranda Falk Mendes Strand Orlov Vidal
    Ekman Torres Blom""")
STATES = _words("""Veloria Ostrand Kestria Marovia Dunholm Pelagia Sarvana Tirel Quessa Borvik
    Lunara Carvelle Eskeland Myrrh Valdoria Zentra Arlen Corvinia Halvard Istria""")
INSTITUTION_KINDS = ("Ministry of Foreign Affairs", "Central Bank", "Parliament",
                     "Defence Ministry", "Supreme Court", "Electoral Commission",
                     "Energy Agency", "Trade Council")
GROUP_KINDS = ("Farmers' Union", "Green Alliance", "Dockworkers' Guild",
               "Business Forum", "Veterans' League", "Students' Movement")
ROLES = ("Foreign minister", "President", "Prime minister", "Chief negotiator",
         "Spokesperson for the government", "Ambassador to the United Nations",
         "Senior adviser on security", "Leader of the opposition", "Finance minister",
         "Head of the delegation", "Chair of the foreign affairs committee",
         "Special envoy for the talks", "Defence minister", "Mayor of the capital")
TOPICS = ("a ceasefire along the northern border", "sanctions on energy exports",
          "the exchange of prisoners", "a trade agreement on grain",
          "the status of the disputed islands", "a summit in the capital",
          "security guarantees", "the return of displaced families",
          "access for humanitarian convoys", "the reopening of the port",
          "reparations for war damage", "a referendum on autonomy",
          "monitoring by international observers", "debt relief",
          "the pipeline through the valley", "fishing rights in the strait")
PLACES = ("the Palace of Nations, Geneva", "a hotel conference room in Vienna",
          "the presidential residence", "an air base outside the capital",
          "the parliament building", "the border crossing at Kesh",
          "the port authority offices", "a press room at the foreign ministry")
WORDS = _words("""the talks government officials said agreement would include measures on
    security and trade while critics argued that the proposal left key questions open
    negotiators met again after a pause of several weeks the delegation insisted on guarantees and a
    timetable for the withdrawal of forces observers noted progress but warned that the
    deal could still collapse if either side changed course the statement did not
    mention the disputed territory analysts expected a further round before the end of
    the month the minister told reporters that the door remained open and that any
    settlement must respect international law the opposition called for a vote in
    parliament before ratification the envoy described the meeting as constructive and
    frank""")
SOURCE_KINDS = ("article", "report", "transcript", "interview", "statement")
PUBLISHERS = ("The Northern Ledger", "Harbour Post", "Capital Review", "Wire Service Europe",
              "The Evening Dispatch", "Observer Weekly", "Radio Meridian")
STANCES = ("supports", "open", "conditional", "noncommittal", "opposes", "unclear")
STATUSES = ("open", "partly-answered", "answered")
OFFSETS = ("-08:00", "+00:00", "+01:00", "+03:00")
START = date(2025, 1, 6)

SECTION_TITLES = ("Overview", "Setting the stage", "Behind closed doors",
                  "The press conference", "What wasn't said", "Reactions abroad")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class Text:
    """Sentences of a target length; its own random stream, so shortening text for the
    file-size limit never changes ids or relations."""

    def __init__(self, seed: int, kind: str, scale: float = 1.0):
        self.rng = random.Random(f"{seed}:text:{kind}")
        self.scale = scale

    def length(self, low: int, high: int) -> int:
        mean = (low + high) / 2
        value = self.rng.triangular(low, high, mean)
        return max(8, int(value * self.scale))

    def sentence(self, length: int, markdown: bool = False, end: str = ".") -> str:
        words: list[str] = []
        size = 0
        while size < length:
            word = self.rng.choice(WORDS)
            words.append(word)
            size += len(word) + 1
        if markdown and len(words) > 6 and self.rng.random() < 0.25:
            i = self.rng.randrange(1, len(words) - 2)
            words[i] = f"*{words[i]}*"
        if markdown and len(words) > 8 and self.rng.random() < 0.12:
            i = self.rng.randrange(1, len(words) - 3)
            words[i] = f"[{words[i]}](https://example.org/notes/{self.rng.randrange(1000)})"
        if self.rng.random() < 0.15 and len(words) > 5:
            i = self.rng.randrange(1, len(words) - 3)
            words[i] = f"“{words[i]} {words[i + 1]}”"
            del words[i + 1]
        text = " ".join(words)
        return text[0].upper() + text[1:] + end

    def prose(self, low: int, high: int, markdown: bool = False) -> str:
        target = self.length(low, high)
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < target:
            remaining = target - sum(len(p) + 1 for p in parts)
            parts.append(self.sentence(min(remaining, self.rng.randint(50, 120)), markdown))
        return " ".join(parts)


def _day(rng: random.Random, span: int = 600) -> date:
    return START + timedelta(days=rng.randrange(span))


def _iso(day: date) -> str:
    return day.isoformat()


# -- structure: ids and relations, from one random stream ----------------------------


def build_structure(actors: int, seed: int) -> dict[str, list[dict]]:
    rng = random.Random(f"{seed}:structure")
    n = actors
    n_orgs = max(1, round(n * 0.12))
    n_issues = max(3, n // 5)
    n_questions = max(1, n // 5)
    n_sources = max(1, n // 10)
    n_events = max(3, n)
    n_updates = max(2, n // 10)

    sources = [{"id": f"src-{i}"} for i in range(1, n_sources + 1)]
    source_ids = [s["id"] for s in sources]

    def cite(k: int = 1) -> list[str]:
        return rng.sample(source_ids, min(k, len(source_ids)))

    actor_rows: list[dict] = []
    for i in range(1, n + 1):
        if i <= n_orgs:
            state = STATES[(i - 1) % len(STATES)]
            pick = rng.random()
            if pick < 0.4:
                kind, name = "state", state if i <= len(STATES) else f"{state} {i}"
            elif pick < 0.8:
                kind, name = "institution", f"{state} {rng.choice(INSTITUTION_KINDS)}"
            else:
                kind, name = "group", f"{state} {rng.choice(GROUP_KINDS)}"
            short = slug(state) if kind == "state" else "-".join(slug(name).split("-")[:2])
            actor_id = f"{short}-{i}"
        else:
            kind = "person"
            first, last = rng.choice(FIRST), rng.choice(LAST)
            name = f"{first} {last}"
            actor_id = f"{slug(last)}-{i}"
        # Every actor cites one source; round-robin so every source is cited at least once.
        actor_rows.append({"id": actor_id, "name": name, "kind": kind,
                           "sources": [source_ids[(i - 1) % len(source_ids)]]})
    org_ids = [a["id"] for a in actor_rows[:n_orgs]]
    for row in actor_rows:
        if row["kind"] == "person":
            row["role"] = True
            if rng.random() < 0.85:
                row["affiliation"] = rng.choice(org_ids)
            if rng.random() < 0.15:
                row["aliases"] = [row["name"].split()[-1]]
        elif rng.random() < 0.3 and len(org_ids) > 1:
            row["affiliation"] = rng.choice([o for o in org_ids if o != row["id"]])
    actor_ids = [a["id"] for a in actor_rows]

    issue_rows = [{"id": f"{slug(TOPICS[i % len(TOPICS)])[:28].strip('-')}-{i + 1}",
                   "topic": TOPICS[i % len(TOPICS)], "sources": cite()}
                  for i in range(n_issues)]
    issue_ids = [row["id"] for row in issue_rows]

    event_rows: list[dict] = []
    days = sorted(_day(rng) for _ in range(n_events))
    for i, day in enumerate(days, start=1):
        row: dict = {"id": f"event-{i}", "day": day,
                     "actors": rng.sample(actor_ids, min(len(actor_ids), rng.randint(1, 4))),
                     "sources": cite()}
        if rng.random() < 0.3:
            row["hour"] = rng.randint(7, 18)
            row["offset"] = rng.choice(OFFSETS)
        if rng.random() < 0.2:
            row["end"] = rng.randint(1, 3) if "hour" not in row else rng.randint(1, 4)
        event_rows.append(row)
    event_ids = [e["id"] for e in event_rows]
    events_of: dict[str, list[str]] = {}
    for row in event_rows:
        for actor_id in row["actors"]:
            events_of.setdefault(actor_id, []).append(row["id"])

    quote_rows: list[dict] = []
    for actor_id in actor_ids:
        for j in range(1, 6):
            row = {"id": f"{actor_id}-q{j}", "actor": actor_id, "source": cite()[0]}
            if rng.random() < 0.8:
                row["date"] = _day(rng)
            own = events_of.get(actor_id)
            if own and rng.random() < 0.5:
                row["event"] = rng.choice(own)
            quote_rows.append(row)

    position_rows: list[dict] = []
    for actor_id in actor_ids:
        k = rng.choice((1, 2, 2, 3))
        for issue_id in rng.sample(issue_ids, min(k, len(issue_ids))):
            row = {"actor": actor_id, "issue": issue_id, "stance": rng.choice(STANCES),
                   "sources": cite(rng.choice((1, 1, 2)))}
            if rng.random() < 0.5:
                row["quotes"] = [f"{actor_id}-q{q}" for q in
                                 sorted(rng.sample(range(1, 6), rng.randint(1, 2)))]
            position_rows.append(row)

    question_rows = []
    for i in range(1, n_questions + 1):
        question_rows.append({
            "id": f"question-{i}", "status": rng.choice(STATUSES),
            "topic": rng.choice(TOPICS),
            "known": rng.randint(2, 4), "unknown": rng.randint(1, 3),
            "would_resolve": rng.randint(1, 2),
            "actors": rng.sample(actor_ids, min(len(actor_ids), rng.randint(2, 4))),
            "issues": rng.sample(issue_ids, min(len(issue_ids), rng.randint(1, 2))),
            "sources": cite()})
    question_ids = [q["id"] for q in question_rows]

    update_rows = []
    pools = {"actor": actor_ids, "issue": issue_ids, "quote": [q["id"] for q in quote_rows],
             "event": event_ids, "question": question_ids, "source": source_ids}
    for i in range(1, n_updates + 1):
        kind = "addition" if i == 1 else rng.choice(("addition", "update", "update",
                                                     "correction"))
        touches = []
        for _ in range(rng.randint(1, 3)):
            ref_kind = rng.choice(("actor", "actor", "issue", "quote", "event", "question",
                                   "source"))
            ref = f"{ref_kind}:{rng.choice(pools[ref_kind])}"
            if ref not in touches:
                touches.append(ref)
        update_rows.append({"id": f"update-{i}", "day": START + timedelta(days=600 + i),
                            "kind": kind, "touches": touches})

    return {"sources": sources, "actors": actor_rows, "issues": issue_rows,
            "positions": position_rows, "quotes": quote_rows, "questions": question_rows,
            "events": event_rows, "updates": update_rows}


# -- text: one stream per kind, shortened when a file would pass the size limit -----------


def _as_of(rng: random.Random) -> str:
    return _iso(START + timedelta(days=500 + rng.randrange(200)))


def fill(kind: str, rows: list[dict], names: dict[str, str], seed: int,
         scale: float) -> list[dict]:
    t = Text(seed, kind, scale)
    r = t.rng
    out: list[dict] = []
    for row in rows:
        if kind == "sources":
            entry = {"id": row["id"],
                     "title": t.sentence(t.length(30, 90), end=""),
                     "publisher": r.choice(PUBLISHERS),
                     "url": f"https://example.org/news/{row['id']}-{r.randrange(10**6)}",
                     "published": _iso(_day(r)),
                     "kind": r.choice(SOURCE_KINDS),
                     "note": t.prose(60, 160),
                     "as_of": _as_of(r)}
        elif kind == "actors":
            entry = {"id": row["id"], "name": row["name"], "kind": row["kind"]}
            if row.get("role"):
                entry["role"] = r.choice(ROLES)
            if "affiliation" in row:
                entry["affiliation"] = row["affiliation"]
            if "aliases" in row:
                entry["aliases"] = row["aliases"]
            entry["summary"] = t.prose(85, 240, markdown=True)
            entry["sources"] = row["sources"]
            entry["as_of"] = _as_of(r)
        elif kind == "issues":
            entry = {"id": row["id"], "title": row["topic"][0].upper() + row["topic"][1:],
                     "summary": t.prose(100, 290, markdown=True), "sources": row["sources"],
                     "as_of": _as_of(r)}
        elif kind == "positions":
            entry = {"actor": row["actor"], "issue": row["issue"], "stance": row["stance"],
                     "summary": t.prose(100, 250, markdown=True)}
            if "quotes" in row:
                entry["quotes"] = row["quotes"]
            entry["sources"] = row["sources"]
            entry["as_of"] = _as_of(r)
        elif kind == "quotes":
            entry = {"id": row["id"], "actor": row["actor"],
                     "text": t.sentence(t.length(10, 100), end=r.choice(("", ".", "!"))),
                     "context": t.prose(80, 200)}
            if "date" in row:
                entry["date"] = _iso(row["date"])
            if "event" in row:
                entry["event"] = row["event"]
            entry["source"] = row["source"]
        elif kind == "questions":
            entry = {"id": row["id"],
                     "question": f"What will happen with {row['topic']}?",
                     "status": row["status"],
                     "known": [t.prose(60, 160, markdown=True) for _ in range(row["known"])],
                     "unknown": [t.prose(40, 120, markdown=True)
                                 for _ in range(row["unknown"])],
                     "would_resolve": [t.prose(50, 130, markdown=True)
                                       for _ in range(row["would_resolve"])],
                     "actors": row["actors"], "issues": row["issues"],
                     "sources": row["sources"], "as_of": _as_of(r)}
        elif kind == "events":
            day = row["day"]
            if "hour" in row:
                start = f"{_iso(day)}T{row['hour']:02d}:{r.choice(('00', '15', '30'))}" \
                        f"{row['offset']}"
            else:
                start = _iso(day)
            entry = {"id": row["id"], "start": start}
            if "end" in row:
                if "hour" in row:
                    entry["end"] = f"{_iso(day)}T{row['hour'] + row['end']:02d}:45" \
                                   f"{row['offset']}"
                else:
                    entry["end"] = _iso(day + timedelta(days=row["end"]))
            names_here = ", ".join(names[a] for a in row["actors"][:2])
            title = f"{names_here} {t.sentence(t.length(15, 40), end='').lower()}"
            entry.update({"title": title[:90].strip(),
                          "summary": t.prose(80, 360, markdown=True),
                          "place": r.choice(PLACES), "actors": row["actors"],
                          "sources": row["sources"], "as_of": _as_of(r)})
        elif kind == "updates":
            entry = {"id": row["id"], "date": _iso(row["day"]), "kind": row["kind"],
                     "summary": t.prose(60, 180, markdown=True)}
            if row["kind"] == "correction":
                entry["corrected"] = t.sentence(t.length(40, 100))
            entry["touches"] = row["touches"]
            entry["as_of"] = _iso(row["day"])
        else:  # pragma: no cover
            raise ValueError(kind)
        out.append(entry)
    return out


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Block mappings, lists of ids in flow style (`sources: [a, b]`) as in data/."""

    def ignore_aliases(self, data) -> bool:  # never write anchors: the loader rejects them
        return True


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    short = all(isinstance(item, str) and len(item) < 40 for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=short)


_Dumper.add_representer(list, _represent_list)


def dump(kind: str, entries: list[dict]) -> str:
    parts = [yaml.dump([entry], Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                       width=88, default_flow_style=False)
             for entry in entries]
    return DATA_HEADER.format(kind=kind) + "\n".join(parts)


def write_data(data_dir: Path, structure: dict[str, list[dict]], seed: int) -> dict[str, float]:
    """Write data/*.yaml; returns the text scale used per file (1.0: not shortened)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    names = {a["id"]: a["name"] for a in structure["actors"]}
    scales: dict[str, float] = {}
    for kind, rows in structure.items():
        scale = 1.0
        for _ in range(12):
            text = dump(kind, fill(kind, rows, names, seed, scale))
            size = len(text.encode("utf-8"))
            if size <= FIT_TARGET:
                break
            scale *= FIT_TARGET / size * 0.95
        else:
            raise SystemExit(f"generate.py: data/{kind}.yaml cannot fit in "
                             f"{MAX_BYTES:,} bytes at this size")
        scales[kind] = round(scale, 3)
        (data_dir / f"{kind}.yaml").write_text(text, encoding="utf-8")
    return scales


# -- content: six sections that embed every kind of reference ------------------------


def write_content(content_dir: Path, structure: dict[str, list[dict]], seed: int) -> list[
        tuple[str, str]]:
    rng = random.Random(f"{seed}:content")
    t = Text(seed, "content")
    actors = [a["id"] for a in structure["actors"]]
    issues = [i["id"] for i in structure["issues"]]
    quotes = [q["id"] for q in structure["quotes"]]
    questions = [q["id"] for q in structure["questions"]]
    events = [e["id"] for e in structure["events"]]
    sources = [s["id"] for s in structure["sources"]]
    content_dir.mkdir(parents=True, exist_ok=True)
    files = ["index.md"] + [f"{slug(title)}.md" for title in SECTION_TITLES[1:]]
    pages: list[tuple[str, str]] = []

    def paragraph() -> str:
        bits = []
        for _ in range(rng.randint(3, 5)):
            sentence = t.sentence(rng.randint(60, 140))
            pick = rng.random()
            if pick < 0.45:
                ref = f"[[actor:{rng.choice(actors)}]]"
            elif pick < 0.55:
                ref = f"[[actor:{rng.choice(actors)}|the minister]]"
            elif pick < 0.7:
                ref = f"[[issue:{rng.choice(issues)}]]"
            elif pick < 0.8:
                ref = f"[[event:{rng.choice(events)}|that meeting]]"
            elif pick < 0.9:
                ref = f"[[question:{rng.choice(questions)}|an open question]]"
            else:
                ref = f"[[source:{rng.choice(sources)}|one report]]"
            words = sentence.split(" ")
            at = rng.randrange(1, max(2, len(words)))
            bits.append(" ".join([*words[:at], ref, *words[at:]]))
        return " ".join(bits)

    for index, (name, title) in enumerate(zip(files, SECTION_TITLES, strict=True)):
        description = json.dumps(t.sentence(rng.randint(80, 150)), ensure_ascii=False)
        lines = ["---", f"title: {json.dumps(title)}", f"description: {description}", "---", "",
                 f"# {title}", "", paragraph(), ""]
        for heading in range(4):
            lines += [f"## {t.sentence(rng.randint(15, 40), end='')}", "", paragraph(), ""]
            block = (heading + index) % 4
            if block == 0:
                lines.append(f"[[quote:{rng.choice(quotes)}]]")
            elif block == 1:
                lines.append(f"[[stances:{rng.choice(issues)}]]")
            elif block == 2:
                ids = rng.sample(questions, min(len(questions), 2))
                lines.append(f"[[questions:{','.join(ids)}]]")
            else:
                ids = rng.sample(events, min(len(events), 3))
                lines.append(f"[[events:{','.join(ids)}]]")
            lines += ["", paragraph(), ""]
        lines += ["The syntax is shown, not expanded, inside code: `[[actor:some-id]]`.", ""]
        following = files[(index + 1) % len(files)]
        lines += [f"Read on: [{SECTION_TITLES[(index + 1) % len(files)]}]({following}).", ""]
        (content_dir / name).write_text("\n".join(lines), encoding="utf-8")
        pages.append((title, name))
    return pages


# -- the project around it -------------------------------------------------------------


def bench_mkdocs_yml(real: str, sections: list[tuple[str, str]]) -> str:
    """The real mkdocs.yml with its top-level nav replaced: the sections, then the real
    nav's entries for generated index pages (`- Title: kind/index.md`)."""
    lines = real.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("nav:"))
    end = next((i for i in range(start + 1, len(lines))
                if lines[i] and not lines[i][0].isspace() and not lines[i].startswith("#")),
               len(lines))
    generated = [line.strip() for line in lines[start + 1:end]
                 if re.match(r"^  - [^:]+: [a-z0-9-]+/index\.md\s*$", line)]
    nav = ["nav:", f"  - Overview: {sections[0][1]}", "  - The story:"]
    nav += [f"      - {json.dumps(title)}: {name}" for title, name in sections[1:]]
    nav += [f"  {entry}" for entry in generated]
    return "\n".join([*lines[:start], *nav, *lines[end:]]) + "\n"


def generate(out: Path, actors: int, seed: int = 1, repo: Path = REPO,
             overrides: Path | None = None) -> dict:
    """Write one project into `out` (emptied first if it holds an earlier one); its
    templates are a copy of `overrides` (default: the repository's overrides/)."""
    if out.exists():
        if any(out.iterdir()) and not (out / MARKER).exists():
            raise SystemExit(f"generate.py: {out} is not empty and was not written by "
                             "generate.py; refusing to delete it")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    structure = build_structure(actors, seed)
    scales = write_data(out / "data", structure, seed)
    sections = write_content(out / "content", structure, seed)
    assets = repo / "content" / "assets"
    if assets.is_dir():
        shutil.copytree(assets, out / "content" / "assets")
    shutil.copytree(overrides or repo / "overrides", out / "overrides")
    if (repo / "schemas").is_dir():
        shutil.copytree(repo / "schemas", out / "schemas")
    real = (repo / "mkdocs.yml").read_text(encoding="utf-8")
    (out / "mkdocs.yml").write_text(bench_mkdocs_yml(real, sections), encoding="utf-8")
    info = {"actors": actors, "seed": seed,
            "counts": {kind: len(rows) for kind, rows in structure.items()},
            "data_bytes": {p.stem: p.stat().st_size for p in sorted((out / "data").glob("*"))},
            "text_scale": scales}
    (out / MARKER).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--actors", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--out", type=Path, default=Path("/tmp/explainer-bench-projects"))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    for n in args.actors:
        target = args.out / f"actors-{n}"
        info = generate(target, n, args.seed)
        shrunk = {k: v for k, v in info["text_scale"].items() if v < 1}
        note = f"; text shortened to fit 1 MiB: {shrunk}" if shrunk else ""
        counts = ", ".join(f"{v} {k}" for k, v in info["counts"].items())
        print(f"{target}: {counts}{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
