// claimwatch: small progressive enhancement for the article page. Everything works without it (highlights
// are links to the claim cards). It never builds HTML from strings: the popover shows a clone of the
// server-rendered (escaped) claim card.
(function () {
  "use strict";
  function init() {
    var text = document.getElementById("article-text");
    var pop = document.getElementById("claim-popover");
    if (!text || !pop) { return; }
    var current = null;

    function parts(idx) { return text.querySelectorAll('.hl[data-claim="' + idx + '"]'); }
    function mark(idx, cls, on) {
      parts(idx).forEach(function (el) { el.classList.toggle(cls, on); });
    }
    function card(idx) { return document.querySelector('.claim-card[data-claim="' + idx + '"]'); }
    function hide() {
      if (current !== null) {
        mark(current, "active", false);
        var c = card(current);
        if (c) { c.classList.remove("active"); }
      }
      current = null;
      pop.hidden = true;
      while (pop.firstChild) { pop.removeChild(pop.firstChild); }
    }
    function show(el) {
      var idx = el.getAttribute("data-claim");
      hide();
      var c = card(idx);
      if (!c) { return; }
      current = idx;
      mark(idx, "active", true);
      c.classList.add("active");
      var close = document.createElement("button");
      close.className = "close";
      close.type = "button";
      close.setAttribute("aria-label", "Close");
      close.textContent = "×";
      close.addEventListener("click", hide);
      pop.appendChild(close);
      pop.appendChild(c.querySelector(".claim-card-body").cloneNode(true));
      pop.hidden = false;
      var r = el.getBoundingClientRect();
      var left = Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - pop.offsetWidth - 12);
      pop.style.left = Math.max(window.scrollX + 12, left) + "px";
      pop.style.top = (window.scrollY + r.bottom + 6) + "px";
    }

    text.addEventListener("mouseover", function (e) {
      var el = e.target.closest(".hl");
      if (el) { mark(el.getAttribute("data-claim"), "hover", true); }
    });
    text.addEventListener("mouseout", function (e) {
      var el = e.target.closest(".hl");
      if (el) { mark(el.getAttribute("data-claim"), "hover", false); }
    });
    text.addEventListener("click", function (e) {
      var el = e.target.closest(".hl");
      if (!el) { return; }
      e.preventDefault();
      show(el);
      var c = card(el.getAttribute("data-claim"));
      if (c && c.scrollIntoView && window.matchMedia("(min-width: 821px)").matches) {
        c.scrollIntoView({ block: "nearest", behavior: "smooth" });
      }
    });
    document.addEventListener("keydown", function (e) { if (e.key === "Escape") { hide(); } });
    document.addEventListener("click", function (e) {
      if (current !== null && !pop.contains(e.target) && !e.target.closest(".hl")) { hide(); }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
