#!/usr/bin/env python3
"""Converts a generated briefing corpus (examples/gen_corpus) into a Zola site with the
same articles and the same kinds of pages, for side-by-side benchmarks (issue 25):

    scripts/to_zola.py target/bench/c10000 target/bench/zola10000

scripts/bench runs it (PEERS=zola). What the Zola site has, page for page with briefing's
default theme on the same corpus:

- every article at /articles/<slug>/ (front matter `path`), with its title, date, source,
  actor and tag links and the whole body (Markdown with notes as footnotes, smart
  punctuation);
- tags, actors and sources as taxonomies: a list of terms with counts, and a page per term
  listing every one of its articles (no pagination) as briefing's cards do: title, date,
  source, note count, the one-paragraph summary and the actor chips;
- Atom, RSS and JSON feeds (`feed_filenames`) for the whole site and for every term, 20
  entries each (`feed_limit`): the whole site's with bodies, a term's with summaries, as
  briefing's;
- the archive: /archive/, a page per year and per month listing every article as cards
  (transparent sections, so the home page lists all articles too);
- the home page listing every article as a card; sitemap.xml, robots.txt, 404.html; a
  search index of titles and summaries (elasticlunr JSON; briefing's search.json has
  titles, summaries and names).

What it does not have (briefing's extra work, not given to Zola): editions (a page, an
email.html and an email.txt per day with articles), the corrections page and its feeds,
the news sitemap, actor profiles, related articles and "actors in these briefings" on
each page, JSON-LD and preview tags. The summary is taken here, by this script, as
briefing takes it when it builds (the first paragraph as plain text, cut at 300
characters): Zola gets it ready-made as each page's `description`, and the number of
notes as `extra.notes`.

Standard library only: the corpus's front matter is the generator's fixed shape. The
output folder is replaced.
"""
import json
import os
import re
import shutil
import sys

AUTO_SUMMARY = 300  # src/content/bodies.rs
FEED_LIMIT = 20

LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
NOTE_REF = re.compile(r"\[\^[^\]]*\]")
EMPHASIS = re.compile(r"(\*\*|\*|__|_)(\S(?:.*?\S)?)\1")
NOTE_DEF = re.compile(r"^\[\^[^\]]+\]:", re.M)


def toml_str(s):
    return json.dumps(s, ensure_ascii=False)


def shorten(text, limit):
    """briefing's text::shorten: at most `limit` characters, cut at a space, then '…'."""
    if len(text) <= limit:
        return text
    cut = limit if text[limit].isspace() else text.rfind(" ", 0, limit)
    if cut < 0:
        cut = limit
    return text[:cut].rstrip() + "…"


def summary(body):
    """The first top-level paragraph as plain text (no links, emphasis or note marks)."""
    for block in body.split("\n\n"):
        block = block.strip()
        if block and not block.startswith(("#", ">", "-", "*", "[^", "|", "```")):
            text = NOTE_REF.sub("", block)
            text = LINK.sub(r"\1", text)
            text = EMPHASIS.sub(r"\2", text)
            return shorten(" ".join(text.split()), AUTO_SUMMARY)
    return ""


def articles(src):
    """Every article of corpus `src`, in a stable order, as a dict (to_hugo.py uses it too)."""
    for root, dirs, files in os.walk(os.path.join(src, "content")):
        dirs[:] = sorted(d for d in dirs if d not in ("actors", "authors"))
        for f in sorted(files):
            if not f.endswith(".md") or f.startswith("_"):
                continue
            text = open(os.path.join(root, f), encoding="utf-8").read()
            _, yaml, body = text.split("---\n", 2)
            title = re.search(r"^title: (.*)$", yaml, re.M).group(1)
            yield {
                "slug": re.sub(r"^\d{4}-\d{2}-\d{2}-", "", f[:-3]),
                "title": json.loads(title) if title.startswith('"') else title,
                "date": re.search(r"^date: (\S+)", yaml, re.M).group(1),
                "source": re.search(r"^  name: (.*)$", yaml, re.M).group(1),
                "actors": json.loads(re.search(r"^actors: (.*)$", yaml, re.M).group(1)),
                "tags": json.loads(re.search(r"^tags: (.*)$", yaml, re.M).group(1)),
                "summary": summary(body),
                "notes": len(NOTE_DEF.findall(body)),
                "body": body,
            }


def site_title(src):
    title = re.search(r'^title = "(.*)"$', open(os.path.join(src, "site.toml")).read(), re.M)
    return title.group(1) if title else "Corpus"


