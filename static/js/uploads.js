/* The documents page: each chosen file goes up at once, one after another, with its
   progress, and only its slot is redrawn (the server answers the slot's HTML, errors
   and notes included). Without this script the page is a plain form whose one submit
   takes every chosen file. The words come from the page (data-msg-*), translated there. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-uploads]");
  if (!form || !window.XMLHttpRequest || !window.FormData) {
    return;
  }
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var words = form.dataset;
  var queue = [];
  var busy = false;
  form.classList.add("js-uploads");

  function parts(section) {
    var box = section.querySelector(".upload-progress");
    return { box: box, bar: box.querySelector("progress"), state: box.querySelector(".upload-state") };
  }

  function show(section, percent, text) {
    var p = parts(section);
    p.box.hidden = false;
    p.bar.value = percent;
    p.state.textContent = text;
  }

  function fail(section, message) {
    var p = parts(section);
    p.bar.hidden = true;
    p.state.textContent = message;
    p.state.classList.add("error-message");
    section.classList.add("field-error");
  }

  function count() {
    var line = document.getElementById("upload-count");
    if (!line) {
      return;
    }
    var sections = form.querySelectorAll("section[data-slot]");
    var done = form.querySelectorAll("section[data-slot] .tag-ok").length;
    line.textContent = words.msgCount.replace("%n", done).replace("%t", sections.length);
  }

  function fragment(html, slot) {
    var template = document.createElement("template");
    template.innerHTML = html;
    var fresh = template.content.querySelector("section[data-slot]");
    return fresh && fresh.dataset.slot === slot ? fresh : null;
  }

  function current(slot) {
    return document.getElementById("slot-" + slot); // redrawn sections replace the old elements
  }

  function send(job, done) {
    var slot = job.slot;
    var section = current(slot);
    var data = new FormData();
    data.append("csrfmiddlewaretoken", token);
    data.append(job.name, job.file);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("HX-Request", "true"); // the server answers only this slot
    xhr.setRequestHeader("X-CSRFToken", token);
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        var percent = Math.round((event.loaded * 100) / event.total);
        show(current(slot), percent, words.msgSending.replace("%p", percent));
      }
    });
    xhr.addEventListener("load", function () {
      var fresh = fragment(xhr.responseText, slot);
      section = current(slot);
      if (fresh) {
        section.replaceWith(fresh);
        count();
        if (xhr.status >= 400) {
          var input = fresh.querySelector("input[type=file]");
          if (input) {
            input.focus();
          }
        }
      } else {
        fail(section, xhr.status === 413 ? words.msgTooLarge : words.msgFailed);
      }
      done();
    });
    xhr.addEventListener("error", function () {
      fail(current(slot), words.msgOffline);
      done();
    });
    show(section, 0, words.msgSending.replace("%p", 0));
    xhr.send(data);
  }

  function next() {
    if (busy || !queue.length) {
      return;
    }
    busy = true;
    send(queue.shift(), function () {
      busy = false;
      next();
    });
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type !== "file" || !input.files.length) {
      return;
    }
    var section = input.closest("section[data-slot]");
    queue.push({ slot: section.dataset.slot, name: input.name, file: input.files[0] });
    show(section, 0, words.msgWaiting);
    next();
  });
})();
