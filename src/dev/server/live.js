// briefing serve: reloads the page after each rebuild, and shows a failed build's
// diagnostics over the page until the next good one. Served only by `briefing serve`.
(() => {
  "use strict";
  const id = "briefing-problem";
  // The build this page is of; the event stream opens by telling the build now.
  const generation = document.currentScript && document.currentScript.dataset.generation;
  const show = (text, heading) => {
    let box = document.getElementById(id);
    if (!box) {
      box = document.createElement("div");
      box.id = id;
      box.setAttribute("role", "alert");
      box.style.cssText =
        "position:fixed;inset:0 0 auto 0;max-height:70vh;overflow:auto;z-index:2147483647;" +
        "margin:0;padding:1rem 1.25rem;background:#1d1d1f;color:#f5f5f7;" +
        "border-bottom:4px solid #d70015;font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;" +
        "box-shadow:0 4px 24px rgba(0,0,0,.4)";
      const title = document.createElement("strong");
      title.className = "briefing-problem-title";
      title.style.cssText = "display:block;margin-bottom:.5rem;font-family:system-ui,sans-serif";
      const close = document.createElement("button");
      close.type = "button";
      close.textContent = "Hide";
      close.style.cssText = "float:right;font:inherit;padding:.2rem .6rem";
      close.addEventListener("click", () => { box.hidden = true; });
      const pre = document.createElement("pre");
      pre.style.cssText = "margin:0;white-space:pre-wrap";
      box.append(close, title, pre);
      document.body.append(box);
    }
    box.hidden = false;
    box.querySelector(".briefing-problem-title").textContent = heading;
    box.querySelector("pre").textContent = text;
  };
  const events = new EventSource("/__briefing/events");
  events.addEventListener("reload", () => location.reload());
  events.addEventListener("problem", (e) =>
    show(e.data, "The last save did not build; this page is the last good version."));
  events.addEventListener("unbuilt", (e) =>
    show(e.data, "The site has not built yet: fix this problem and save, and the page reloads."));
  // A build finished while this page loaded, before its stream connected.
  events.addEventListener("generation", (e) => {
    if (generation !== undefined && e.data !== generation) location.reload();
  });
})();
