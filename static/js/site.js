/* Every page: on a phone the navigation folds behind a 菜单 button (without this
   script the links stay on one line that scrolls sideways, site.css); a form with
   data-confirm="…" asks before it is sent. No inline handlers: the CSP forbids them. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
  var header = document.querySelector(".site-header");
  var button = header && header.querySelector(".menu-button");
  if (!button) {
    return;
  }
  header.classList.add("js-menu");
  button.addEventListener("click", function () {
    var open = header.classList.toggle("menu-open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();
