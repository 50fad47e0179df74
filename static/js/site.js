// Behaviour that would otherwise be inline handlers, which the Content-Security-Policy forbids.
"use strict";

// <form data-confirm="确定…？">: ask before submitting.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form instanceof HTMLFormElement ? form.getAttribute("data-confirm") : null;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
