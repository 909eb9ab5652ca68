/* Wagtail's minimap list scrolls once a page has many blocks (the home page's segments), but
   while the minimap is collapsed its links are out of the tab order, so a keyboard cannot reach
   or scroll it (axe: scrollable-region-focusable). The list itself takes focus and a name. */
(function () {
  "use strict";
  function focusable() {
    document.querySelectorAll(".w-minimap__list:not([tabindex])").forEach(function (list) {
      list.tabIndex = 0;
      list.setAttribute("aria-label", "Minimap of the page's sections");
    });
  }
  new MutationObserver(focusable).observe(document.documentElement, { childList: true, subtree: true });
  focusable();
})();
