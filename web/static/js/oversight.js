/* Oversight's own script: only what htmx does not do. Pages work without it. */
(function () {
  "use strict";

  /* A message in the page's language: the page hands its scripts their words, by their
     English, in a JSON block (#script-words); "{name}" in a message is filled from `values`.
     Without the block, or for a message it lacks, the English is shown. Read at each message:
     a boosted page swaps the block for the new page's, in the language it was made in. */
  function word(english, values) {
    var block = document.getElementById("script-words");
    var words = {};
    try { words = block ? JSON.parse(block.textContent) : {}; } catch (e) { words = {}; }
    var text = Object.prototype.hasOwnProperty.call(words, english) ? words[english] : english;
    return text.replace(/\{(\w+)\}/g, function (all, name) {
      return values && name in values ? String(values[name]) : all;
    });
  }
  window.oversightWord = word;

  function say(text) {
    var area = document.getElementById("flash");
    if (!area) { return; }
    var p = document.createElement("p");
    p.className = "flash-error";
    var strong = document.createElement("strong");
    strong.textContent = word("Problem:") + " ";
    p.appendChild(strong);
    p.appendChild(document.createTextNode(text));
    area.replaceChildren(p);
  }

  // The "More" menu, a <details>, closes as menus do: on Escape and on a click elsewhere.
  function openMenus() {
    return document.querySelectorAll("header.site details[open]");
  }
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") { return; }
    openMenus().forEach(function (menu) {
      var inside = menu.contains(document.activeElement);
      menu.open = false;
      if (inside) { menu.querySelector("summary").focus(); }
    });
  });
  document.addEventListener("click", function (e) {
    openMenus().forEach(function (menu) {
      if (!menu.contains(e.target)) { menu.open = false; }
    });
  });

  // A field another one can stand in for (the notice deadline a chosen contract gives) is
  // required only while that other one is empty; the server checks the pair either way.
  document.addEventListener("change", function (e) {
    var chooser = e.target;
    if (!chooser || !chooser.id) { return; }
    document.querySelectorAll("[data-required-unless]").forEach(function (field) {
      if (field.getAttribute("data-required-unless") === chooser.id) {
        field.required = !chooser.value;
      }
    });
  });

  // A check the page makes on its own (the notification count) failing offline is no news:
  // only what the person asked for is worth a problem.
  function background(e) {
    var elt = e.detail && e.detail.elt;
    return !!(elt && elt.closest && elt.closest("[data-background]"));
  }

  document.addEventListener("htmx:sendError", function (e) {
    if (background(e)) { return; }
    say(word("The server could not be reached. Check your connection and try again."));
  });
  document.addEventListener("htmx:timeout", function (e) {
    if (background(e)) { return; }
    say(word("The server took too long to answer. Try again."));
  });
})();
