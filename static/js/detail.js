// A match's detail over the gallery: open in a <dialog>, keep the URL in step,
// Esc (or Back) closes; the video's box shows while the matched frame plays.
(function () {
  "use strict";
  var DIALOG_ID = "match-dialog";

  function dialog() { return document.getElementById(DIALOG_ID); }
  function detail() { return document.getElementById("match-detail"); }

  function openInDialog(url) {
    var box = dialog();
    if (!box || !window.htmx) return false;
    htmx.ajax("GET", url, { target: "#match-dialog-body", swap: "innerHTML" }).then(function () {
      if (!detail()) return;
      if (!box.open) box.showModal();
      history.pushState({ matchDetail: true }, "", url);
    });
    return true;
  }

  function closeDialog() {
    var box = dialog();
    if (box && box.open) box.close();
  }

  // Cards (and any link marked data-detail-open) open the dialog on the gallery.
  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    var link = event.target.closest("a.card-link, a[data-detail-open]");
    if (!link || !dialog()) return;
    // Cards link to the bare match; the gallery's filters and order come along.
    var url = new URL(link.getAttribute("href"), location.href);
    if (!url.search) url.search = location.search;
    if (openInDialog(url.pathname + url.search)) event.preventDefault();
  });

  // Moving to another match inside the dialog replaces the history entry,
  // so one Back (or Esc) returns to the gallery.
  document.addEventListener("htmx:afterSwap", function (event) {
    var source = event.detail.requestConfig && event.detail.requestConfig.elt;
    var shown = detail();
    if (shown && source && source.closest && source.closest("[data-detail-link]")) {
      var inDialog = dialog() && dialog().open;
      if (location.pathname + location.search !== shown.dataset.url) {
        history[inDialog ? "replaceState" : "pushState"]({ matchDetail: !!inDialog }, "", shown.dataset.url);
      }
    }
    startPlayer();
  });

  // A stale verdict (409) still shows its message and the current verdict.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 409 || event.detail.xhr.status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("keydown", function (event) {
    var shown = detail();
    if (!shown || event.target.closest("input, textarea, select")) return;
    var box = dialog();
    if (event.key === "Escape" && !(box && box.open)) {
      window.location.href = shown.dataset.closeUrl;
    } else if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      var link = shown.querySelector(event.key === "ArrowLeft" ? "a[rel=prev]" : "a[rel=next]");
      if (link) { event.preventDefault(); link.click(); }
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var box = dialog();
    if (box) {
      // Esc: go back in history, which closes the dialog (popstate below).
      box.addEventListener("cancel", function (event) {
        event.preventDefault();
        history.back();
      });
      box.addEventListener("click", function (event) {
        var close = event.target.closest("[data-detail-close]");
        if (close && box.open) { event.preventDefault(); history.back(); }
      });
      box.addEventListener("close", function () {
        var body = document.getElementById("match-dialog-body");
        if (body) body.innerHTML = "";
      });
    }
    startPlayer();
  });

  window.addEventListener("popstate", function (event) {
    var box = dialog();
    if (box) {
      if (!(event.state && event.state.matchDetail)) closeDialog();
    } else if (detail() && !(event.state && event.state.htmx)) {
      // A detail page moved with Previous/Next: show the page the URL now names.
      window.location.reload();
    }
  });

  // The share link button carries the gallery's current filters.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-keep-query]");
    if (!link) return;
    var url = new URL(link.getAttribute("href"), location.href);
    url.search = location.search;
    link.setAttribute("href", url.pathname + url.search);
  }, true);

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy]");
    if (!button) return;
    var input = document.getElementById(button.dataset.copy);
    input.select();
    if (navigator.clipboard) navigator.clipboard.writeText(input.value);
    button.textContent = "Copied";
  });

  function startPlayer() {
    var player = document.querySelector(".player:not([data-ready])");
    if (!player) return;
    player.dataset.ready = "1";
    var video = player.querySelector("video");
    var box = player.querySelector(".player-box");
    var at = parseFloat(player.dataset.timestamp);
    var tolerance = parseFloat(player.dataset.tolerance) || 0.5;
    video.addEventListener("loadedmetadata", function () {
      // The box is placed in percent of the picture: make the element the picture's shape.
      if (video.videoWidth && video.videoHeight) player.style.aspectRatio = video.videoWidth + " / " + video.videoHeight;
      if (video.currentTime < 0.01) video.currentTime = parseFloat(player.dataset.start) || 0;
    });
    // An SVG element has no .hidden property: toggle the attribute.
    function update() { box.toggleAttribute("hidden", Math.abs(video.currentTime - at) >= tolerance); }
    video.addEventListener("timeupdate", update);
    video.addEventListener("seeked", update);
  }
})();