def replace_folder(out, marker):
    """Removes `out` if it is a site this script made (it has `marker`)."""
    if os.path.exists(out):
        if not os.path.exists(os.path.join(out, marker)):
            sys.exit(f"{out} exists and is not a site made by this script: not replaced")
        shutil.rmtree(out)


def main(src, out):
    replace_folder(out, "config.toml")
    content = os.path.join(out, "content")
    os.makedirs(os.path.join(out, "templates"))
    months = {}
    count = 0
    for a in articles(src):
        year, month = a["date"][:4], a["date"][5:7]
        months[(year, month)] = months.get((year, month), 0) + 1
        front = (
            "+++\n"
            f"title = {toml_str(a['title'])}\n"
            f"date = {a['date']}\n"
            f'path = "articles/{a["slug"]}"\n'
            f"description = {toml_str(a['summary'])}\n"
            "[taxonomies]\n"
            f"tags = {json.dumps(a['tags'], ensure_ascii=False)}\n"
            f"actors = {json.dumps(a['actors'], ensure_ascii=False)}\n"
            f"sources = [{toml_str(a['source'])}]\n"
            "[extra]\n"
            f"notes = {a['notes']}\n"
            "+++\n"
        )
        folder = os.path.join(content, "archive", year, month)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, a["slug"] + ".md"), "w", encoding="utf-8") as o:
            o.write(front + a["body"])
        count += 1

    def section(path, front):
        with open(os.path.join(content, path, "_index.md"), "w", encoding="utf-8") as o:
            o.write("+++\n" + front + "+++\n")

    section("", 'title = "Home"\nsort_by = "date"\n')
    section("archive", 'title = "Archive"\nsort_by = "date"\ntransparent = true\n'
            'template = "archive.html"\n')
    # A year's and a month's number of articles are given in `extra.count`: the archive
    # page shows them, and Zola's get_section gives the count only with every page.
    years = {}
    for (year, month), n in months.items():
        years[year] = years.get(year, 0) + n
        section(os.path.join("archive", year, month), f'title = "{year}-{month}"\n'
                'sort_by = "date"\ntransparent = true\ntemplate = "archive_list.html"\n'
                f"[extra]\ncount = {n}\n")
    for year, n in years.items():
        section(os.path.join("archive", year), f'title = "{year}"\nsort_by = "date"\n'
                'transparent = true\ntemplate = "archive_list.html"\n'
                f"[extra]\ncount = {n}\n")

    with open(os.path.join(out, "config.toml"), "w", encoding="utf-8") as o:
        o.write(
            'base_url = "https://example.org/corpus"\n'
            f"title = {toml_str(site_title(src))}\n"
            'description = "Generated briefings"\n'
            "generate_feeds = true\n"
            'feed_filenames = ["atom.xml", "rss.xml", "feed.json"]\n'
            f"feed_limit = {FEED_LIMIT}\n"
            "compile_sass = false\nbuild_search_index = true\n"
            "taxonomies = [\n"
            '  { name = "tags", feed = true },\n'
            '  { name = "actors", feed = true },\n'
            '  { name = "sources", feed = true },\n'
            "]\n\n"
            "[markdown]\nsmart_punctuation = true\n\n"
            "[search]\ninclude_title = true\ninclude_content = false\n"
            'include_description = true\nindex_format = "elasticlunr_json"\n'
        )
    for name, text in TEMPLATES.items():
        with open(os.path.join(out, "templates", name), "w", encoding="utf-8") as o:
            o.write(text.lstrip("\n"))
    print(f"{count} articles as a Zola site in {out}")


