/* Share this page (theme/partials/share.html): "Copy link" puts the page's canonical
   address on the clipboard and says so in the box's live region; "Share…" opens the
   device's own share sheet and exists only where the browser offers one. Nothing is
   sent anywhere. Without JavaScript both buttons stay hidden and "E-mail" still works.

   Print shows the address of external links only (assets/css/60-print.css selects
   a[href^="http"]). Material's instant navigation rewrites every link of the site to an
   absolute address, so the links into this site are marked data-ex-internal here, on
   every page shown; without JavaScript they stay relative and need no mark. */
(function () {
  "use strict";

  var timer = null;

  function say(box, text) {
    var status = box.querySelector(".ex-share__status");
    if (!status) return;
    // Emptied first, so that the same message said twice is announced twice.
    status.textContent = "";
    window.clearTimeout(timer);
    window.setTimeout(function () {
      status.textContent = text;
      timer = window.setTimeout(function () { status.textContent = ""; }, 8000);
    }, 50);
  }

  function copy(box) {
    var url = box.getAttribute("data-url");
    navigator.clipboard.writeText(url).then(function () {
      say(box, "Link copied to the clipboard.");
    }, function () {
      say(box, "Could not copy the link: " + url);
    });
  }

  function share(box) {
    navigator.share({title: box.getAttribute("data-title") || document.title,
                     url: box.getAttribute("data-url")}).catch(function () {
      // Cancelled by the reader, or refused: nothing to say.
    });
  }

  var rootMeta = document.querySelector('meta[name="explainer:site-root"]');
  var root = null;
  try {
    root = rootMeta && new URL(rootMeta.getAttribute("content"), location.href).href;
  } catch (e) {
    root = null;
  }

  function markInternal() {
    if (!root) return;
    var links = document.querySelectorAll(".md-content a[href]");
    for (var i = 0; i < links.length; i++) {
      if (links[i].href.indexOf(root) === 0) links[i].setAttribute("data-ex-internal", "");
    }
  }

  function setup() {
    markInternal();
    var canCopy = !!(navigator.clipboard && navigator.clipboard.writeText);
    var canShare = typeof navigator.share === "function";
    var buttons = document.querySelectorAll(".ex-share [data-ex-share]");
    for (var i = 0; i < buttons.length; i++) {
      var kind = buttons[i].getAttribute("data-ex-share");
      buttons[i].hidden = !(kind === "copy" ? canCopy : kind === "native" && canShare);
    }
  }

  window.addEventListener("beforeprint", markInternal);

  // One listener for the whole document: instant navigation swaps the article.
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest
      ? event.target.closest(".ex-share [data-ex-share]") : null;
    if (!button) return;
    var box = button.closest(".ex-share");
    if (button.getAttribute("data-ex-share") === "copy") copy(box);
    else share(box);
  });

  if (typeof document$ !== "undefined" && document$ && typeof document$.subscribe === "function") {
    document$.subscribe(setup);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
