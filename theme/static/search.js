// The search page: searches the site's split index in the browser, fetching only the
// files a query needs from this site (no other host). Every word typed must match the
// start of a word in the title, the names (actors, tags, sources) or the text (summary,
// body, notes); a word in the title weighs 4, in the names 3, in the text 1; ties go to
// the newer briefing. The index's layout and forms are described in briefing's
// src/model/search/ (mod.rs, sets.rs): this file follows the same rules.
(function () {
  "use strict";
  var script = document.currentScript;
  var root = script.getAttribute("data-root") || "./";
  var indexUrl = script.getAttribute("data-index");
  var input = document.getElementById("search-query");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var form = input && input.form;
  var PAGE = 10;
  // The score of each set of fields a word is in: title 4, names 3, text 1.
  var SCORE = [0, 4, 3, 7, 1, 5, 4, 8];
  var DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var VALUE = {};
  for (var d = 0; d < DIGITS.length; d++) VALUE[DIGITS.charAt(d)] = d;
  var index = null;
  var leaves = null;
  var split = null;
  var files = {};
  var current = 0;
  var shown = { hits: [], count: 0, query: "" };

  // Lowercase, without accents, words separated by single spaces: as briefing folds
  // the text it indexes.
  function fold(text) {
    return String(text || "")
      .normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().replace(/[^\p{Alphabetic}\p{N}]+/gu, " ").trim();
  }

  // A word to its first `max_term` characters, as terms are kept.
  function cut(word) {
    var chars = Array.from(word);
    return chars.length > index.max_term ? chars.slice(0, index.max_term).join("") : word;
  }

  // A key as a file name: "w" and the key when it is a-z and 0-9 only, else "x" and
  // its UTF-8 bytes in hex.
  function fileName(key) {
    if (/^[a-z0-9]*$/.test(key)) return "w" + key;
    var bytes = new TextEncoder().encode(key);
    var name = "x";
    for (var i = 0; i < bytes.length; i++) name += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return name;
  }

  function get(path) {
    if (!files[path]) {
      files[path] = fetch(root + path).then(function (response) {
        if (!response.ok) throw new Error(response.status + " " + response.statusText);
        return response.json();
      });
      files[path].catch(function () { delete files[path]; });
    }
    return files[path];
  }

  // Sets `bit` in `masks` for every article id of an encoded set: a list of gaps in
  // base64url digits of 5 bits (32 = more digits follow), "!" and a bitmap of 6 ids a
  // digit, or "~" and the list of the ids not in it.
  function decode(text, masks, bit) {
    if (!text) return;
    var i = 0, id, v;
    if (text.charAt(0) === "!") {
      for (i = 1; i < text.length; i++) {
        v = VALUE[text.charAt(i)];
        for (var j = 0; j < 6; j++) if (v & (1 << j)) masks[(i - 1) * 6 + j] |= bit;
      }
      return;
    }
    var complement = text.charAt(0) === "~";
    var next = 0, gap = 0, shift = 0, ids = [];
    for (i = complement ? 1 : 0; i < text.length; i++) {
      v = VALUE[text.charAt(i)];
      gap += (v & 31) * Math.pow(2, shift);
      if (v < 32) {
        id = next + gap;
        if (complement) ids.push(id); else masks[id] |= bit;
        next = id + 1;
        gap = 0;
        shift = 0;
      } else {
        shift += 5;
      }
    }
    if (complement) {
      var k = 0;
      for (id = 0; id < masks.length; id++) {
        if (k < ids.length && ids[k] === id) k++;
        else masks[id] |= bit;
      }
    }
  }

  function addSets(sets, masks) {
    for (var f = 0; f < 3; f++) decode(sets[f], masks, 1 << f);
  }

  // Each article's fields that have a word starting with `word`, as bits.
  function wordMasks(word) {
    var masks = new Uint8Array(index.articles);
    if (split.has(word)) {
      return get(index.prefixes + fileName(word) + ".json").then(function (sets) {
        addSets(sets, masks);
        return masks;
      });
    }
    var chars = Array.from(word);
    for (var k = chars.length; k >= 0; k--) {
      var key = chars.slice(0, k).join("");
      if (leaves.has(key)) {
        return get(index.terms + fileName(key) + ".json").then(function (leaf) {
          for (var term in leaf) if (term.lastIndexOf(word, 0) === 0) addSets(leaf[term], masks);
          return masks;
        });
      }
    }
    return Promise.resolve(masks);
  }

  // Every article matching all words, best first: by score, then newest (the
  // highest id) first.
  function rank(all) {
    var buckets = [];
    for (var id = index.articles - 1; id >= 0; id--) {
      var total = 0;
      for (var w = 0; w < all.length; w++) {
        var m = all[w][id];
        if (!m) { total = 0; break; }
        total += SCORE[m];
      }
      if (total) (buckets[total] = buckets[total] || []).push(id);
    }
    var hits = [];
    for (var s = buckets.length - 1; s > 0; s--) if (buckets[s]) hits = hits.concat(buckets[s]);
    return hits;
  }

  function doc(id) {
    var per = index.docs_per_file;
    return get(index.docs + Math.floor(id / per) + ".json").then(function (docs) {
      return docs[id % per];
    });
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

  // One result: [title, url, date, summary, actors, source].
  function item(a) {
    var li = element("li", "article-item");
    var title = element("h2", "item-title");
    var link = element("a", null, a[0]);
    link.href = root + a[1];
    title.appendChild(link);
    li.appendChild(title);
    var meta = element("p", "item-meta");
    var time = element("time", null, longDate(a[2]));
    time.setAttribute("datetime", a[2]);
    meta.appendChild(time);
    if (a[5]) meta.appendChild(document.createTextNode(" \u00b7 " + a[5]));
    li.appendChild(meta);
    if (a[3]) li.appendChild(element("p", "item-summary", a[3]));
    if (a[4] && a[4].length) {
      var chips = element("ul", "chips");
      chips.setAttribute("aria-label", "Actors");
      a[4].forEach(function (name) {
        var c = element("li");
        c.appendChild(element("span", "chip", name));
        chips.appendChild(c);
      });
      li.appendChild(chips);
    }
    return li;
  }

  function say(count, query, listed) {
    var quoted = "\u201c" + query.trim() + "\u201d";
    if (!count) {
      status.textContent = "No briefing matches " + quoted + ".";
      return;
    }
    status.textContent = (count === 1 ? "1 briefing matches " : count + " briefings match ") + quoted +
      (count > listed ? "; the best " + listed + " are shown." : ".");
  }

  // Lists the next page of hits; `focus` moves the focus to the first one listed.
  function showMore(mine, focus) {
    var start = list.children.length;
    var page = shown.hits.slice(start, start + PAGE);
    return Promise.all(page.map(doc)).then(function (docs) {
      if (mine !== current) return;
      docs.forEach(function (a) { if (a) list.appendChild(item(a)); });
      say(shown.count, shown.query, list.children.length);
      if (more) more.hidden = list.children.length >= shown.hits.length;
      var first = list.children[start];
      if (focus && first) first.querySelector("a").focus();
    });
  }

  function fail(error) {
    status.textContent = "The search index could not be loaded (" + error.message + "). " +
      "Search works when the site is served over HTTP, for example by `briefing serve`.";
  }

  function show(query) {
    var mine = ++current;
    var words = fold(query).split(" ").filter(Boolean).map(cut);
    if (!words.length) {
      list.textContent = "";
      if (more) more.hidden = true;
      status.textContent = index.articles + " briefings to search.";
      return;
    }
    Promise.all(words.map(wordMasks)).then(function (all) {
      if (mine !== current) return;
      shown = { hits: rank(all), count: 0, query: query };
      shown.count = shown.hits.length;
      list.textContent = "";
      if (more) more.hidden = true;
      if (!shown.count) return say(0, query, 0);
      return showMore(mine, false);
    }).catch(fail);
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
    .then(function (manifest) {
      if (manifest.version !== 2) throw new Error("an index of another version");
      index = manifest;
      leaves = new Set(manifest.leaves);
      split = new Set(manifest.split);
      show(input.value);
      var timer = null;
      input.addEventListener("input", function () {
        // Typing fast fetches only what the last pause asks for.
        clearTimeout(timer);
        timer = setTimeout(function () { show(input.value); }, 120);
        var url = new URL(window.location.href);
        if (input.value) url.searchParams.set("q", input.value);
        else url.searchParams.delete("q");
        window.history.replaceState(null, "", url);
      });
      if (form) form.addEventListener("submit", function (event) {
        event.preventDefault();
        clearTimeout(timer);
        show(input.value);
      });
      if (more) more.addEventListener("click", function () {
        showMore(current, true).catch(fail);
      });
    })
    .catch(fail);
})();
