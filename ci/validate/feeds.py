"""Reads every feed of a built site as feed readers do: atom.xml and rss.xml with
feedparser (the parser behind many readers and RSS-to-email services), feed.json
with json against JSON Feed 1.1's required fields. Each must parse without
complaint (feedparser's `bozo`), as the format it claims, and the formats of one
place must list the same entries (ids, titles, dates, tags, authors) in the same
order. Usage: feeds.py OUTPUT_DIR. Exits 1 on any problem."""

import calendar
import datetime
import json
import pathlib
import sys

import feedparser

out = pathlib.Path(sys.argv[1])
problems = []


def instant(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def parsed(path, version):
    feed = feedparser.parse(path.read_bytes())
    where = path.relative_to(out)
    if feed.bozo:
        problems.append(f"{where}: {feed.bozo_exception}")
    if feed.version != version:
        problems.append(f"{where}: read as {feed.version!r}, not {version}")
    for field in ("title", "link"):
        if not feed.feed.get(field):
            problems.append(f"{where}: the feed has no {field}")
    entries = []
    for e in feed.entries:
        for field in ("id", "title", "link", "published_parsed"):
            if not e.get(field):
                problems.append(f"{where}: an entry has no {field}")
        if not (e.get("summary") or e.get("content")):
            problems.append(f"{where}: an entry has no text")
        entries.append(
            (
                e.get("id"),
                e.get("title"),
                e.get("published_parsed") and calendar.timegm(e.published_parsed),
                [t.get("label") or t.get("term") for t in e.get("tags", [])],
                [a.get("name") for a in e.get("authors", []) if a.get("name")],
            )
        )
    return entries


def json_feed(path):
    where = path.relative_to(out)
    try:
        feed = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as e:
        problems.append(f"{where}: {e}")
        return []
    if feed.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append(f"{where}: version {feed.get('version')!r}")
    for field in ("title", "home_page_url", "feed_url", "items"):
        if field not in feed:
            problems.append(f"{where}: no {field}")
    entries = []
    for item in feed.get("items", []):
        if "id" not in item:
            problems.append(f"{where}: an item has no id")
        if item.get("authors") == [] or item.get("tags") == []:
            problems.append(f"{where}: an empty list of authors or tags: leave it out")
        if "content_html" not in item and "content_text" not in item:
            problems.append(f"{where}: an item has neither content_html nor content_text")
        entries.append(
            (
                item.get("id"),
                item.get("title"),
                instant(item["date_published"]) if "date_published" in item else None,
                item.get("tags", []),
                [a.get("name") for a in item.get("authors", [])],
            )
        )
    return entries


places = sorted({p.parent for name in ("atom.xml", "rss.xml", "feed.json") for p in out.rglob(name)})
counts = {"atom": 0, "rss": 0, "json": 0}
for place in places:
    formats = {}
    if (place / "atom.xml").exists():
        formats["atom"] = parsed(place / "atom.xml", "atom10")
    if (place / "rss.xml").exists():
        formats["rss"] = parsed(place / "rss.xml", "rss20")
    if (place / "feed.json").exists():
        formats["json"] = json_feed(place / "feed.json")
    for name in formats:
        counts[name] += 1
    lists = list(formats.items())
    for name, entries in lists[1:]:
        if entries != lists[0][1]:
            first = next(
                (a, b) for a, b in zip(lists[0][1] + [None] * 99, entries + [None] * 99) if a != b
            )
            problems.append(
                f"{place.relative_to(out)}: {name} lists other entries than {lists[0][0]}: {first}"
            )

for p in problems[:50]:
    print(p)
print(
    f"feeds: {counts['atom']} Atom, {counts['rss']} RSS, {counts['json']} JSON Feed "
    f"read as readers read them, {len(problems)} problems"
)
sys.exit(1 if problems else 0)
