// search.js in headless Chromium, on the site `run` makes for it (search-site): what a
// reader gets from the split index. A word only in a body, one only in a note, a
// Cyrillic word (an index file with a hex name), titles before bodies, a word typed
// letter by letter, and the "More results" button from the keyboard. Fails (exit 1)
// on a wrong result, a request to another host, an HTTP error or a script error.
// Usage: node search.js http://127.0.0.1:PORT/search-site
"use strict";
const { chromium } = require("playwright-core");
const base = process.argv[2].replace(/\/$/, "");
const host = new URL(base).host;

(async () => {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const problems = [];
  let checks = 0;
  const check = (ok, what) => { checks++; if (!ok) problems.push(what); };
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  page.on("request", (r) => { if (new URL(r.url()).host !== host) problems.push(`request to another host: ${r.url()}`); });
  page.on("pageerror", (e) => problems.push(`script error: ${e}`));
  page.on("response", (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`); });
  const titles = () => page.$$eval("#search-results .item-title", (h) => h.map((e) => e.textContent));
  const settled = (text) => page.waitForFunction(
    (t) => document.getElementById("search-status").textContent.includes(t), text, { timeout: 10000 });
  async function search(q, expect) {
    await page.goto(`${base}/search/?q=${encodeURIComponent(q)}`, { waitUntil: "load" });
    await settled(expect.length ? "match" : "No briefing");
    const got = await titles();
    check(JSON.stringify(got) === JSON.stringify(expect), `?q=${q}: ${JSON.stringify(got)}, not ${JSON.stringify(expect)}`);
  }
  try {
    await search("zygomorphic", ["Zygomorphic flowers", "Talks resume"]);
    await search("quixotry", ["Talks stall"]);
    await search("Путин", ["Moscow talks"]);
    await search("envoys zygomorphic", []);
    // Typed, a letter at a time, into the empty field.
    await page.goto(`${base}/search/`, { waitUntil: "load" });
    await settled("briefings to search");
    await page.focus("#search-query");
    await page.keyboard.type("quixo", { delay: 30 });
    await settled("matches");
    check(JSON.stringify(await titles()) === '["Talks stall"]', `typed quixo: ${await titles()}`);
    check(new URL(page.url()).searchParams.get("q") === "quixo", `the URL keeps the query: ${page.url()}`);
    // Twelve match: ten listed, then two more from the button, reached by Tab.
    await search("harbour", Array.from({ length: 10 }, (_, i) => `Harbour ${12 - i}`));
    const more = page.locator("#search-more");
    check(await more.isVisible(), "the More results button is shown");
    await more.focus();
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.querySelectorAll("#search-results li.article-item").length === 12);
    check(await more.isHidden(), "the button goes once every result is listed");
    const focused = await page.evaluate(() => document.activeElement.textContent);
    check(focused === "Harbour 2", `focus moves to the first result added, not ${focused}`);
  } finally {
    await browser.close();
  }
  for (const p of problems) console.log(p);
  console.log(`search: ${checks} checks, ${problems.length} problems`);
  process.exit(problems.length ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(2); });
