// The theme on a phone: every HTML page of the served example site at 320 and 375 px,
// with its notes closed and then all open, must not scroll sideways, and every note
// marker must be a tap target of at least 24×24 px (WCAG 2.5.8). Reports the page, the
// width and the element reaching furthest right; fails (exit 1) on any problem.
// Usage: node overflow.js http://127.0.0.1:PORT/briefings OUTPUT_DIR
"use strict";
const fs = require("fs");
const path = require("path");
const { chromium } = require("playwright-core");
const base = process.argv[2].replace(/\/$/, "");
const out = process.argv[3];
const WIDTHS = [320, 375];
const TARGET = 24;

// Every HTML file of the output, as the path it is served at.
function pages(dir, prefix = "/") {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return pages(path.join(dir, e.name), `${prefix}${e.name}/`);
    if (!e.name.endsWith(".html")) return [];
    // A redirect page at an old URL (`aliases:`) sends the browser on at once.
    if (fs.readFileSync(path.join(dir, e.name), "utf8").includes('http-equiv="refresh"')) return [];
    return [e.name === "index.html" ? prefix : prefix + e.name];
  }).sort();
}

// In the page: how far it scrolls sideways, and the element whose box reaches
// furthest right (the usual culprit, or its container).
function measure() {
  const width = window.innerWidth;
  const scroll = document.documentElement.scrollWidth;
  let widest = null;
  let right = width;
  for (const e of document.body.querySelectorAll("*")) {
    const r = e.getBoundingClientRect();
    const edge = r.right + window.scrollX;
    if (r.width === 0 || edge <= right + 0.5) continue;
    right = edge;
    const id = e.id ? `#${e.id}` : "";
    const cls = typeof e.className === "string" && e.className ? `.${e.className.trim().split(/\s+/).join(".")}` : "";
    const text = (e.textContent || "").trim().replace(/\s+/g, " ").slice(0, 60);
    widest = `<${e.tagName.toLowerCase()}${id}${cls}> ${Math.round(r.width)} px wide, right edge at ${Math.round(edge)} px: "${text}"`;
  }
  return { width, scroll, widest };
}

// In the page: note markers smaller than a tap target.
function smallMarks(target) {
  return [...document.querySelectorAll(".note-mark")]
    .map((m) => ({ m, r: m.getBoundingClientRect() }))
    .filter(({ m, r }) => getComputedStyle(m).display !== "none" && (r.width < target || r.height < target))
    .map(({ m, r }) => `${m.getAttribute("for")} is ${r.width.toFixed(1)}×${r.height.toFixed(1)} px`);
}

(async () => {
  const list = pages(out);
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  const problems = [];
  const widest = {};
  let runs = 0;
  let marks = 0;
  try {
    for (const width of WIDTHS) {
      const context = await browser.newContext({ viewport: { width, height: 800 } });
      const page = await context.newPage();
      widest[width] = 0;
      for (const p of list) {
        const where = `${p} [${width}px]`;
        // The search page with results (every briefing with a word starting with
        // "a"), as a reader sees it.
        const search = p === "/search/";
        await page.goto(base + p + (search ? "?q=a" : ""), { waitUntil: "load" });
        if (search) {
          await page.waitForFunction(() => !/^(Loading|$)/.test(document.getElementById("search-status").textContent));
        }
        const closed = await page.evaluate(measure);
        const small = await page.evaluate(smallMarks, TARGET);
        marks += await page.locator(".note-mark").count();
        for (const s of small) problems.push(`${where}: note marker ${s}, under ${TARGET}×${TARGET}`);
        // Every note opened in place, as a reader on a phone would.
        for (const toggle of await page.locator(".note-toggle").all()) await toggle.check({ force: true });
        const open = await page.evaluate(measure);
        for (const [state, m] of [["notes closed", closed], ["notes open", open]]) {
          widest[width] = Math.max(widest[width], m.scroll);
          if (m.scroll > m.width) {
            problems.push(`${where}, ${state}: ${m.scroll} px wide, scrolls sideways by ${m.scroll - m.width} px; widest: ${m.widest}`);
          }
        }
        runs++;
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
  for (const p of problems) console.log(p);
  const widths = WIDTHS.map((w) => `${w} px: widest page ${widest[w]} px`).join(", ");
  console.log(`overflow: ${list.length} pages × ${WIDTHS.length} widths (${runs} runs, ${marks} note markers); ${widths}; ${problems.length} problems`);
  process.exit(problems.length ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(2); });
