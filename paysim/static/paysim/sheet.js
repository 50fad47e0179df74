// Inside the simulated payment sheet: tell the merchant's page (bridge.js) how it ended.
(function () {
  "use strict";
  var body = document.body;
  var result = body.dataset.result;
  function answer(outcome) {
    window.parent.postMessage({ paysim: outcome }, window.location.origin);
  }
  if (result === "canceled") {
    answer("cancel"); // the payer backed out: the sheet closes at once
  }
  document.querySelectorAll("[data-sheet-answer]").forEach(function (button) {
    button.addEventListener("click", function () {
      answer(button.dataset.sheetAnswer);
    });
  });
})();
