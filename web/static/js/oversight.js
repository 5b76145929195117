/* Oversight's own script: only what htmx does not do. Pages work without it. */
(function () {
  "use strict";

  function say(text) {
    var area = document.getElementById("flash");
    if (!area) { return; }
    var p = document.createElement("p");
    p.className = "flash-error";
    var strong = document.createElement("strong");
    strong.textContent = "Problem: ";
    p.appendChild(strong);
    p.appendChild(document.createTextNode(text));
    area.replaceChildren(p);
  }

  document.addEventListener("htmx:sendError", function () {
    say("The server could not be reached. Check your connection and try again.");
  });
  document.addEventListener("htmx:timeout", function () {
    say("The server took too long to answer. Try again.");
  });
})();
