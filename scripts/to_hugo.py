#!/usr/bin/env python3
"""Converts a generated briefing corpus (examples/gen_corpus) into a Hugo site with the
same articles and the same kinds of pages as scripts/to_zola.py makes for Zola, for
side-by-side benchmarks (issue 25):

    scripts/to_hugo.py target/bench/c10000 target/bench/hugo10000

scripts/bench runs it (PEERS=hugo). Written for Hugo 0.111 (Debian 12's `hugo` package).
The site has what the Zola one has (see to_zola.py), in Hugo's terms:

- every article at /articles/<slug>/ (front matter `url`), in nested sections
  archive/YEAR/MONTH, with its title, date, source, actor and tag links and the whole body
  (Goldmark, footnotes, typographer);
- tags, actors and sources as taxonomies: a list of terms with counts, and a page per
  term listing every one of its articles as briefing's cards (no pagination);
- Atom, RSS and JSON feeds (output formats) of 20 entries for the site (bodies) and every
  term (summaries);
- /archive/ and a page per year and month listing its articles; the home page listing
  every article; sitemap.xml, robots.txt, 404.html, and search.json (titles, summaries
  and names, as briefing's).

The summary and the number of notes come ready-made in the front matter, as for Zola.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from to_zola import FEED_LIMIT, articles, replace_folder, site_title  # noqa: E402


def main(src, out):
    replace_folder(out, "hugo.toml")
    content = os.path.join(out, "content")
    months = {}
    count = 0
    for a in articles(src):
        year, month = a["date"][:4], a["date"][5:7]
        months[(year, month)] = months.get((year, month), 0) + 1
        front = json.dumps({
            "title": a["title"],
            "date": a["date"],
            "url": f"/articles/{a['slug']}/",
            "description": a["summary"],
            "tags": a["tags"],
            "actors": a["actors"],
            "sources": [a["source"]],
            "notes": a["notes"],
        }, ensure_ascii=False)
        folder = os.path.join(content, "archive", year, month)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, a["slug"] + ".md"), "w", encoding="utf-8") as o:
            o.write(front + "\n\n" + a["body"])  # JSON front matter: Hugo reads it fastest
        count += 1

    def section(path, front):
        with open(os.path.join(content, path, "_index.md"), "w", encoding="utf-8") as o:
            o.write(json.dumps(front) + "\n")

    section("", {"title": "Home"})
    section("archive", {"title": "Archive", "layout": "years"})
    years = {}
    for (year, month), n in months.items():
        years[year] = years.get(year, 0) + n
        section(os.path.join("archive", year, month), {"title": f"{year}-{month}"})
    for year in years:
        section(os.path.join("archive", year), {"title": year})

    with open(os.path.join(out, "hugo.toml"), "w", encoding="utf-8") as o:
        o.write(CONFIG.replace("TITLE", json.dumps(site_title(src), ensure_ascii=False))
                .replace("LIMIT", str(FEED_LIMIT)))
    for name, text in LAYOUTS.items():
        path = os.path.join(out, "layouts", name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as o:
            o.write(text.lstrip("\n"))
    print(f"{count} articles as a Hugo site in {out}")


CONFIG = """
baseURL = "https://example.org/corpus/"
title = TITLE
languageCode = "en"
enableRobotsTXT = true
disableKinds = []
relativeURLs = false
[params]
description = "Generated briefings"
[services.rss]
limit = LIMIT
[taxonomies]
tag = "tags"
actor = "actors"
source = "sources"
[mediaTypes."application/atom+xml"]
suffixes = ["xml"]
[mediaTypes."application/feed+json"]
suffixes = ["json"]
[outputFormats.RSS]
baseName = "rss"
[outputFormats.Atom]
mediaType = "application/atom+xml"
baseName = "atom"
isPlainText = true
[outputFormats.JSONFeed]
mediaType = "application/feed+json"
baseName = "feed"
isPlainText = true
[outputFormats.Search]
mediaType = "application/json"
baseName = "search"
isPlainText = true
[outputs]
home = ["HTML", "Atom", "RSS", "JSONFeed", "Search"]
section = ["HTML"]
taxonomy = ["HTML"]
term = ["HTML", "Atom", "RSS", "JSONFeed"]
[markup.goldmark.extensions]
typographer = true
footnote = true
"""

CARD = """
<li class="article-item">
  <h3 class="item-title"><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3>
  <p class="item-meta"><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>{{ range .Params.sources }} · <a href="/sources/{{ urlize . }}/">{{ . }}</a>{{ end }}{{ with .Params.notes }} · <span class="note-count">{{ . }} context note{{ if ne (int .) 1 }}s{{ end }}</span>{{ end }}</p>
  <p class="item-summary">{{ .Description }}</p>
  <ul class="chips" aria-label="Actors">{{ range .Params.actors }}<li><a class="chip actor" href="/actors/{{ urlize . }}/">{{ . }}</a></li>{{ end }}</ul>
