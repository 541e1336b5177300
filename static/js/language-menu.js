/* The language menu, enhanced: it closes when the focus or a click leaves it, and on Escape
 * (the focus goes back to its button), so an open menu never stays over the next control.
 * Without this script the open list is part of the page instead (site.css), and the menu
 * still works: it is a <details> of plain links. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function close(menu, returnFocus) {
    if (!menu.open) return;
    menu.open = false;
    if (returnFocus) menu.querySelector("summary").focus();
  }

  function enhance(menu) {
    menu.addEventListener("focusout", function (event) {
      if (event.relatedTarget && !menu.contains(event.relatedTarget)) close(menu, false);
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        event.preventDefault();
        close(menu, true);
      }
    });
    document.addEventListener("click", function (event) {
      if (!menu.contains(event.target)) close(menu, false);
    });
  }

  function start() {
    document.querySelectorAll(".language-switch details").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
