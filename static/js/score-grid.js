/* The score grid: type a score, Enter goes to the next row (never submits half a sheet); on the
   last row Enter moves to 保存. Without this script the form still works (Tab, then 保存). */
(function () {
  "use strict";
  var grid = document.querySelector("[data-score-grid]");
  if (!grid) {
    return;
  }
  var cells = Array.prototype.slice.call(grid.querySelectorAll("[data-grid-cell]"));
  var save = grid.querySelector("[data-grid-save]");
  grid.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.target.tagName !== "INPUT") {
      return;
    }
    event.preventDefault();
    var index = cells.indexOf(event.target);
    if (index === -1) {
      index = cells.indexOf(event.target.closest("tr").querySelector("[data-grid-cell]"));
    }
    var next = cells[index + (event.shiftKey ? -1 : 1)];
    if (next) {
      next.focus();
      next.select();
    } else if (save) {
      save.focus();
    }
  });
  var firstError = grid.querySelector("[aria-invalid=true]");
  var firstEmpty = cells.filter(function (cell) { return !cell.value; })[0];
  (firstError || firstEmpty || cells[0] || { focus: function () {} }).focus();
})();