</li>
"""

LAYOUTS = {
    "partials/card.html": CARD,
    "_default/baseof.html": """
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ .Site.Title }}{{ end }}</title>
<meta name="generator" content="Hugo">
<link rel="canonical" href="{{ .Permalink }}">
<meta property="og:site_name" content="{{ .Site.Title }}">
<meta property="og:url" content="{{ .Permalink }}">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/atom+xml" title="{{ .Site.Title }} (Atom)" href="/atom.xml">
<link rel="alternate" type="application/rss+xml" title="{{ .Site.Title }} (RSS)" href="/rss.xml">
<link rel="alternate" type="application/feed+json" title="{{ .Site.Title }} (JSON Feed)" href="/feed.json">
{{ block "head" . }}{{ end }}
</head>
<body>
<header class="site-header"><a class="site-title" href="/">{{ .Site.Title }}</a>
<nav><a href="/archive/">Archive</a> <a href="/tags/">Tags</a> <a href="/actors/">Actors</a> <a href="/sources/">Sources</a></nav></header>
<main id="main">
{{ block "main" . }}{{ end }}
</main>
<footer class="site-footer"><a href="/atom.xml">Feed</a></footer>
</body>
</html>
""",
    "404.html": """
{{ define "title" }}Not found · {{ .Site.Title }}{{ end }}
{{ define "main" }}<h1 class="page-title">Not found</h1>
<p>There is no page here. <a href="/">Home</a></p>
{{ end }}
""",
    "index.html": """
{{ define "main" }}<h1 class="page-title">{{ .Site.Title }}</h1>
<ol class="article-list">
{{ range .Site.RegularPages.ByDate.Reverse }}{{ partial "card.html" . }}{{ end }}</ol>
{{ end }}
""",
    "_default/years.html": """
{{ define "title" }}Archive · {{ .Site.Title }}{{ end }}
{{ define "main" }}<h1 class="page-title">Archive</h1>
{{ range .Sections.ByTitle.Reverse }}<section class="archive-year">
  <h2 class="list-heading"><a href="{{ .RelPermalink }}">{{ .Title }}</a> <span class="count">{{ len .RegularPagesRecursive }} briefings</span></h2>
  <ul class="term-list archive-months">
{{ range .Sections.ByTitle.Reverse }}    <li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <span class="count">{{ len .RegularPages }}</span></li>
{{ end }}  </ul>
</section>
{{ end }}{{ end }}
""",
    "_default/list.html": """
{{ define "title" }}{{ .Title }} · {{ .Site.Title }}{{ end }}
{{ define "main" }}<p class="kicker"><a href="/archive/">Archive</a></p>
<h1 class="page-title">{{ .Title }}</h1>
{{ $pages := .RegularPagesRecursive.ByDate.Reverse }}<h2 class="list-heading">{{ len $pages }} briefings</h2>
<ol class="article-list">
{{ range $pages }}{{ partial "card.html" . }}{{ end }}</ol>
{{ end }}
""",
    "_default/single.html": """
{{ define "title" }}{{ .Title }} · {{ .Site.Title }}{{ end }}
{{ define "main" }}<article class="briefing">
<header class="briefing-header">
<p class="kicker"><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "Monday 2 January 2006" }}</time></p>
<h1 class="briefing-title">{{ .Title }}</h1>
<p class="briefing-source">{{ range .Params.sources }}<a href="/sources/{{ urlize . }}/">{{ . }}</a>{{ end }}</p>
<ul class="chips" aria-label="Actors">{{ range .Params.actors }}<li><a class="chip actor" href="/actors/{{ urlize . }}/">{{ . }}</a></li>{{ end }}</ul>
<ul class="chips" aria-label="Tags">{{ range .Params.tags }}<li><a class="chip tag" href="/tags/{{ urlize . }}/">{{ . }}</a></li>{{ end }}</ul>
</header>
<div class="briefing-body">
{{ .Content }}
</div>
</article>
{{ end }}
""",
    "_default/taxonomy.html": """
{{ define "title" }}{{ .Title }} · {{ .Site.Title }}{{ end }}
{{ define "main" }}<h1 class="page-title">{{ .Title }}</h1>
<ul class="term-list">
{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> <span class="count">{{ .Count }}</span></li>
{{ end }}</ul>
{{ end }}
""",
    "_default/term.html": """
{{ define "title" }}{{ .Title }} · {{ .Site.Title }}{{ end }}
{{ define "head" }}<link rel="alternate" type="application/atom+xml" title="{{ .Site.Title }}: {{ .Title }} (Atom)" href="{{ .RelPermalink }}atom.xml">
<link rel="alternate" type="application/rss+xml" title="{{ .Site.Title }}: {{ .Title }} (RSS)" href="{{ .RelPermalink }}rss.xml">
<link rel="alternate" type="application/feed+json" title="{{ .Site.Title }}: {{ .Title }} (JSON Feed)" href="{{ .RelPermalink }}feed.json">
{{ end }}
{{ define "main" }}<p class="kicker"><a href="/{{ .Data.Plural }}/">{{ .Data.Plural | title }}</a></p>
<h1 class="page-title">{{ .Title }}</h1>
<section>
  <h2 class="list-heading">{{ len .Pages }} briefings</h2>
  <ol class="article-list">
{{ range .Pages }}{{ partial "card.html" . }}{{ end }}  </ol>
</section>
{{ end }}
""",
    # A term's feeds carry summaries, the whole site's the bodies, as briefing's do.
    "_default/list.atom.xml": """
{{ $pages := .Pages }}{{ if .IsHome }}{{ $pages = .Site.RegularPages }}{{ end }}{{ $pages = first LIMIT $pages.ByDate.Reverse }}<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>{{ .Site.Title }}{{ if not .IsHome }}: {{ .Title }}{{ end }}</title>
  <id>{{ .Permalink }}atom.xml</id>
  <link rel="self" type="application/atom+xml" href="{{ .Permalink }}atom.xml"/>
  <link rel="alternate" type="text/html" href="{{ .Permalink }}"/>
  <updated>{{ .Date.Format "2006-01-02T15:04:05-07:00" }}</updated>
  <author><name>{{ .Site.Title }}</name></author>
  <generator>Hugo</generator>
{{ $home := .IsHome }}{{ range $pages }}  <entry>
    <title>{{ .Title }}</title>
    <id>{{ .Permalink }}</id>
    <link rel="alternate" type="text/html" href="{{ .Permalink }}"/>
    <published>{{ .Date.Format "2006-01-02T15:04:05-07:00" }}</published>
    <updated>{{ .Lastmod.Format "2006-01-02T15:04:05-07:00" }}</updated>
{{ range .Params.tags }}    <category term="{{ urlize . }}" label="{{ . }}"/>
{{ end }}{{ if $home }}    <content type="html" xml:base="{{ .Permalink }}">{{ .Content | html }}</content>
{{ else }}    <summary>{{ .Description }}</summary>
{{ end }}  </entry>
{{ end }}</feed>
""",
    "_default/list.rss.xml": """
{{ $pages := .Pages }}{{ if .IsHome }}{{ $pages = .Site.RegularPages }}{{ end }}{{ $pages = first LIMIT $pages.ByDate.Reverse }}<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
  <title>{{ .Site.Title }}{{ if not .IsHome }}: {{ .Title }}{{ end }}</title>
  <link>{{ .Permalink }}</link>
  <description>{{ .Site.Params.description }}</description>
  <atom:link href="{{ .Permalink }}rss.xml" rel="self" type="application/rss+xml"/>
  <generator>Hugo</generator>
{{ $home := .IsHome }}{{ range $pages }}  <item>
    <title>{{ .Title }}</title>
    <link>{{ .Permalink }}</link>
    <guid isPermaLink="true">{{ .Permalink }}</guid>
    <pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" }}</pubDate>
{{ range .Params.tags }}    <category>{{ . }}</category>
{{ end }}    <description>{{ if $home }}{{ .Content | html }}{{ else }}{{ .Description }}{{ end }}</description>
  </item>
{{ end }}</channel>
</rss>
""",
    "_default/list.jsonfeed.json": """
{{ $pages := .Pages }}{{ if .IsHome }}{{ $pages = .Site.RegularPages }}{{ end }}{{ $pages = first LIMIT $pages.ByDate.Reverse }}{{ $home := .IsHome }}{"version":"https://jsonfeed.org/version/1.1","title":{{ if $home }}{{ .Site.Title | jsonify }}{{ else }}{{ printf "%s: %s" .Site.Title .Title | jsonify }}{{ end }},"home_page_url":{{ .Permalink | jsonify }},"feed_url":{{ printf "%sfeed.json" .Permalink | jsonify }},"items":[{{ range $i, $p := $pages }}{{ if $i }},{{ end }}{"id":{{ $p.Permalink | jsonify }},"url":{{ $p.Permalink | jsonify }},"title":{{ $p.Title | jsonify }},"date_published":{{ $p.Date.Format "2006-01-02T15:04:05-07:00" | jsonify }},"tags":{{ $p.Params.tags | jsonify }},{{ if $home }}"content_html":{{ $p.Content | jsonify }}{{ else }}"summary":{{ $p.Description | jsonify }}{{ end }}}{{ end }}]}
""",
    "index.search.json": """
{"version":1,"articles":[{{ range $i, $p := .Site.RegularPages.ByDate.Reverse }}{{ if $i }},{{ end }}{"title":{{ $p.Title | jsonify }},"url":{{ $p.RelPermalink | jsonify }},"date":{{ $p.Date.Format "2006-01-02" | jsonify }},"summary":{{ $p.Description | jsonify }},"actors":{{ $p.Params.actors | jsonify }},"tags":{{ $p.Params.tags | jsonify }},"source":{{ index $p.Params.sources 0 | jsonify }}}{{ end }}]}
""",
}
LAYOUTS = {k: v.replace("LIMIT", str(FEED_LIMIT)) for k, v in LAYOUTS.items()}

if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: scripts/to_hugo.py CORPUS HUGO_SITE")
    main(sys.argv[1], sys.argv[2])
