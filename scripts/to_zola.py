#!/usr/bin/env python3
"""Converts a generated briefing corpus (examples/gen_corpus) into a Zola site with the
same articles and the same pages, for side-by-side benchmarks (issue 25):

    scripts/to_zola.py target/bench/c10000 target/bench/zola10000

Every article becomes a page with its title, date, source, actors and tags; actors, tags
and sources are Zola taxonomies with a page per term listing all of its articles (no
pagination, as briefing's term pages) and a feed; the home page lists every article. The
templates are minimal and escape as briefing's do, so the two do comparable work.
Standard library only: the corpus's front matter is the generator's fixed shape.
"""
import json, os, re, sys

src, out = sys.argv[1], sys.argv[2]
os.makedirs(os.path.join(out, "content"), exist_ok=True)
os.makedirs(os.path.join(out, "templates"), exist_ok=True)

def toml_str(s):
    return json.dumps(s, ensure_ascii=False)

count = 0
for root, _, files in os.walk(os.path.join(src, "content")):
    if os.sep + "actors" in root or root.endswith("authors"):
        continue
    for f in files:
        if not f.endswith(".md"):
            continue
        text = open(os.path.join(root, f), encoding="utf-8").read()
        _, yaml, body = text.split("---\n", 2)
        title = re.search(r'^title: (.*)$', yaml, re.M).group(1)
        date = re.search(r'^date: (\S+)', yaml, re.M).group(1)
        source = re.search(r'^  name: (.*)$', yaml, re.M).group(1)
        actors = json.loads(re.search(r'^actors: (.*)$', yaml, re.M).group(1))
        tags = json.loads(re.search(r'^tags: (.*)$', yaml, re.M).group(1))
        title = json.loads(title) if title.startswith('"') else title
        front = (
            "+++\n"
            f"title = {toml_str(title)}\n"
            f"date = {date}\n"
            "[taxonomies]\n"
            f"tags = {json.dumps(tags, ensure_ascii=False)}\n"
            f"actors = {json.dumps(actors, ensure_ascii=False)}\n"
            f"sources = [{toml_str(source)}]\n"
            "+++\n"
        )
        name = f[:-3]
        with open(os.path.join(out, "content", name + ".md"), "w", encoding="utf-8") as o:
            o.write(front + body)
        count += 1

with open(os.path.join(out, "content", "_index.md"), "w") as o:
    o.write('+++\nsort_by = "date"\n+++\n')
with open(os.path.join(out, "config.toml"), "w") as o:
    o.write(
        'base_url = "https://example.org/corpus"\ntitle = "Corpus"\n'
        'generate_feeds = true\ncompile_sass = false\nbuild_search_index = true\n'
        'taxonomies = [\n  { name = "tags", feed = true },\n  { name = "actors", feed = true },\n'
        '  { name = "sources", feed = true },\n]\n\n[markdown]\nsmart_punctuation = true\n'
    )
templates = {
    "base.html": '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{% block title %}{{ config.title }}{% endblock %}</title></head><body>{% block content %}{% endblock %}</body></html>',
    "index.html": '{% extends "base.html" %}{% block content %}<ul>{% for p in section.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a> <time>{{ p.date }}</time></li>{% endfor %}</ul>{% endblock %}',
    "page.html": '{% extends "base.html" %}{% block title %}{{ page.title }}{% endblock %}{% block content %}<article><h1>{{ page.title }}</h1><time>{{ page.date }}</time>{% for name, terms in page.taxonomies %}<ul>{% for t in terms %}<li><a href="{{ get_taxonomy_url(kind=name, name=t) }}">{{ t }}</a></li>{% endfor %}</ul>{% endfor %}{{ page.content | safe }}</article>{% endblock %}',
    "taxonomy_list.html": '{% extends "base.html" %}{% block content %}<ul>{% for t in terms %}<li><a href="{{ t.permalink }}">{{ t.name }}</a> {{ t.pages | length }}</li>{% endfor %}</ul>{% endblock %}',
    "taxonomy_single.html": '{% extends "base.html" %}{% block content %}<h1>{{ term.name }}</h1><ul>{% for p in term.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a> <time>{{ p.date }}</time> {{ p.summary | default(value="") | safe }}</li>{% endfor %}</ul>{% endblock %}',
}
for name, text in templates.items():
    with open(os.path.join(out, "templates", name), "w") as o:
        o.write(text)
print(f"{count} articles as a Zola site in {out}")
