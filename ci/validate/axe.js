// axe-core in headless Chromium over the served example site: every page listed,
// light and dark, 1400 and 320 px wide, and the search page with results. Fails (exit 1)
// on any violation, any request to another host, any script error or HTTP error.
// Usage: node axe.js http://127.0.0.1:PORT/briefings
"use strict";
const { chromium } = require("playwright-core");
const AXE = require.resolve("axe-core/axe.min.js");
const base = process.argv[2].replace(/\/$/, "");
const host = new URL(base).host;
const pages = [
  "/", "/page/2/", "/articles/trump-putin-first-meeting/", "/articles/southwest-ceasefire/",
  "/actors/vladimir-putin/", "/sources/reuters/", "/tags/", "/archive/", "/archive/2017/07/",
  "/search/?q=putin", "/404.html", "/editions/", "/editions/2017-07-07/", "/stories/", "/stories/southwest-syria-ceasefire/",
  "/actors/rex-tillerson/", "/articles/tillerson-russia-cooperation/",
];

(async () => {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  const problems = [];
  let runs = 0;
  try {
    for (const path of pages) {
      for (const colorScheme of ["light", "dark"]) {
        for (const width of [1400, 320]) {
          const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme });
          const page = await context.newPage();
          const where = `${path} [${colorScheme}, ${width}px]`;
          page.on("request", (r) => {
            if (new URL(r.url()).host !== host) problems.push(`${where}: request to another host: ${r.url()}`);
          });
          page.on("pageerror", (e) => problems.push(`${where}: script error: ${e}`));
          page.on("response", (r) => {
            // Every page links the theme's favicon: a request for a missing one fails.
            if (r.status() >= 400 && !r.url().endsWith("/404.html")) {
              problems.push(`${where}: HTTP ${r.status()} ${r.url()}`);
            }
          });
          await page.goto(base + path, { waitUntil: "load" });
          if (path.startsWith("/search/")) {
            await page.waitForFunction(() => document.getElementById("search-results").children.length > 0);
          }
          if (width === 320) {
            // Every note opened in place, as a reader on a phone would. (Sideways
            // scrolling is overflow.js's, on every page.)
            for (const toggle of await page.locator(".note-toggle").all()) await toggle.check({ force: true });
          }
          await page.addScriptTag({ path: AXE });
          const violations = await page.evaluate(async () => (await axe.run()).violations);
          for (const v of violations) {
            for (const n of v.nodes) problems.push(`${where}: ${v.id} (${v.impact}): ${v.help}: ${n.target.join(" ")}`);
          }
          runs++;
          await context.close();
        }
      }
    }
  } finally {
    await browser.close();
  }
  for (const p of problems) console.log(p);
  console.log(`axe: ${runs} runs, ${problems.length} problems`);
  process.exit(problems.length ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(2); });
