// The archive's scripts. Every page works without them; they add conveniences on top.
//
// Compare any two versions of a policy in the reader's browser. The site is static and pre-renders only each
// version against its predecessor and against the current one; any other pair is diffed here, from the two
// version pages that already exist, so the site's size grows with the number of versions, not its square.
//
// The comparison follows policy_archive/diff.py step by step, on the rendered pages instead of their Markdown,
// so that a pair gives the same marks, folds and word counts here as on its pre-rendered page:
// 1. both pages are split into their smallest blocks (paragraphs, headings, list items, table rows, ...), and
//    the two sequences are aligned the way Python's difflib.SequenceMatcher aligns them;
// 2. in each replaced region, blocks are paired by word similarity (the same optimal pairing as diff.py) and
//    paired blocks are compared token by token (words, spaces, punctuation), each token knowing the links and
//    emphasis it sits in;
// 3. the result is the newer page's own DOM: unchanged blocks as they are, blocks added or removed whole inside
//    their list or table, changed blocks with <ins>/<del> around their changed words, always inside the
//    inline elements (a mark never straddles an element's boundary), and long unchanged runs folded.
(function () {
  "use strict";

  // ------------------------------------------------------------------ difflib.SequenceMatcher (autojunk off)

  // The matching blocks of two sequences of strings, exactly as difflib computes them (without junk).
  function matchingBlocks(a, b) {
    var b2j = new Map();
    b.forEach(function (item, j) {
      var list = b2j.get(item);
      if (list) list.push(j);
      else b2j.set(item, [j]);
    });
    function longest(alo, ahi, blo, bhi) {
      var besti = alo, bestj = blo, bestsize = 0, j2len = new Map();
      for (var i = alo; i < ahi; i++) {
        var next = new Map(), js = b2j.get(a[i]) || [];
        for (var n = 0; n < js.length; n++) {
          var j = js[n];
          if (j < blo) continue;
          if (j >= bhi) break;
          var k = (j2len.get(j - 1) || 0) + 1;
          next.set(j, k);
          if (k > bestsize) { besti = i - k + 1; bestj = j - k + 1; bestsize = k; }
        }
        j2len = next;
      }
      return [besti, bestj, bestsize];
    }
    var queue = [[0, a.length, 0, b.length]], found = [];
    while (queue.length) {
      var range = queue.pop(), match = longest(range[0], range[1], range[2], range[3]);
      var i = match[0], j = match[1], k = match[2];
      if (!k) continue;
      found.push(match);
      if (range[0] < i && range[2] < j) queue.push([range[0], i, range[2], j]);
      if (i + k < range[1] && j + k < range[3]) queue.push([i + k, range[1], j + k, range[3]]);
    }
    found.sort(function (x, y) { return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]; });
    var blocks = [], last = [0, 0, 0];
    found.forEach(function (match) {
      if (last[0] + last[2] === match[0] && last[1] + last[2] === match[1]) last[2] += match[2];
      else {
        if (last[2]) blocks.push(last);
        last = match.slice();
      }
    });
    if (last[2]) blocks.push(last);
    blocks.push([a.length, b.length, 0]);
    return blocks;
  }

  function opcodes(a, b) {
    var i = 0, j = 0, codes = [];
    matchingBlocks(a, b).forEach(function (match) {
      var tag = i < match[0] && j < match[1] ? "replace" : i < match[0] ? "delete" : j < match[1] ? "insert" : "";
      if (tag) codes.push([tag, i, match[0], j, match[1]]);
      i = match[0] + match[2];
      j = match[1] + match[2];
      if (match[2]) codes.push(["equal", match[0], i, match[1], j]);
    });
    return codes;
  }

  function ratio(a, b) {
    var total = a.length + b.length, matches = 0;
    if (!total) return 1;
    matchingBlocks(a, b).forEach(function (match) { matches += match[2]; });
    return (2 * matches) / total;
  }

  // ------------------------------------------------------------------ blocks

  // Elements that start a block of their own; anything else is inline content of the block around it.
  var BLOCK_LEVEL = new Set(
    ("ADDRESS ARTICLE ASIDE BLOCKQUOTE CAPTION DD DETAILS DIALOG DIV DL DT FIELDSET FIGCAPTION FIGURE FOOTER " +
      "FORM H1 H2 H3 H4 H5 H6 HEADER HGROUP HR LI MAIN MENU NAV OL P PRE SECTION SUMMARY TABLE TBODY TFOOT " +
      "THEAD TR UL").split(" ")
  );
  // Inline content compared whole, as one token (diff.py's atoms: code spans, images, ...).
  var ATOMS = new Set(
    "AUDIO BUTTON CANVAS CODE EMBED IFRAME IMG INPUT KBD MATH OBJECT PICTURE SAMP SELECT SVG TEXTAREA VIDEO".split(" ")
  );
  // What gives a block without text content of its own.
  var EMBEDDED = "audio,canvas,iframe,img,input,object,svg,video";
  var KINDS = {
    H1: "heading", H2: "heading", H3: "heading", H4: "heading", H5: "heading", H6: "heading",
    P: "paragraph", LI: "item", DT: "item", DD: "item", PRE: "code", HR: "rule", BLOCKQUOTE: "quote",
  };
  var ITEMS = new Set(["LI", "DT", "DD"]);
  var WORD_RE = /[\p{L}\p{N}_]+/gu;
  // Words, whitespace, and punctuation split where diff.py's Markdown lexer splits it.
  var TOKEN_RE = /([\p{L}\p{N}][\p{L}\p{N}_]*)|(\s+)|(\*+|_+|~+|=+|\^+|[^\p{L}\p{N}_\s\\`<&!\[\]*~=^]+|[\s\S])/gu;
  var WORD = 0, SPACE = 1, PUNCT = 2, ATOM = 3, MARKUP = 4, STRUCT = 5;

  function tagOf(node) {
    return node.nodeType === 1 ? node.tagName.toUpperCase() : "";
  }

  function words(text) {
    return text.match(WORD_RE) || [];
  }

  function squeeze(text) {
    return text.replace(/\s+/g, " ").trim();
  }

  // The nodes that belong to a block itself, not to the blocks nested in it (a sub-list of a list item).
  function ownNodes(el) {
    return Array.prototype.filter.call(el.childNodes, function (node) {
      return !BLOCK_LEVEL.has(tagOf(node)) && (node.nodeType === 1 || node.nodeType === 3);
    });
  }

  function hasContent(node) {
    if (node.nodeType === 3) return node.data.trim() !== "";
    if (node.nodeType !== 1) return false;
    return node.textContent.trim() !== "" || ATOMS.has(tagOf(node)) || !!node.querySelector(EMBEDDED);
  }

  // A version page's text: its article without the banner and the theme's buttons, links made absolute.
  function articleOf(html, url) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var article = doc.querySelector("article") || doc.body;
    article.querySelectorAll(
      ".pa-banner, .headerlink, .md-source-file, .md-content__button, script, style, template"
    ).forEach(function (el) { el.remove(); });
    var sources = new WeakMap();
    article.querySelectorAll("[href], [src]").forEach(function (el) {
      ["href", "src"].forEach(function (name) {
        var value = el.getAttribute(name);
        if (value === null || value.charAt(0) === "#") return;
        if (name === "href") sources.set(el, value);
        try { el.setAttribute(name, new URL(value, url).href); } catch (error) { /* left as it is */ }
      });
    });
    return { root: article, hrefs: sources };
  }

  // The smallest blocks of a page in reading order, each with its tokens and what diff.py needs to know of it.
  function blocksOf(page) {
    var blocks = [], firstIn = new Map();
    function add(el) {
      var tag = tagOf(el), kind = KINDS[tag];
      if (tag === "TR") {
        var head = tagOf(el.parentElement) === "THEAD" || Array.prototype.every.call(el.cells, function (cell) {
          return tagOf(cell) === "TH";
        });
        kind = head ? "table_head" : "table_row";
      }
      kind = kind || tag.toLowerCase();
      var item = null, inTable = false;
      for (var up = el.parentElement; up && up !== page.root; up = up.parentElement) {
        if (!item && ITEMS.has(tagOf(up))) item = up;
        if (tagOf(up) === "TABLE") inTable = true;
      }
      // The first paragraph of an item of a loose list is the item, as in diff.py; what follows is nested in it.
      var leads = item && !firstIn.has(item) && el.parentElement === item && kind === "paragraph" ? item : null;
      var block = {
        el: el,
        kind: leads ? "item" : kind,
        group: ITEMS.has(tag) || item ? "list" : tag === "TR" || inTable ? "table" : null,
        nested: !!item && firstIn.has(item),
        leads: leads,
        inline: kind !== "code" && kind !== "rule",
        tokens: tokenize(el),
      };
      for (up = el; up && up !== page.root; up = up.parentElement) {
        if (ITEMS.has(tagOf(up)) && !firstIn.has(up)) firstIn.set(up, block);
      }
      block.standalone = block.group === null;
      // Like diff.py's keys (the Markdown of a block), a numbered item's key has its number.
      var marker = tagOf((leads || el).parentElement) === "OL" ? number(leads || el) : "";
      block.key = [block.kind, tag, marker].concat(block.tokens.map(function (t) { return t.key; })).join("\x1e");
      block.text = squeeze(ownNodes(el).map(function (node) { return node.textContent; }).join(""));
      block.profile = profile(el, page.hrefs).map(function (word) { return word.toLowerCase(); });
      block.words = block.tokens.reduce(function (sum, token) { return sum + token.words; }, 0);
      blocks.push(block);
    }
    (function walk(parent) {
      Array.prototype.forEach.call(parent.children, function (el) {
        var tag = tagOf(el);
        if (tag === "TR") return add(el);
        if (!BLOCK_LEVEL.has(tag)) return;
        if (tag === "HR" || tag === "PRE" || ownNodes(el).some(hasContent)) add(el);
        if (tag !== "PRE") walk(el);
      });
    })(page.root);
    return blocks;
  }

  // The words diff.py compares blocks by, from their Markdown: the text, a numbered item's number, link targets.
  function profile(el, hrefs) {
    var parts = [];
    if (tagOf(el) === "LI" && tagOf(el.parentElement) === "OL") parts.push(number(el));
    (function walk(nodes) {
      nodes.forEach(function (node) {
        if (node.nodeType === 3) return parts.push(node.data);
        var tag = tagOf(node);
        if (tag === "IMG") return parts.push(node.getAttribute("alt") || "", node.getAttribute("src") || "");
        walk(Array.prototype.slice.call(node.childNodes));
        var href = hrefs.get(node);
        if (tag === "A" && href && squeeze(node.textContent) !== href.replace(/^mailto:/, "")) parts.push(href);
      });
    })(ownNodes(el));
    return words(parts.join(" "));
  }

  // The number of an item of a numbered list.
  function number(item) {
    var count = parseInt(item.parentElement.getAttribute("start"), 10) || 1;
    for (var sibling = item.previousElementSibling; sibling; sibling = sibling.previousElementSibling) count++;
    return String(count);
  }

  function spanKey(el) {
    var tag = tagOf(el);
    if (tag === "A") return "A " + (el.getAttribute("href") || "");
    return tag + "." + (el.getAttribute("class") || "");
  }

  function token(kind, text, key, spans, count, node) {
    return {
      kind: kind,
      text: text,
      key: key + "\x1d" + spans.map(function (span) { return span.key; }).join("\x1d"),
      spans: spans,
      words: count,
      node: node || null,
      cells: null,
    };
  }

  // A footnote's number in the text, which diff.py counts as no word ("[^1]").
  function isFootnoteRef(node) {
    return node.matches("a.footnote-ref, sup[id^='fnref']");
  }

  // A block's tokens. Links and emphasis are not tokens but the spans their tokens sit in; a table row's cells
  // are separated by structure tokens, which diff.py never marks.
  function tokenize(el) {
    var tokens = [];
    function struct(cell) {
      var last = tokens[tokens.length - 1];
      if (!last || last.kind !== STRUCT) {
        last = token(STRUCT, "", "", [], 0);
        last.cells = [];
        tokens.push(last);
      }
      if (cell) last.cells.push(cell);
    }
    function walk(nodes, spans) {
      nodes.forEach(function (node) {
        if (node.nodeType === 3) {
          TOKEN_RE.lastIndex = 0;
          var match;
          while ((match = TOKEN_RE.exec(node.data)) !== null) {
            if (match[1]) tokens.push(token(WORD, match[0], match[0], spans, 1));
            else if (match[2]) tokens.push(token(SPACE, match[0], " ", spans, 0));
            else tokens.push(token(PUNCT, match[0], match[0], spans, 0));
          }
          return;
        }
        if (node.nodeType !== 1) return;
        var tag = tagOf(node);
        if (BLOCK_LEVEL.has(tag)) return;
        if (tag === "BR" || tag === "WBR") {
          tokens.push(token(SPACE, "\n", " ", spans, 0, node));
        } else if (ATOMS.has(tag) || isFootnoteRef(node)) {
          var text = isFootnoteRef(node) ? "" : node.textContent;
          var key = tag === "IMG" ? (node.getAttribute("src") || "") + " " + (node.getAttribute("alt") || "") : text;
          tokens.push(token(ATOM, text, "\x01" + tag + " " + key, spans, words(text).length, node));
        } else if (!hasContent(node)) {
          tokens.push(token(MARKUP, "", "\x02" + node.outerHTML, spans, 0, node));
        } else {
          walk(Array.prototype.slice.call(node.childNodes), spans.concat([{ key: spanKey(node), el: node }]));
        }
      });
    }
    if (tagOf(el) === "TR") {
      Array.prototype.forEach.call(el.cells, function (cell) {
        struct(cell);
        walk(Array.prototype.slice.call(cell.childNodes), []);
      });
      struct(null);
    } else {
      walk(ownNodes(el), []);
    }
    return tokens;
  }

  // ------------------------------------------------------------------ alignment (diff.py's _align)

  var SIMILARITY_THRESHOLD = 0.5, OPTIMAL_PAIRING_LIMIT = 2500, GREEDY_PAIRING_WINDOW = 30, MIN_MOVED_WORDS = 3;

  function entry(status, old, neu, edits) {
    return { status: status, old: old, new: neu, edits: edits || [], moved: false, block: neu || old };
  }

  function align(oldBlocks, newBlocks) {
    var key = function (block) { return block.key; };
    var entries = [];
    opcodes(oldBlocks.map(key), newBlocks.map(key)).forEach(function (code) {
      var old = oldBlocks.slice(code[1], code[2]), neu = newBlocks.slice(code[3], code[4]);
      if (code[0] === "equal") {
        old.forEach(function (block, index) { entries.push(entry("equal", block, neu[index])); });
      } else {
        entries.push.apply(entries, pairRegion(old, neu));
      }
    });
    markMoves(entries);
    return entries;
  }

  function pairRegion(old, neu) {
    var pairs = old.length * neu.length <= OPTIMAL_PAIRING_LIMIT ? pairOptimally(old, neu) : pairGreedily(old, neu);
    var entries = [], oldNext = 0, newNext = 0;
    pairs.concat([[old.length, neu.length]]).forEach(function (pair) {
      old.slice(oldNext, pair[0]).forEach(function (block) { entries.push(entry("removed", block, null)); });
      neu.slice(newNext, pair[1]).forEach(function (block) { entries.push(entry("added", null, block)); });
      if (pair[0] < old.length) entries.push(comparePair(old[pair[0]], neu[pair[1]]));
      oldNext = pair[0] + 1;
      newNext = pair[1] + 1;
    });
    return entries;
  }

  function pairOptimally(old, neu) {
    var similarity = old.map(function (o) { return neu.map(function (n) { return similar(o, n); }); });
    var best = [], i, j;
    for (i = 0; i <= old.length; i++) best.push(new Float64Array(neu.length + 1));
    for (i = old.length - 1; i >= 0; i--) {
      for (j = neu.length - 1; j >= 0; j--) {
        var paired = similarity[i][j] ? best[i + 1][j + 1] + similarity[i][j] : 0;
        best[i][j] = Math.max(best[i + 1][j], best[i][j + 1], paired);
      }
    }
    var pairs = [];
    i = 0; j = 0;
    while (i < old.length && j < neu.length) {
      if (similarity[i][j] && best[i][j] === best[i + 1][j + 1] + similarity[i][j]) pairs.push([i++, j++]);
      else if (best[i][j] === best[i + 1][j]) i++;
      else j++;
    }
    return pairs;
  }

  function pairGreedily(old, neu) {
    var pairs = [], newNext = 0;
    old.forEach(function (block, i) {
      var score = 0, best = -1;
      for (var j = newNext; j < Math.min(neu.length, newNext + GREEDY_PAIRING_WINDOW); j++) {
        var s = similar(block, neu[j]);
        if (best < 0 || s > score || (s === score && j > best)) { score = s; best = j; }
      }
      if (score) { pairs.push([i, best]); newNext = best + 1; }
    });
    return pairs;
  }

  function counter(list) {
    var counts = new Map();
    list.forEach(function (item) { counts.set(item, (counts.get(item) || 0) + 1); });
    return counts;
  }

  function similar(old, neu) {
    if (old.kind !== neu.kind || !(old.inline && neu.inline)) return 0;
    var floor = old.kind === "heading" || old.kind === "table_head" ? SIMILARITY_THRESHOLD : 0;
    var a = old.profile, b = neu.profile, total = a.length + b.length;
    if (!total) return 1;
    if (2 * Math.min(a.length, b.length) < SIMILARITY_THRESHOLD * total) return floor;
    var common = 0, counts = counter(b);
    counter(a).forEach(function (count, word) { common += Math.min(count, counts.get(word) || 0); });
    if (2 * common < SIMILARITY_THRESHOLD * total) return floor;
    var r = ratio(a, b);
    return r >= SIMILARITY_THRESHOLD ? Math.max(r, floor) : floor;
  }

  function comparePair(old, neu) {
    var edits = diffTokens(old.tokens, neu.tokens);
    var changed = edits.some(function (edit) { return edit.op !== "equal" && !edit.quiet; });
    return changed ? entry("changed", old, neu, edits) : entry("equal", old, neu);
  }

  function edit(op, old, neu, quiet) {
    return { op: op, old: old, new: neu, quiet: quiet };
  }

  function significant(token) {
    return token.kind === WORD || token.kind === PUNCT || token.kind === ATOM;
  }

  // diff.py's _diff_tokens: words are aligned without the whitespace, which follows the word before it.
  function diffTokens(old, neu) {
    var notSpace = function (list) {
      var at = [];
      list.forEach(function (t, index) { if (t.kind !== SPACE) at.push(index); });
      return at;
    };
    var oldAt = notSpace(old), newAt = notSpace(neu);
    var oldKeys = oldAt.map(function (i) { return old[i].key; });
    var newKeys = newAt.map(function (i) { return neu[i].key; });
    var prefix = 0, suffix = 0;
    while (prefix < Math.min(oldKeys.length, newKeys.length) && oldKeys[prefix] === newKeys[prefix]) prefix++;
    while (
      suffix < Math.min(oldKeys.length, newKeys.length) - prefix &&
      oldKeys[oldKeys.length - 1 - suffix] === newKeys[newKeys.length - 1 - suffix]
    ) suffix++;
    var codes = [["equal", 0, prefix, 0, prefix]]
      .concat(
        opcodes(oldKeys.slice(prefix, oldKeys.length - suffix), newKeys.slice(prefix, newKeys.length - suffix)).map(
          function (c) { return [c[0], c[1] + prefix, c[2] + prefix, c[3] + prefix, c[4] + prefix]; }
        )
      )
      .concat([["equal", oldKeys.length - suffix, oldKeys.length, newKeys.length - suffix, newKeys.length]]);
    var position = function (at, count, word) { return word === 0 ? 0 : word < at.length ? at[word] : count; };
    var edits = [];
    codes.forEach(function (code) {
      var removed = old.slice(position(oldAt, old.length, code[1]), position(oldAt, old.length, code[2]));
      var added = neu.slice(position(newAt, neu.length, code[3]), position(newAt, neu.length, code[4]));
      if (code[0] === "equal") return edits.push.apply(edits, equalEdits(removed, added));
      var addedSpacing = trailingSpaces(added);
      var removedSpacing = addedSpacing.length ? trailingSpaces(removed) : [];
      removed = removed.slice(0, removed.length - removedSpacing.length);
      added = added.slice(0, added.length - addedSpacing.length);
      var quietRemoval = !removed.some(significant), quietAddition = !added.some(significant);
      removed.forEach(function (t) { edits.push(edit("delete", t, null, quietRemoval)); });
      added.forEach(function (t) { edits.push(edit("insert", null, t, quietAddition)); });
      edits.push.apply(edits, equalEdits(removedSpacing, addedSpacing));
    });
    return edits;
  }

  function trailingSpaces(tokens) {
    var end = tokens.length;
    while (end && tokens[end - 1].kind === SPACE) end--;
    return tokens.slice(end);
  }

  function spacingRuns(tokens) {
    var runs = [[null, []]];
    tokens.forEach(function (t) {
      if (t.kind === SPACE) runs[runs.length - 1][1].push(t);
      else runs.push([t, []]);
    });
    return runs;
  }

  function equalEdits(old, neu) {
    var edits = [], oldRuns = spacingRuns(old), newRuns = spacingRuns(neu);
    oldRuns.forEach(function (run, index) {
      var other = newRuns[index];
      if (run[0] && other[0]) edits.push(edit("equal", run[0], other[0], false));
      if (run[1].length === other[1].length) {
        run[1].forEach(function (t, i) { edits.push(edit("equal", t, other[1][i], false)); });
      } else {
        run[1].forEach(function (t) { edits.push(edit("delete", t, null, true)); });
        other[1].forEach(function (t) { edits.push(edit("insert", null, t, true)); });
      }
    });
    return edits;
  }

  function markMoves(entries) {
    var removed = new Map();
    entries.forEach(function (e) {
      if (e.status !== "removed" || e.old.profile.length < MIN_MOVED_WORDS) return;
      if (!removed.has(e.old.key)) removed.set(e.old.key, []);
      removed.get(e.old.key).push(e);
    });
    entries.forEach(function (e) {
      var waiting = e.status === "added" && removed.get(e.new.key);
      if (waiting && waiting.length) {
        waiting.shift().moved = true;
        e.moved = true;
      }
    });
  }

  // diff.py's _stats: the words of whole blocks added or removed, and of the changed words in edited ones.
  function stats(entries) {
    var counts = { added: 0, removed: 0 };
    entries.forEach(function (e) {
      if (e.status === "added") counts.added += e.block.words;
      else if (e.status === "removed") counts.removed += e.block.words;
      else if (e.status === "changed") {
        e.edits.forEach(function (ed) {
          if (ed.quiet) return;
          if (ed.op === "delete") counts.removed += ed.old.words;
          else if (ed.op === "insert") counts.added += ed.new.words;
        });
      }
    });
    return counts;
  }

  // ------------------------------------------------------------------ folds, anchors, sections

  var FOLD_CONTEXT = 2;

  // diff.py's _folds: runs of unchanged blocks (a list item with what is nested in it counts as one), less
  // FOLD_CONTEXT blocks next to each change, are folded when that hides at least two.
  function folds(entries) {
    var unitOf = [], unitChanged = [];
    entries.forEach(function (e) {
      if (!unitOf.length || !e.block.nested) unitChanged.push(false);
      unitOf.push(unitChanged.length - 1);
      unitChanged[unitChanged.length - 1] = unitChanged[unitChanged.length - 1] || e.status !== "equal";
    });
    var foldOfUnit = unitChanged.map(function () { return null; }), sizes = [];
    for (var start = 0; start < unitChanged.length;) {
      if (unitChanged[start]) { start++; continue; }
      var end = start;
      while (end < unitChanged.length && !unitChanged[end]) end++;
      var from = start + (start > 0 ? FOLD_CONTEXT : 0), to = end - (end < unitChanged.length ? FOLD_CONTEXT : 0);
      if (to - from >= 2) {
        for (var u = from; u < to; u++) foldOfUnit[u] = sizes.length;
        sizes.push(to - from);
      }
      start = end;
    }
    return { of: unitOf.map(function (unit) { return foldOfUnit[unit]; }), sizes: sizes };
  }

  // What carries a change's id: the wrapper of a block that stands alone, a list item or table row itself, or
  // the first mark inside anything else (a code block nested in a list item has none of these).
  function carrier(e) {
    var block = e.block;
    if (block.standalone) return "wrapper";
    if (block.kind === "item" || block.kind === "table_row" || block.kind === "table_head") return "tag";
    return block.inline ? "mark" : null;
  }

  function sections(entries) {
    var found = [], title = "", listed = false;
    entries.forEach(function (e) {
      if (e.block.kind === "heading") { title = e.block.text; listed = false; }
      if (e.anchor && !listed) { found.push({ title: title, anchor: e.anchor }); listed = true; }
    });
    return found;
  }

  // ------------------------------------------------------------------ rendering

  function stripIds(node) {
    if (node.nodeType !== 1) return node;
    node.removeAttribute("id");
    node.querySelectorAll("[id]").forEach(function (el) { el.removeAttribute("id"); });
    return node;
  }

  function ownClone(el, oldSide) {
    var copy = el.cloneNode(false);
    ownNodes(el).forEach(function (node) { copy.appendChild(node.cloneNode(true)); });
    return oldSide ? stripIds(copy) : copy;
  }

  // diff.py's _emit: a block written back from its edits, <ins>/<del> around the changed tokens and always
  // inside the links and emphasis those tokens sit in: when the spans change, the mark is closed, the spans are
  // closed or opened, and a new mark is opened.
  function emit(block, edits, oldSide, firstMark) {
    var out = block.el.cloneNode(false), spans = [], mark = null, cell = null, used = new Set();
    if (oldSide) stripIds(out);
    function parent() { return spans.length ? spans[spans.length - 1].node : cell || out; }
    edits.forEach(function (ed) {
      var t = ed.op === "delete" ? ed.old : ed.new;
      var plain = ed.quiet || t.kind === STRUCT || t.kind === MARKUP;
      if (ed.op === "delete" && plain) return;
      var tag = ed.op === "equal" || plain ? null : ed.op === "insert" ? "ins" : "del";
      var shared = 0;
      while (shared < spans.length && shared < t.spans.length && spans[shared].key === t.spans[shared].key) shared++;
      if (mark && (mark.tag !== tag || shared < spans.length || shared < t.spans.length)) mark = null;
      spans.length = shared;
      if (t.kind === STRUCT) {
        t.cells.forEach(function (source) {
          out.append("\n");
          cell = out.appendChild(source.cloneNode(false));
        });
      }
      t.spans.slice(shared).forEach(function (span) {
        var node = span.el.cloneNode(false);
        if (oldSide || ed.op === "delete" || used.has(span.el)) node.removeAttribute("id");
        used.add(span.el);
        parent().appendChild(node);
        spans.push({ key: span.key, node: node });
      });
      if (tag && !mark) {
        var node = document.createElement(tag);
        node.className = "pa-mark";
        if (firstMark) {
          node.id = firstMark.id;
          node.setAttribute("data-pa-block", firstMark.status);
          firstMark = null;
        }
        mark = { tag: tag, node: parent().appendChild(node) };
      }
      var host = mark ? mark.node : parent();
      if (t.node) {
        var copy = t.node.cloneNode(true);
        host.appendChild(oldSide || ed.op === "delete" ? stripIds(copy) : copy);
      } else if (t.text) {
        host.appendChild(document.createTextNode(t.text));
      }
    });
    out.normalize();
    return out;
  }

  // A block added or removed whole, as edits: its structure (a row's cells) stays unmarked.
  function wholeEdits(block, op) {
    return block.tokens.map(function (t) {
      return edit(t.kind === STRUCT || t.kind === MARKUP ? "equal" : op, t, t, false);
    });
  }

  function blockNode(e) {
    var block = e.block, oldSide = e.status === "removed";
    var anchor = carrier(e) === "mark" && e.anchor ? { id: e.anchor, status: e.status } : null;
    if (e.status === "changed") return emit(block, e.edits, false, anchor);
    if (e.status === "equal" || block.standalone || !block.inline) return ownClone(block.el, oldSide);
    return emit(block, wholeEdits(block, e.status === "added" ? "insert" : "delete"), oldSide, anchor);
  }

  function classes(prefix, e) {
    return [prefix, prefix + "--" + e.status].concat(e.moved ? [prefix + "--moved"] : []);
  }

  // Mark a changed block: wrap one that stands alone, give a list item or table row classes (an item of a loose
  // list is its first paragraph's `item`, the element around it).
  function decorate(e, node, item) {
    if (e.status === "equal") return node;
    var kind = e.block.kind;
    if (e.block.standalone) {
      var wrapper = document.createElement("div");
      wrapper.className = classes("pa-block", e).join(" ");
      if (e.anchor) wrapper.id = e.anchor;
      if (e.status === "changed") {
        wrapper.appendChild(node);
      } else {
        var content = wrapper.appendChild(document.createElement(e.status === "added" ? "ins" : "del"));
        content.className = "pa-block__content";
        content.appendChild(node);
      }
      return wrapper;
    }
    if (kind === "item" || kind === "table_row" || kind === "table_head") {
      var tag = e.block.leads ? item : node;
      tag.classList.add.apply(tag.classList, classes(kind === "item" ? "pa-item" : "pa-row", e));
      if (e.anchor) tag.id = e.anchor;
    }
    return node;
  }

  // The marked blocks put back into the structure of the pages they come from. Blocks are placed one after the
  // other; the lists, tables, quotes and folds around them are opened as needed and shared by consecutive
  // blocks: a removed list item joins the list its neighbours are in, and a removed row their table.
  function assemble(entries, folded, out) {
    var stack = [], shells = new Map(), items = new Map(), tables = [];
    function chainOf(el, root) {
      var chain = [];
      for (var up = el.parentElement; up && up !== root; up = up.parentElement) chain.unshift(up);
      return chain;
    }
    // Blocks are separated by a line break, as in the pages, so that their text does not run together.
    function put(parent, node) {
      parent.append("\n", node);
    }
    function alike(a, b) {
      return tagOf(a) === tagOf(b) && (a.getAttribute("class") || "") === (b.getAttribute("class") || "");
    }
    // Whether an open level of the output stands for an element of one of the pages (side "new" or "old").
    function holds(level, el, side) {
      if (level.fold !== undefined || el.fold !== undefined) return level.fold === el.fold;
      if (level[side]) return level[side] === el;
      var other = level[side === "new" ? "old" : "new"];
      // A list, table or quote takes the blocks of its counterpart in the other page; an item only its own.
      if (other && !ITEMS.has(tagOf(el)) && alike(other, el)) { level[side] = el; return true; }
      return false;
    }
    function open(el, side) {
      var node;
      if (el.fold !== undefined) {
        node = document.createElement("details");
        node.className = "pa-fold";
        var summary = node.appendChild(document.createElement("summary"));
        var size = folded.sizes[el.fold];
        summary.textContent = size === 1 ? "1 unchanged paragraph" : size + " unchanged paragraphs";
      } else {
        node = el.cloneNode(false);
        if (side === "old" || shells.has(el)) node.removeAttribute("id");
        if (tagOf(el) === "OL" && items.get(el)) {
          node.setAttribute("start", (parseInt(el.getAttribute("start"), 10) || 1) + items.get(el));
        }
        if (tagOf(el) === "TABLE") tables.push({ node: node, source: el, side: side });
        shells.set(el, true);
      }
      var level = { node: node, fold: el.fold };
      if (el.fold === undefined) level[side] = el;
      return level;
    }
    entries.forEach(function (e, index) {
      var side = e.status === "removed" ? "old" : "new", el = e.block.el;
      var chain = chainOf(el, e.block.root);
      if (folded.of[index] !== null) chain.unshift({ fold: folded.of[index] });
      var depth = 0;
      while (depth < stack.length && depth < chain.length && holds(stack[depth], chain[depth], side)) depth++;
      stack.length = depth;
      for (; depth < chain.length; depth++) {
        var level = open(chain[depth], side);
        put(depth ? stack[depth - 1].node : out, level.node);
        stack.push(level);
      }
      // The old side's enclosing elements of a block that is in both, for removed blocks that follow.
      if (e.old && e.new) {
        var oldChain = chainOf(e.old.el, e.old.root);
        for (var i = 1; i <= Math.min(oldChain.length, stack.length); i++) {
          var same = stack[stack.length - i];
          if (same.fold !== undefined || !alike(same.new || same.old, oldChain[oldChain.length - i])) break;
          if (!same.old) same.old = oldChain[oldChain.length - i];
        }
      }
      var copy = blockNode(e), node = decorate(e, copy, stack.length && stack[stack.length - 1].node);
      put(stack.length ? stack[stack.length - 1].node : out, node);
      var parentList = stack.length && (stack[stack.length - 1].new || stack[stack.length - 1].old);
      if (e.block.kind === "item" && parentList) items.set(parentList, (items.get(parentList) || 0) + 1);
      var own = { node: copy };
      own[side] = el;
      if (e.old && e.new) own.old = e.old.el;
      stack.push(own);
    });
    // A table cut by a fold shows its header again, as diff.py does.
    tables.forEach(function (table) {
      var head = table.source.tHead;
      if (!head || table.node.querySelector("thead")) return;
      var copy = stripIds(head.cloneNode(true));
      copy.querySelectorAll("tr").forEach(function (row) { row.classList.add("pa-row", "pa-row--repeated"); });
      table.node.insertBefore(copy, table.node.firstChild);
    });
  }

  function compareBlocks(oldPage, newPage, out) {
    var oldBlocks = blocksOf(oldPage), newBlocks = blocksOf(newPage);
    oldBlocks.forEach(function (block) { block.root = oldPage.root; });
    newBlocks.forEach(function (block) { block.root = newPage.root; });
    var entries = align(oldBlocks, newBlocks);
    var changes = 0;
    entries.forEach(function (e) {
      if (e.status !== "equal" && carrier(e)) e.anchor = "pa-change-" + ++changes;
    });
    var folded = folds(entries);
    var fragment = document.createDocumentFragment();
    assemble(entries, folded, fragment);
    out.replaceChildren(fragment);
    var counts = stats(entries);
    return {
      added: counts.added,
      removed: counts.removed,
      changes: changes,
      sections: sections(entries),
      folded: folded.sizes.length > 0,
    };
  }

  // ------------------------------------------------------------------ the compare page

  function element(tag, attributes, children) {
    var el = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { el.setAttribute(name, attributes[name]); });
    (children || []).forEach(function (child) {
      el.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return el;
  }

  function plural(count, one, many) {
    return count + " " + (count === 1 ? one : many);
  }

  // Above the result, as on a pre-rendered diff page: which versions, how much changed and where, the marks.
  function summaryOf(result, from, to) {
    var version = function (option) {
      return element("a", { href: option.dataset.url }, [option.textContent.replace(/ \((current|upcoming)\)$/, "")]);
    };
    var count = function (kind, sign, number, label) {
      return element("span", { class: "pa-count pa-count--" + kind, title: label }, [
        sign + number,
        element("span", { class: "pa-visually-hidden" }, [" " + label]),
      ]);
    };
    var parts = [
      element("p", { class: "pa-diff-summary__versions" }, [
        "From the version of ", version(from), " to the version of ", version(to), ".",
      ]),
      element("p", { class: "pa-diff-summary__counts" }, [
        count("added", "+", result.added, "words added"),
        " ",
        count("removed", "−", result.removed, "words removed"),
        " in " + plural(result.changes, "place", "places") + ".",
      ]),
    ];
    if (result.sections.length) {
      parts.push(element("nav", { class: "pa-diff-summary__sections", "aria-label": "Changed sections" }, [
        element("p", {}, ["Changed sections:"]),
        element("ul", {}, result.sections.map(function (section) {
          return element("li", {}, [element("a", { href: "#" + section.anchor }, [section.title || "Introduction"])]);
        })),
      ]));
    }
    parts.push(element("p", { class: "pa-diff-legend pa-diff" }, [
      "Marks: ",
      element("ins", { class: "pa-mark" }, ["added text"]),
      " ",
      element("del", { class: "pa-mark" }, ["removed text"]),
      "." + (result.folded ? " Unchanged passages are folded: open them to read the whole text." : ""),
    ]));
    return element("div", { class: "pa-diff-summary" }, parts);
  }

  function start(root) {
    var form = root.querySelector("form");
    var status = root.querySelector(".pa-compare__status");
    var out = root.querySelector(".pa-compare__result");
    var options = {};
    form.querySelectorAll("select[name=from] option").forEach(function (option, index) {
      options[option.value] = { option: option, order: -index }; // the list is newest first
    });
    var summary = null, nav = null, run = 0;

    function clear() {
      [summary, nav].forEach(function (el) { if (el) el.remove(); });
      summary = nav = null;
      out.replaceChildren();
      status.classList.remove("pa-visually-hidden");
    }

    function fetchPage(slug) {
      var url = new URL(options[slug].option.dataset.url, location.href).href;
      return fetch(url).then(function (response) {
        if (!response.ok) throw new Error(options[slug].option.dataset.url + ": " + response.status);
        return response.text();
      }).then(function (html) { return articleOf(html, url); });
    }

    function compare(from, to) {
      var current = ++run;
      clear();
      if (from === to) {
        status.textContent = "Both are the same version: choose two different versions to compare.";
        return;
      }
      status.textContent = "Comparing…";
      Promise.all([fetchPage(from), fetchPage(to)]).then(function (pages) {
        if (current !== run) return;
        var result = compareBlocks(pages[0], pages[1], out);
        summary = summaryOf(result, options[from].option, options[to].option);
        root.insertBefore(summary, out);
        status.textContent = result.changes
          ? result.added + " words added, " + result.removed + " words removed, in " +
            plural(result.changes, "place", "places") + "."
          : "These two versions have the same text.";
        status.classList.add("pa-visually-hidden"); // the summary shows it
        if (result.changes) {
          nav = element("nav", { class: "pa-diff-steps", "aria-label": "Changes", "data-pa-changes": result.changes }, [
            element("a", { href: "#pa-change-1" }, ["First change ↑"]),
          ]);
          out.after(nav);
          steps(nav);
        }
        var target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
        if (target && out.contains(target)) {
          var fold = target.closest("details");
          if (fold) fold.open = true;
          target.scrollIntoView();
        }
      }).catch(function (error) {
        if (current !== run) return;
        status.textContent = "Could not compare these versions (" + error.message + ").";
      });
    }

    // Older first: the newer version is the one shown, with what changed since the older one marked in it. The
    // form and the address say which pair is shown, so that the address can be shared.
    function go(from, to, hash) {
      if (options[from].order > options[to].order) { var swap = from; from = to; to = swap; }
      form.elements.from.value = from;
      form.elements.to.value = to;
      var search = "?from=" + encodeURIComponent(from) + "&to=" + encodeURIComponent(to);
      if (search !== location.search) history.replaceState(null, "", search + hash);
      compare(from, to);
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      go(form.elements.from.value, form.elements.to.value, "");
    });
    var query = new URLSearchParams(location.search);
    if (options[query.get("from")] && options[query.get("to")]) go(query.get("from"), query.get("to"), location.hash);
  }

  // ------------------------------------------------------------------ change by change

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
      if (delta) b.addEventListener("click", function () { go(delta); });
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
