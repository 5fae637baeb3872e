// The archive's scripts. Every page works without them; they add conveniences on top.
//
// Compare any two versions of a policy in the reader's browser. The site is static and pre-renders only each
// version against its predecessor and against the current one; any other pair is diffed here, from the two
// version pages that already exist, so the site's size grows with the number of versions, not its square.
(function () {
  "use strict";

  var BLOCKS = "h1,h2,h3,h4,h5,h6,p,li,tr,pre,blockquote,dt,dd";

  function text(el) {
    return el.textContent.replace(/\s+/g, " ").trim();
  }

  // The smallest block elements of a version page's text, banner and permalinks left out.
  function blocksOf(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var article = doc.querySelector("article") || doc.body;
    article.querySelectorAll(".pa-banner, .headerlink, .md-source-file, .md-content__button").forEach(function (el) {
      el.remove();
    });
    return Array.prototype.filter.call(article.querySelectorAll(BLOCKS), function (el) {
      return !el.querySelector(BLOCKS) && text(el) !== "";
    });
  }

  // Longest common subsequence of two sequences of keys, as a list of [op, oldIndex, newIndex].
  function align(a, b) {
    var n = a.length, m = b.length, i, j;
    var table = [];
    for (i = 0; i <= n; i++) table.push(new Uint32Array(m + 1));
    for (i = n - 1; i >= 0; i--) {
      for (j = m - 1; j >= 0; j--) {
        table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
      }
    }
    var ops = [];
    i = 0; j = 0;
    while (i < n && j < m) {
      if (a[i] === b[j]) { ops.push(["equal", i++, j++]); }
      else if (table[i + 1][j] >= table[i][j + 1]) { ops.push(["delete", i++, -1]); }
      else { ops.push(["insert", -1, j++]); }
    }
    while (i < n) ops.push(["delete", i++, -1]);
    while (j < m) ops.push(["insert", -1, j++]);
    return ops;
  }

  function words(s) {
    return s.split(/(\s+)/).filter(function (w) { return w !== ""; });
  }

  function similarity(a, b) {
    var wa = words(a).filter(function (w) { return w.trim(); });
    var wb = words(b).filter(function (w) { return w.trim(); });
    if (!wa.length || !wb.length) return 0;
    var common = align(wa, wb).filter(function (op) { return op[0] === "equal"; }).length;
    return (2 * common) / (wa.length + wb.length);
  }

  function mark(tag, content) {
    var el = document.createElement(tag);
    el.textContent = content;
    return el;
  }

  // A changed block, rebuilt as its new element with the changed words marked. Changes separated only by a
  // space are joined into one run, removed words first, so the marks read as phrases, not alternating words.
  function wordDiff(oldEl, newEl, counts) {
    var a = words(text(oldEl)), b = words(text(newEl));
    var el = document.createElement(newEl.tagName === "TR" ? "p" : newEl.tagName);
    var removed = [], added = [], gap = [];
    function flush() {
      if (removed.length) el.appendChild(mark("del", removed.join("")));
      if (added.length) el.appendChild(mark("ins", added.join("")));
      removed = []; added = [];
    }
    align(a, b).forEach(function (op) {
      if (op[0] === "equal") {
        var word = a[op[1]];
        if (!word.trim() && (removed.length || added.length)) { gap.push(word); return; }
        flush();
        if (gap.length) { el.appendChild(document.createTextNode(gap.join(""))); gap = []; }
        el.appendChild(document.createTextNode(word));
        return;
      }
      if (gap.length) {
        if (removed.length) removed = removed.concat(gap);
        if (added.length) added = added.concat(gap);
        gap = [];
      }
      var changed = op[0] === "delete" ? a[op[1]] : b[op[2]];
      if (changed.trim()) counts[op[0]]++;
      (op[0] === "delete" ? removed : added).push(changed);
    });
    flush();
    if (gap.length) el.appendChild(document.createTextNode(gap.join("")));
    return el;
  }

  function whole(el, kind, counts) {
    var wrapper = document.createElement("div");
    wrapper.className = "pa-block pa-block--" + (kind === "delete" ? "removed" : "added");
    var copy = document.createElement(el.tagName === "TR" || el.tagName === "LI" ? "p" : el.tagName);
    copy.appendChild(mark(kind === "delete" ? "del" : "ins", text(el)));
    counts[kind] += words(text(el)).filter(function (w) { return w.trim(); }).length;
    wrapper.appendChild(copy);
    return wrapper;
  }

  function plain(el) {
    var copy = document.createElement(el.tagName === "TR" || el.tagName === "LI" ? "p" : el.tagName);
    copy.textContent = text(el);
    return copy;
  }

  function render(oldBlocks, newBlocks, out) {
    var key = function (el) { return el.tagName + ":" + text(el); };
    var ops = align(oldBlocks.map(key), newBlocks.map(key));
    var counts = { insert: 0, delete: 0 };
    var fragment = document.createDocumentFragment();
    var removed = [], added = [], changes = 0;
    function flush() {
      while (removed.length || added.length) {
        var o = removed[0], n = added[0];
        if (o && n && similarity(text(o), text(n)) >= 0.5) {
          removed.shift(); added.shift();
          fragment.appendChild(wordDiff(o, n, counts));
        } else if (o) {
          fragment.appendChild(whole(removed.shift(), "delete", counts));
        } else {
          fragment.appendChild(whole(added.shift(), "insert", counts));
        }
        fragment.lastChild.id = "pa-change-" + ++changes;
      }
    }
    ops.forEach(function (op) {
      if (op[0] === "equal") { flush(); fragment.appendChild(plain(newBlocks[op[2]])); }
      else if (op[0] === "delete") removed.push(oldBlocks[op[1]]);
      else added.push(newBlocks[op[2]]);
    });
    flush();
    out.replaceChildren(fragment);
    return { added: counts.insert, removed: counts.delete, changes: changes };
  }

  function start(root) {
    var form = root.querySelector("form");
    var status = root.querySelector(".pa-compare__status");
    var out = root.querySelector(".pa-compare__result");
    var pages = {};
    form.querySelectorAll("option").forEach(function (option) { pages[option.value] = option.dataset.url; });

    function compare(from, to) {
      status.textContent = "Comparing…";
      Promise.all([from, to].map(function (slug) {
        return fetch(pages[slug]).then(function (response) {
          if (!response.ok) throw new Error(pages[slug] + ": " + response.status);
          return response.text();
        });
      })).then(function (html) {
        var result = render(blocksOf(html[0]), blocksOf(html[1]), out);
        status.textContent = result.changes
          ? result.added + " words added, " + result.removed + " words removed, in " + result.changes + " places."
          : "These two versions have the same text.";
      }).catch(function (error) {
        status.textContent = "Could not load a version (" + error.message + ").";
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var from = form.elements.from.value, to = form.elements.to.value;
      history.replaceState(null, "", "?from=" + encodeURIComponent(from) + "&to=" + encodeURIComponent(to));
      compare(from, to);
    });
    var query = new URLSearchParams(location.search);
    if (pages[query.get("from")] && pages[query.get("to")]) {
      form.elements.from.value = query.get("from");
      form.elements.to.value = query.get("to");
      compare(query.get("from"), query.get("to"));
    }
  }

  // Previous/next change buttons on a diff page, and a switch between "changes only" and the whole text.
  function steps(nav) {
    var total = parseInt(nav.dataset.paChanges, 10);
    var index = 0;
    function go(delta) {
      index = Math.min(total, Math.max(1, index + delta));
      var target = document.getElementById("pa-change-" + index);
      if (!target) return;
      var fold = target.closest("details");
      if (fold) fold.open = true;
      target.scrollIntoView({ block: "center" });
      target.setAttribute("tabindex", "-1");
      target.focus({ preventScroll: true });
      counter.textContent = "Change " + index + " of " + total;
    }
    function button(label, delta) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = label;
      b.addEventListener("click", function () { go(delta); });
      return b;
    }
    var counter = document.createElement("span");
    counter.className = "pa-visually-hidden";
    counter.setAttribute("aria-live", "polite");
    var folds = document.querySelectorAll("details.pa-fold");
    var toggle = button("Show whole text", 0);
    toggle.addEventListener("click", function () {
      var open = toggle.textContent === "Show whole text";
      folds.forEach(function (fold) { fold.open = open; });
      toggle.textContent = open ? "Changes only" : "Show whole text";
    });
    nav.replaceChildren(button("↑ Previous change", -1), button("Next change ↓", 1), counter);
    if (folds.length) nav.appendChild(toggle);
  }

  document.querySelectorAll("[data-pa-compare]").forEach(start);
  document.querySelectorAll("[data-pa-changes]").forEach(steps);
})();
