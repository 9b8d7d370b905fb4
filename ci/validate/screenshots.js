// Screenshots of the default theme for the README: home, an article, an actor page, an
// actor's quotes, a story's timeline and search, at 1400 and 375 px, light and dark,
// viewport only.
// Usage (with the example site served): NODE_PATH=target/validate/node_modules \
//   node ci/validate/screenshots.js http://127.0.0.1:PORT/briefings docs/screenshots
// then `pngquant --quality=70-90 --force --ext .png docs/screenshots/*.png`, but
// article-375-*.png at --quality=90-100: at 70-90 the palette turns the blue context
// marker teal, near the quote marker's green.
"use strict";
const { chromium } = require("playwright-core");
const [base, dir] = [process.argv[2].replace(/\/$/, ""), process.argv[3]];
const pages = {
  home: "/", article: "/articles/tillerson-russia-cooperation/",
  actor: "/actors/vladimir-putin/", quotes: "/actors/rex-tillerson/",
  story: "/stories/southwest-syria-ceasefire/", search: "/search/?q=putin",
};
(async () => {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    for (const [name, path] of Object.entries(pages)) {
      for (const width of [1400, 375]) {
        for (const colorScheme of ["light", "dark"]) {
          const context = await browser.newContext({ viewport: { width, height: width === 1400 ? 900 : 812 }, colorScheme });
          const page = await context.newPage();
          await page.goto(base + path, { waitUntil: "load" });
          if (name === "search") await page.waitForFunction(() => document.getElementById("search-results").children.length > 0);
          // The article from its body, where the notes are.
          if (name === "article") await page.evaluate(() => document.querySelector(".briefing-body").scrollIntoView());
          // The actor's page from what they said.
          if (name === "quotes") await page.evaluate(() => document.querySelector(".quotes").scrollIntoView());
          await page.screenshot({ path: `${dir}/${name}-${width}-${colorScheme}.png` });
          await context.close();
        }
      }
    }
  } finally {
    await browser.close();
  }
})().catch((e) => { console.error(e); process.exit(1); });
