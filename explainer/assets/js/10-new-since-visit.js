/* New since your last visit: flags the facts on a page that changed since the reader
   last saw them, with a one-line note linking to "What changed".

   Every element that shows one fact carries data-fact (kind:id) and data-changed (when
   the fact last changed in substance). What the reader has seen is kept in this
   browser's own storage only: no cookie, no request. Without JavaScript or without
   storage (private mode, blocked) the page is left exactly as built.

   Two maps, fact -> data-changed value:
   - seen (localStorage): the value the reader was last shown, updated on every page.
   - before (sessionStorage, i.e. this visit: the life of the tab): the value each fact
     had in `seen` when the reader first met it during this visit, or its current value
     if they had never seen it.
   A fact is flagged when its current value differs from `before`. So a fact never seen
   is never flagged (a first visit shows nothing), and a flag stays for the rest of the
   visit, across reloads and pages, though `seen` is already up to date: the next visit
   starts clean. */
(function () {
  "use strict";

  var meta = document.querySelector('meta[name="explainer:site-root"]');
  if (!meta || typeof URL !== "function") return;
  // Resolved once, against the page the browser loaded, so that it does not depend on
  // how instant navigation later updates the head.
  var root;
  try {
    root = new URL(meta.getAttribute("content"), location.href);
  } catch (e) {
    return;
  }
  var KEY = "explainer:seen:" + root.pathname; // one map per site on a shared host
  var SLOTS = ".ex-question__title, .ex-event__title, h2";
  var memory = {}; // stands in for sessionStorage where only that is unavailable

  function has(map, key) {
    return Object.prototype.hasOwnProperty.call(map, key);
  }

  function readMap(storage) {
    var text = storage.getItem(KEY); // throws where the storage is unavailable
    try {
      var map = JSON.parse(text);
      if (map && typeof map === "object" && !Array.isArray(map)) return map;
    } catch (e) {
      // a damaged entry counts as empty
    }
    return {};
  }

  function writeMap(storage, map) {
    try {
      storage.setItem(KEY, JSON.stringify(map));
    } catch (e) {
      // full or read-only: the flags of this page are right, the next ones may not be
    }
  }

  function flag(element) {
    if (element.classList.contains("ex-fact--changed")) return;
    element.classList.add("ex-fact--changed");
    var badge = document.createElement("span");
    badge.className = "ex-changed-flag";
    badge.textContent = "Changed";
    var more = document.createElement("span");
    more.className = "ex-changed-flag__more";
    more.textContent = " since your last visit";
    badge.appendChild(more);
    if (element.tagName === "TD") {
      // a cell of the stance matrix: after the stance, which stays first
      element.appendChild(document.createTextNode(" "));
      element.appendChild(badge);
      return;
    }
    // Before the fact's title, like a kicker; in a stance row, before the name.
    var slot = element.tagName === "TR" ? element.cells[0]
      : element.querySelector(SLOTS) || element;
    slot.insertBefore(document.createTextNode(" "), slot.firstChild);
    slot.insertBefore(badge, slot.firstChild);
  }

  function note(count) {
    var article = document.querySelector("article.md-content__inner");
    if (!article) return;
    var old = article.querySelector(".ex-since-visit");
    if (old) old.remove();
    var line = document.createElement("p");
    line.className = "ex-since-visit";
    line.setAttribute("role", "status");
    line.textContent = count + (count === 1 ? " fact" : " facts")
      + " on this page changed since your last visit";
    var changes = new URL("changes/", root);
    if (changes.pathname !== location.pathname) {
      var link = document.createElement("a");
      link.href = changes.href;
      link.textContent = "see what changed";
      line.appendChild(document.createTextNode(" \u2014 "));
      line.appendChild(link);
    }
    var heading = article.querySelector("h1");
    if (heading) heading.after(line);
    else article.prepend(line);
  }

  function update() {
    var seen, before, session;
    try {
      seen = readMap(localStorage);
    } catch (e) {
      return;
    }
    try {
      session = sessionStorage;
      before = readMap(session);
    } catch (e) {
      session = null;
      before = memory;
    }
    var changed = {};
    var count = 0;
    var elements = document.querySelectorAll("[data-fact][data-changed]");
    for (var i = 0; i < elements.length; i++) {
      var fact = elements[i].getAttribute("data-fact");
      var now = elements[i].getAttribute("data-changed");
      if (!fact || !now) continue; // no known date: nothing to compare
      if (!has(before, fact)) {
        before[fact] = has(seen, fact) && typeof seen[fact] === "string" ? seen[fact] : now;
      }
      if (before[fact] !== now) {
        flag(elements[i]);
        if (!has(changed, fact)) {
          changed[fact] = true;
          count += 1;
        }
      }
      seen[fact] = now;
    }
    if (!elements.length) return;
    writeMap(localStorage, seen);
    if (session) writeMap(session, before);
    if (count) note(count);
  }

  // Material's instant navigation swaps pages without loading them: its document$
  // announces every page shown, the first included.
  if (typeof document$ !== "undefined" && document$ && typeof document$.subscribe === "function") {
    document$.subscribe(update);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", update);
  } else {
    update();
  }
})();
