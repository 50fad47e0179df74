// The seat-grid editor: clicking a seat toggles it in the "unusable" or "accessible" text field,
// which is what the form sends (the fields stay usable without JavaScript).
(function () {
  "use strict";
  function parse(text) {
    var seats = {};
    (text.match(/\d+\s*[-－:：排]\s*\d+/g) || []).forEach(function (item) {
      var parts = item.split(/[^\d]+/).filter(Boolean);
      seats[parseInt(parts[0], 10) + "-" + parseInt(parts[1], 10)] = true;
    });
    return seats;
  }
  function format(seats) {
    return Object.keys(seats).sort(function (a, b) {
      var x = a.split("-").map(Number), y = b.split("-").map(Number);
      return x[0] - y[0] || x[1] - y[1];
    }).join(", ");
  }
  document.addEventListener("DOMContentLoaded", function () {
    var editor = document.querySelector("[data-seat-editor]");
    if (!editor) { return; }
    var fields = { unusable: document.getElementById("id_unusable_text"), accessible: document.getElementById("id_accessible_text") };
    editor.addEventListener("click", function (event) {
      var seat = event.target.closest("button.seat");
      if (!seat) { return; }
      var mode = editor.querySelector("input[name=seat_mode]:checked").value;
      var other = mode === "unusable" ? "accessible" : "unusable";
      var key = seat.dataset.row + "-" + seat.dataset.column;
      var mine = parse(fields[mode].value), theirs = parse(fields[other].value);
      if (mine[key]) { delete mine[key]; } else { mine[key] = true; delete theirs[key]; }
      fields[mode].value = format(mine);
      fields[other].value = format(theirs);
      seat.classList.toggle("seat-off", !!parse(fields.unusable.value)[key]);
      seat.classList.toggle("seat-easy", !!parse(fields.accessible.value)[key]);
      seat.setAttribute("aria-pressed", seat.classList.contains("seat-off") || seat.classList.contains("seat-easy") ? "true" : "false");
    });
  });
})();
