"""Validates a built site's XML against the schemas beside this file, with lxml:
sitemap.xml (a urlset, or an index of urlsets past 50,000 pages), Google's
news-sitemap.xml, every atom.xml (RFC 4287's RELAX NG) and every rss.xml (RSS 2.0,
rss-2.0.rng). Also checks that the sitemaps list every HTML page but the not-found page,
each once. Usage: schemas.py OUTPUT_DIR BASE_URL. Exits 1 on any problem."""

import pathlib
import sys

from lxml import etree

here = pathlib.Path(__file__).parent / "schemas"
out = pathlib.Path(sys.argv[1])
base = sys.argv[2].rstrip("/") + "/"
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
problems = []


def schema(name):
    tree = etree.parse(str(here / name))
    return etree.RelaxNG(tree) if name.endswith(".rng") else etree.XMLSchema(tree)


def check(validator, path):
    doc = etree.parse(str(path))
    if not validator.validate(doc):
        for e in validator.error_log:
            problems.append(f"{path.relative_to(out)}:{e.line}: {e.message}")
    return doc


urlset, index = schema("sitemap.xsd"), schema("sitemap-index.xsd")
atom, rss = schema("atom.rng"), schema("rss-2.0.rng")
news = schema("news-sitemap.xsd")

top = etree.parse(str(out / "sitemap.xml")).getroot()
if top.tag == NS + "sitemapindex":
    check(index, out / "sitemap.xml")
    parts = [loc.text[len(base):] for loc in top.iter(NS + "loc")]
else:
    parts = ["sitemap.xml"]
listed = []
for part in parts:
    doc = check(urlset, out / part)
    listed += [loc.text for loc in doc.iter(NS + "loc")]
# Every page to index: none that says noindex (the not-found and search pages, the
# redirect pages left at old URLs, the notices of withdrawn articles).
NOINDEX = '<meta name="robots" content="noindex">'
pages = sorted(
    base + str(p.relative_to(out)).removesuffix("index.html")
    for p in out.rglob("*.html")
    if NOINDEX not in p.read_text(encoding="utf-8")
)
if len(listed) != len(set(listed)):
    problems.append(f"sitemaps: {len(listed) - len(set(listed))} URLs listed twice")
if sorted(set(listed)) != pages:  # listed noindex pages show up as "not pages"
    missing = sorted(set(pages) - set(listed))[:5]
    extra = sorted(set(listed) - set(pages))[:5]
    problems.append(f"sitemaps: missing {missing}, not pages {extra}")

# Google's news sitemap: the articles of the 48 hours before the build, each a page.
news_doc = check(news, out / "news-sitemap.xml")
for loc in news_doc.iter(NS + "loc"):
    if loc.text not in listed:
        problems.append(f"news-sitemap.xml: {loc.text} is no page the sitemaps list")
if f"Sitemap: {base}news-sitemap.xml" not in (out / "robots.txt").read_text():
    problems.append("robots.txt: does not name news-sitemap.xml")

feeds = sorted(out.rglob("atom.xml"))
for feed in feeds:
    check(atom, feed)
rss_feeds = sorted(out.rglob("rss.xml"))
for feed in rss_feeds:
    check(rss, feed)

for p in problems[:50]:
    print(p)
print(
    f"schemas: {len(parts)} sitemap(s), {len(listed)} URLs, {len(feeds)} Atom feeds, "
    f"{len(rss_feeds)} RSS feeds, "
    f"{len(problems)} problems"
)
sys.exit(1 if problems else 0)
