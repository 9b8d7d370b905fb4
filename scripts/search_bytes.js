// Bytes a search fetches, measured in headless Chromium over a served site: for each
// query, a fresh browser context (nothing cached) runs it the way a reader does and
// every response is logged. briefing: /search/?q=<query> until the first results are
// listed (search.js, search.json, the index files, the files of the results shown).
// Pagefind (when the site has /pagefind/): its JS API as its UI uses it, search() then
// data() of the first RESULTS results (pagefind.js, its WebAssembly, entry, meta,
// index chunks, filters, fragments). The search page's own HTML and CSS are counted
// for neither.
// Usage: node search_bytes.js http://127.0.0.1:PORT "query one" "query two" …
// Prints one JSON line a query and engine: {engine, query, results, files, bytes,
// gzip} (gzip: what the same files come to gzipped, as a host sends JSON; Pagefind's
// are gzipped already).
"use strict";
const { chromium } = require("playwright-core");
const zlib = require("zlib");
const base = process.argv[2].replace(/\/$/, "");
const queries = process.argv.slice(3);
const RESULTS = 10;

async function measure(browser, engine, query) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const fetched = [];
  page.on("response", async (r) => {
    const url = r.url();
    const wanted = engine === "briefing"
      ? /\/(search\.js|search\.json|search\/[tpd]\/)/.test(url)
      : /\/pagefind\//.test(url);
    if (!wanted) return;
    try {
      const body = await r.body();
      fetched.push({ url, bytes: body.length, gzip: /\.(json|js)$/.test(url) ? zlib.gzipSync(body).length : body.length });
    } catch (e) { fetched.push({ url, bytes: NaN, gzip: NaN }); }
  });
  let results;
  if (engine === "briefing") {
    await page.goto(`${base}/search/?q=${encodeURIComponent(query)}`, { waitUntil: "load" });
    await page.waitForFunction(() => {
      const s = document.getElementById("search-status").textContent;
      return /match|No briefing/.test(s);
    }, null, { timeout: 120000 });
    results = await page.evaluate(() => document.getElementById("search-status").textContent);
  } else {
    await page.goto(`${base}/404.html`, { waitUntil: "load" });
    results = await page.evaluate(async ([q, n]) => {
      const pf = await import("/pagefind/pagefind.js");
      await pf.init();
      const r = await pf.search(q);
      await Promise.all(r.results.slice(0, n).map((x) => x.data()));
      return r.results.length + " results";
    }, [query, RESULTS]);
  }
  // Responses are logged as they end: let the last ones land.
  await page.waitForTimeout(300);
  await context.close();
  const sum = (k) => fetched.reduce((s, f) => s + f[k], 0);
  return { engine, query, results, files: fetched.length, bytes: sum("bytes"), gzip: sum("gzip") };
}

(async () => {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const engines = ["briefing"];
  const probe = await fetch(`${base}/pagefind/pagefind.js`).catch(() => null);
  if (probe && probe.ok) engines.push("pagefind");
  try {
    for (const query of queries) {
      for (const engine of engines) console.log(JSON.stringify(await measure(browser, engine, query)));
    }
  } finally {
    await browser.close();
  }
})().catch((e) => { console.error(e); process.exit(2); });
