// What htmx does not do for us.
(function () {
  "use strict";
  // A range input shows its value while it moves, before the debounced request.
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.dataset.output) return;
    var output = document.getElementById(input.dataset.output);
    if (output) output.textContent = input.value + "%";
  });
  // htmx snapshots the page's HTML for back/forward: copy the controls'
  // live values into their attributes so a restored page shows them.
  document.addEventListener("htmx:beforeHistorySave", function () {
    document.querySelectorAll("input").forEach(function (input) {
      if (input.type !== "file" && input.type !== "password") input.setAttribute("value", input.value);
    });
    document.querySelectorAll("select option").forEach(function (option) {
      option.toggleAttribute("selected", option.selected);
    });
  });

  // New face match: the two video sources exclude each other, the chosen
  // photo is previewed, and the button says the upload is under way.
  document.addEventListener("change", function (event) {
    var input = event.target;
    var form = input.form;
    if (!form || !form.hasAttribute("data-new-match")) return;
    if (input.name === "video" && input.files.length && form.elements.file_id) {
      form.elements.file_id.value = "";
    } else if (input.name === "file_id" && input.value) {
      form.elements.video.value = "";
    } else if (input.name === "photo") {
      var preview = document.getElementById("photo-preview");
      if (!preview) return;
      if (preview.src) URL.revokeObjectURL(preview.src);
      preview.hidden = !input.files.length;
      if (input.files.length) preview.src = URL.createObjectURL(input.files[0]);
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-new-match")) return;
    var button = form.querySelector("button[type=submit]");
    if (!button) return;
    // After the submission starts: a disabled button would not be sent, but nothing reads it.
    setTimeout(function () {
      button.disabled = true;
      button.textContent = button.dataset.busyText || button.textContent;
      form.setAttribute("aria-busy", "true");
    }, 0);
  });
  // Back from the job page (the back/forward cache): the form is usable again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-new-match][aria-busy]").forEach(function (form) {
      var button = form.querySelector("button[type=submit]");
      form.removeAttribute("aria-busy");
      if (button) {
        button.disabled = false;
        button.textContent = "Start face match";
      }
    });
  });
})();
