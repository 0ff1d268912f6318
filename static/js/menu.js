// A dropdown menu (the phone's <details class="dropdown">) closes as menus do: Escape, which
// gives the focus back to its summary, or a tap anywhere outside it.
(() => {
  "use strict";

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const menu = event.target.closest?.("details.dropdown[open]");
    if (!menu) return;
    menu.open = false;
    menu.querySelector("summary")?.focus();
  });

  document.addEventListener("click", (event) => {
    for (const menu of document.querySelectorAll("details.dropdown[open]")) {
      if (!menu.contains(event.target)) menu.open = false;
    }
  });
})();
