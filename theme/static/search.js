// The search page: loads search.json from this site and searches it in the browser.
// No other host is contacted. Every word typed must match the start of a word in the
// title, actors, tags, source or summary; titles weigh most, then names, then the
// summary; ties go to the newer briefing.
(function () {
  "use strict";
  var script = document.currentScript;
  var root = script.getAttribute("data-root") || "./";
  var indexUrl = script.getAttribute("data-index");
  var input = document.getElementById("search-query");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var form = input && input.form;
  var LIMIT = 50;
  var articles = null;

  // Lowercase, without accents, words separated by single spaces and padded with
  // one, so " " + word finds a word's start.
  function fold(text) {
    return " " + String(text || "")
      .normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim() + " ";
  }

  function prepare(index) {
    return (index.articles || []).map(function (a) {
      return {
        article: a,
        title: fold(a.title),
        names: fold([].concat(a.actors || [], a.tags || [], [a.source || ""]).join(" ")),
        summary: fold(a.summary)
      };
    });
  }

  function score(entry, words) {
    var total = 0;
    for (var i = 0; i < words.length; i++) {
      var w = " " + words[i];
      var s = 0;
      if (entry.title.indexOf(w) >= 0) s += 4;
      if (entry.names.indexOf(w) >= 0) s += 3;
      if (entry.summary.indexOf(w) >= 0) s += 1;
      if (s === 0) return 0;
      total += s;
    }
    return total;
  }

  var MONTHS = ["January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"];

  // "2017-07-07" as the theme writes dates: "7 July 2017".
  function longDate(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
    return m ? Number(m[3]) + " " + MONTHS[Number(m[2]) - 1] + " " + m[1] : iso;
  }

  function element(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text) e.textContent = text;
    return e;
  }

  function show(query) {
    var words = fold(query).trim().split(" ").filter(Boolean);
    list.textContent = "";
    if (!words.length) {
      status.textContent = articles.length + " briefings to search.";
      return;
    }
    var hits = [];
    for (var i = 0; i < articles.length; i++) {
      var s = score(articles[i], words);
      if (s > 0) hits.push({ score: s, article: articles[i].article });
    }
    hits.sort(function (a, b) {
      return b.score - a.score || (a.article.date < b.article.date ? 1 : a.article.date > b.article.date ? -1 : 0);
    });
    var quoted = "\u201c" + query.trim() + "\u201d";
    if (!hits.length) {
      status.textContent = "No briefing matches " + quoted + ".";
      return;
    }
    status.textContent = (hits.length === 1 ? "1 briefing matches " : hits.length + " briefings match ") + quoted +
      (hits.length > LIMIT ? "; the best " + LIMIT + " are shown." : ".");
    hits.slice(0, LIMIT).forEach(function (hit) {
      var a = hit.article;
      var item = element("li", "article-item");
      var title = element("h2", "item-title");
      var link = element("a", null, a.title);
      link.href = root + a.url;
      title.appendChild(link);
      item.appendChild(title);
      var meta = element("p", "item-meta");
      var time = element("time", null, longDate(a.date));
      time.setAttribute("datetime", a.date);
      meta.appendChild(time);
      if (a.source) meta.appendChild(document.createTextNode(" \u00b7 " + a.source));
      item.appendChild(meta);
      if (a.summary) item.appendChild(element("p", "item-summary", a.summary));
      if (a.actors && a.actors.length) {
        var chips = element("ul", "chips");
        chips.setAttribute("aria-label", "Actors");
        a.actors.forEach(function (name) {
          var li = element("li");
          li.appendChild(element("span", "chip", name));
          chips.appendChild(li);
        });
        item.appendChild(chips);
      }
      list.appendChild(item);
    });
  }

  function query() {
    return new URLSearchParams(window.location.search).get("q") || "";
  }

  if (!input || !status || !list) return;
  input.value = query();
  status.textContent = "Loading the search index\u2026";
  fetch(indexUrl)
    .then(function (response) {
      if (!response.ok) throw new Error(response.status + " " + response.statusText);
      return response.json();
    })
    .then(function (index) {
      articles = prepare(index);
      show(input.value);
      input.addEventListener("input", function () {
        show(input.value);
        var url = new URL(window.location.href);
        if (input.value) url.searchParams.set("q", input.value);
        else url.searchParams.delete("q");
        window.history.replaceState(null, "", url);
      });
      if (form) form.addEventListener("submit", function (event) {
        event.preventDefault();
        show(input.value);
      });
    })
    .catch(function (error) {
      status.textContent = "The search index could not be loaded (" + error.message + "). " +
        "Search works when the site is served over HTTP, for example by `briefing serve`.";
    });
})();
