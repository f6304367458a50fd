// Two things htmx does not do for us.
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
})();
