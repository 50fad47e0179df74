/* Every page: on a phone the navigation folds behind a 菜单 button. Without this
   script the links stay on one line that scrolls sideways (site.css). */
(function () {
  "use strict";
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