# Markup close to briefing's default theme, so the two write comparable bytes.
TEMPLATES = {
    "macros.html": """
{% macro card(p) %}<li class="article-item">
  <h3 class="item-title"><a href="{{ p.path | safe }}">{{ p.title }}</a></h3>
  <p class="item-meta"><time datetime="{{ p.date }}">{{ p.date | date(format="%-d %B %Y") }}</time>{% for s in p.taxonomies.sources %} · <a href="/sources/{{ s | slugify }}/">{{ s }}</a>{% endfor %}{% if p.extra.notes %} · <span class="note-count">{{ p.extra.notes }} context note{{ p.extra.notes | pluralize }}</span>{% endif %}</p>
  <p class="item-summary">{{ p.description }}</p>
  <ul class="chips" aria-label="Actors">{% for a in p.taxonomies.actors %}<li><a class="chip actor" href="/actors/{{ a | slugify }}/">{{ a }}</a></li>{% endfor %}</ul>
</li>
{% endmacro card %}
""",
    "base.html": """
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{{ config.title }}{% endblock title %}</title>
<meta name="generator" content="Zola">
<link rel="canonical" href="{{ current_url | default(value=config.base_url) | safe }}">
<meta property="og:site_name" content="{{ config.title }}">
<meta property="og:url" content="{{ current_url | default(value=config.base_url) | safe }}">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/atom+xml" title="{{ config.title }} (Atom)" href="/atom.xml">
<link rel="alternate" type="application/rss+xml" title="{{ config.title }} (RSS)" href="/rss.xml">
<link rel="alternate" type="application/feed+json" title="{{ config.title }} (JSON Feed)" href="/feed.json">
{% block head %}{% endblock head %}
</head>
<body>
<header class="site-header"><a class="site-title" href="/">{{ config.title }}</a>
<nav><a href="/archive/">Archive</a> <a href="/tags/">Tags</a> <a href="/actors/">Actors</a> <a href="/sources/">Sources</a></nav></header>
<main id="main">
{% block content %}{% endblock content %}
</main>
<footer class="site-footer"><a href="/atom.xml">Feed</a></footer>
</body>
</html>
""",
    "index.html": """
{% extends "base.html" %}{% import "macros.html" as m %}
{% block content %}<h1 class="page-title">{{ config.title }}</h1>
<ol class="article-list">
{% for p in section.pages %}{{ m::card(p=p) }}{% endfor %}</ol>
{% endblock content %}
""",
    "archive.html": """
{% extends "base.html" %}
{% block title %}Archive · {{ config.title }}{% endblock title %}
{% block content %}<h1 class="page-title">Archive</h1>
{% for y in section.subsections | sort | reverse %}{% set year = get_section(path=y, metadata_only=true) %}<section class="archive-year">
  <h2 class="list-heading"><a href="{{ year.path | safe }}">{{ year.title }}</a> <span class="count">{{ year.extra.count }} briefings</span></h2>
  <ul class="term-list archive-months">
{% for mp in year.subsections | sort | reverse %}{% set month = get_section(path=mp, metadata_only=true) %}    <li><a href="{{ month.path | safe }}">{{ month.title }}</a> <span class="count">{{ month.extra.count }}</span></li>
{% endfor %}  </ul>
</section>
{% endfor %}{% endblock content %}
""",
    "archive_list.html": """
{% extends "base.html" %}{% import "macros.html" as m %}
{% block title %}{{ section.title }} · {{ config.title }}{% endblock title %}
{% block content %}<p class="kicker"><a href="/archive/">Archive</a></p>
<h1 class="page-title">{{ section.title }}</h1>
<h2 class="list-heading">{{ section.pages | length }} briefings</h2>
<ol class="article-list">
{% for p in section.pages %}{{ m::card(p=p) }}{% endfor %}</ol>
{% endblock content %}
""",
    "page.html": """
{% extends "base.html" %}
{% block title %}{{ page.title }} · {{ config.title }}{% endblock title %}
{% block content %}<article class="briefing">
<header class="briefing-header">
<p class="kicker"><time datetime="{{ page.date }}">{{ page.date | date(format="%A %-d %B %Y") }}</time></p>
<h1 class="briefing-title">{{ page.title }}</h1>
<p class="briefing-source">{% for s in page.taxonomies.sources %}<a href="/sources/{{ s | slugify }}/">{{ s }}</a>{% endfor %}</p>
<ul class="chips" aria-label="Actors">{% for a in page.taxonomies.actors %}<li><a class="chip actor" href="/actors/{{ a | slugify }}/">{{ a }}</a></li>{% endfor %}</ul>
<ul class="chips" aria-label="Tags">{% for t in page.taxonomies.tags %}<li><a class="chip tag" href="/tags/{{ t | slugify }}/">{{ t }}</a></li>{% endfor %}</ul>
</header>
<div class="briefing-body">
{{ page.content | safe }}
</div>
</article>
{% endblock content %}
""",
    "taxonomy_list.html": """
{% extends "base.html" %}
{% block title %}{{ taxonomy.name | title }} · {{ config.title }}{% endblock title %}
{% block content %}<h1 class="page-title">{{ taxonomy.name | title }}</h1>
<ul class="term-list">
{% for t in terms %}<li><a href="{{ t.path | safe }}">{{ t.name }}</a> <span class="count">{{ t.page_count }}</span></li>
{% endfor %}</ul>
{% endblock content %}
""",
    "taxonomy_single.html": """
{% extends "base.html" %}{% import "macros.html" as m %}
{% block title %}{{ term.name }} · {{ config.title }}{% endblock title %}
{% block head %}<link rel="alternate" type="application/atom+xml" title="{{ config.title }}: {{ term.name }} (Atom)" href="{{ term.path | safe }}atom.xml">
<link rel="alternate" type="application/rss+xml" title="{{ config.title }}: {{ term.name }} (RSS)" href="{{ term.path | safe }}rss.xml">
<link rel="alternate" type="application/feed+json" title="{{ config.title }}: {{ term.name }} (JSON Feed)" href="{{ term.path | safe }}feed.json">
{% endblock head %}
{% block content %}<p class="kicker"><a href="/{{ taxonomy.name }}/">{{ taxonomy.name | title }}</a></p>
<h1 class="page-title">{{ term.name }}</h1>
<section>
  <h2 class="list-heading">{{ term.page_count }} briefings</h2>
  <ol class="article-list">
{% for p in term.pages %}{{ m::card(p=p) }}{% endfor %}  </ol>
</section>
{% endblock content %}
""",
    # A term's feeds carry summaries, the whole site's the bodies, as briefing's do.
    "atom.xml": """
<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{{ lang }}">
  <title>{{ config.title }}{% if term %}: {{ term.name }}{% endif %}</title>
  <id>{{ feed_url | safe }}</id>
  <link rel="self" type="application/atom+xml" href="{{ feed_url | safe }}"/>
  <link rel="alternate" type="text/html" href="{% if term %}{{ term.permalink | safe }}{% else %}{{ config.base_url | safe }}{% endif %}"/>
  {% if last_updated is defined %}<updated>{{ last_updated | date(format="%+") }}</updated>{% endif %}
  <author><name>{{ config.title }}</name></author>
  <generator>Zola</generator>
{% for page in pages %}  <entry>
    <title>{{ page.title }}</title>
    <id>{{ page.permalink | safe }}</id>
    <link rel="alternate" type="text/html" href="{{ page.permalink | safe }}"/>
    <published>{{ page.date | date(format="%+") }}</published>
    <updated>{{ page.updated | default(value=page.date) | date(format="%+") }}</updated>
{% for t in page.taxonomies.tags %}    <category term="{{ t | slugify }}" label="{{ t }}"/>
{% endfor %}{% if term %}    <summary>{{ page.description }}</summary>
{% else %}    <content type="html" xml:base="{{ page.permalink | safe }}">{{ page.content }}</content>
{% endif %}  </entry>
{% endfor %}</feed>
""",
    "rss.xml": """
<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
  <title>{{ config.title }}{% if term %}: {{ term.name }}{% endif %}</title>
  <link>{% if term %}{{ term.permalink | safe }}{% else %}{{ config.base_url | safe }}{% endif %}</link>
  <description>{{ config.description }}</description>
  <atom:link href="{{ feed_url | safe }}" rel="self" type="application/rss+xml"/>
  <generator>Zola</generator>
{% for page in pages %}  <item>
    <title>{{ page.title }}</title>
    <link>{{ page.permalink | safe }}</link>
    <guid isPermaLink="true">{{ page.permalink | safe }}</guid>
    <pubDate>{{ page.date | date(format="%a, %d %b %Y %H:%M:%S %z") }}</pubDate>
{% for t in page.taxonomies.tags %}    <category>{{ t }}</category>
{% endfor %}    <description>{% if term %}{{ page.description }}{% else %}{{ page.content }}{% endif %}</description>
  </item>
{% endfor %}</channel>
</rss>
""",
    "feed.json": """
{"version":"https://jsonfeed.org/version/1.1","title":{% if term %}{{ config.title ~ ": " ~ term.name | json_encode | safe }}{% else %}{{ config.title | json_encode | safe }}{% endif %},"home_page_url":{% if term %}{{ term.permalink | json_encode | safe }}{% else %}{{ config.base_url | json_encode | safe }}{% endif %},"feed_url":{{ feed_url | json_encode | safe }},"items":[{% for page in pages %}{"id":{{ page.permalink | json_encode | safe }},"url":{{ page.permalink | json_encode | safe }},"title":{{ page.title | json_encode | safe }},"date_published":{{ page.date | date(format="%+") | json_encode | safe }},"tags":{{ page.taxonomies.tags | json_encode | safe }},{% if term %}"summary":{{ page.description | json_encode | safe }}{% else %}"content_html":{{ page.content | json_encode | safe }}{% endif %}}{% if not loop.last %},{% endif %}{% endfor %}]}
""",
}

if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: scripts/to_zola.py CORPUS ZOLA_SITE")
    main(sys.argv[1], sys.argv[2])
