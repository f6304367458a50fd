// Keyboard-first review of the gallery: move, decide, undo, select, open.
// The server decides what "next unreviewed" is (the verdict-saved event);
// this file only moves focus, clicks the card's own buttons and speaks.
(function () {
  "use strict";
  var FOCUS_KEY = "focus";
  var lastVerdict = null; // {match: api id} of the last verdict set here, for z

  function gallery() { return document.querySelector(".gallery"); }
  function cards() { return Array.prototype.slice.call(document.querySelectorAll(".gallery .card")); }
  function canEdit() { var g = gallery(); return !!g && g.dataset.canEdit === "true"; }
  function current() { return document.querySelector(".gallery .card.is-focused"); }
  function cardFor(id) { return document.getElementById("match-" + id); }

  function announce(text) {
    var region = document.getElementById("triage-announcer");
    if (!region) return;
    // Clearing first makes a repeated message be read again.
    region.textContent = "";
    setTimeout(function () { region.textContent = text; }, 30);
  }

  function describe(card) {
    var total = gallery() ? gallery().dataset.total : "";
    return "Match " + card.dataset.position + " of " + total + ", " + card.dataset.similarity +
      " at " + card.dataset.time + ", " + (card.dataset.verdict || "not reviewed");
  }

  function rememberFocus(card) {
    var url = new URL(window.location.href);
    if (card) url.searchParams.set(FOCUS_KEY, card.dataset.match);
    else url.searchParams.delete(FOCUS_KEY);
    history.replaceState(history.state, "", url.toString());
  }

  function focusCard(card, speak) {
    if (!card) return;
    cards().forEach(function (c) { c.classList.remove("is-focused"); c.removeAttribute("aria-current"); });
    card.classList.add("is-focused");
    card.setAttribute("aria-current", "true");
    var link = card.querySelector(".card-link");
    (link || card).focus({ preventScroll: true });
    card.scrollIntoView({ block: "nearest" });
    rememberFocus(card);
    if (speak) announce(describe(card));
  }

  // Go to another gallery page (the pagination's own link) and focus a card there.
  function goToPage(link, focusId) {
    if (!link) return false;
    var url = new URL(link.href, window.location.href);
    if (focusId) url.searchParams.set(FOCUS_KEY, focusId);
    else url.searchParams.delete(FOCUS_KEY);
    pendingFocus = focusId || "first";
    htmx.ajax("GET", url.pathname + url.search, { target: "#results", swap: "outerHTML" }).then(function () {
      history.pushState({}, "", url.pathname + url.search);
    });
    return true;
  }

  function pageLink(page) {
    var any = document.querySelector(".pagination a[rel]");
    if (!any) return null;
    var url = new URL(any.href, window.location.href);
    url.searchParams.set("page", String(page));
    return { href: url.toString() };
  }

  function move(step) {
    var all = cards();
    if (!all.length) return;
    var index = all.indexOf(current());
    if (index < 0) { focusCard(all[0], true); return; }
    var next = index + step;
    if (next >= all.length) {
      if (!goToPage(document.querySelector(".pagination a[rel=next]"), null)) announce("Last match");
      return;
    }
    if (next < 0) {
      if (goToPage(document.querySelector(".pagination a[rel=prev]"), null)) pendingFocus = "last";
      else announce("First match");
      return;
    }
    focusCard(all[next], true);
  }

  function decide(value) {
    var card = current();
    if (!card || !canEdit()) return;
    var button = card.querySelector(".verdict-form button[value=" + value + "]");
    if (button) button.click();
  }

  function undo() {
    if (!canEdit() || !lastVerdict) { announce("Nothing to undo"); return; }
    var card = cardFor(lastVerdict.match);
    var form = card && card.querySelector(".undo-form");
    if (!form) { announce("Nothing to undo on this page"); return; }
    var id = lastVerdict.match;
    lastVerdict = null;
    pendingFocus = id;
    undoing = id;
    form.requestSubmit();
  }

  function toggleSelection() {
    var card = current();
    var box = card && card.querySelector(".select-box");
    if (!box) return;
    box.checked = !box.checked;
    box.dispatchEvent(new Event("change", { bubbles: true }));
    announce((box.checked ? "Selected " : "Unselected ") + "match " + card.dataset.position);
  }

  function openDetail() {
    var card = current();
    var link = card && card.querySelector(".card-link");
    if (link) window.location.href = link.href;
  }

  function showHelp() {
    var dialog = document.getElementById("shortcuts");
    if (dialog && !dialog.open) dialog.showModal();
  }

  function typing(target) {
    return target instanceof HTMLElement &&
      (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  document.addEventListener("keydown", function (event) {
    if (!gallery() || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (document.querySelector("dialog[open]")) return; // the dialog handles Esc itself
    var handled = true;
    switch (event.key) {
      case "j": case "ArrowRight": case "ArrowDown": move(1); break;
      case "k": case "ArrowLeft": case "ArrowUp": move(-1); break;
      case "y": decide("confirmed"); break;
      case "n": decide("rejected"); break;
      case "u": decide("unsure"); break;
      case "z": undo(); break;
      case "x": toggleSelection(); break;
      case "?": showHelp(); break;
      case "Enter":
        if (!current() || (event.target !== current().querySelector(".card-link") && event.target !== document.body)) {
          handled = false;
        } else {
          openDetail();
        }
        break;
      default: handled = false;
    }
    if (handled) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    var opener = event.target.closest && event.target.closest("[data-shortcuts-open]");
    if (opener) showHelp();
    var card = event.target.closest && event.target.closest(".gallery .card");
    if (card && !card.classList.contains("is-focused")) {
      cards().forEach(function (c) { c.classList.remove("is-focused"); });
      card.classList.add("is-focused");
      rememberFocus(card);
    }
  });

  // A 409 carries the card with "changed by ..." in it: show it rather than drop it.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
      announce("Not saved: someone changed this match meanwhile.");
    }
  });

  var pendingFocus = null; // after a swap: "first", "last" or a match id
  var undoing = null;
  var pendingPage = null; // {link, id}: the next unreviewed match is on another page

  document.body.addEventListener("verdict-saved", function (event) {
    var d = event.detail;
    lastVerdict = { match: d.match };
    var card = cardFor(d.match);
    var said = "Match " + (card ? card.dataset.position : "") + " of " + (gallery() ? gallery().dataset.total : "") + " " + d.value;
    if (!d.next) {
      announce(said + ". Every match is reviewed.");
      pendingFocus = d.match;
      return;
    }
    announce(said + ", next: " + d.nextLabel);
    if (cardFor(d.next)) { pendingFocus = d.next; return; }
    // After the card's own swap settles, load the page holding the next match.
    pendingPage = { link: pageLink(d.nextPage), id: d.next };
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (undoing) {
      var undone = cardFor(undoing);
      if (undone) announce("Undone: match " + undone.dataset.position + " is " + (undone.dataset.verdict || "not reviewed") + " again");
      undoing = null;
    }
    if (pendingPage) {
      var p = pendingPage;
      pendingPage = null;
      pendingFocus = null;
      if (p.link && goToPage(p.link, p.id)) return;
    }
    if (!pendingFocus) return;
    var all = cards();
    var target = pendingFocus === "first" ? all[0] : pendingFocus === "last" ? all[all.length - 1] : cardFor(pendingFocus);
    pendingFocus = null;
    focusCard(target || all[0], false);
  });

  // Selection count on the bulk bar; buttons stay disabled until something is chosen.
  function updateSelection() {
    var n = document.querySelectorAll(".gallery .select-box:checked").length;
    var label = document.getElementById("selection-count");
    if (label) label.textContent = n ? n + " selected" : "No match selected";
    document.querySelectorAll("[data-needs-selection]").forEach(function (b) { b.disabled = !n; });
  }
  document.addEventListener("change", function (event) {
    if (event.target.classList && event.target.classList.contains("select-box")) updateSelection();
  });
  document.addEventListener("htmx:load", updateSelection);

  // The reject-below confirmation's Cancel just closes it when scripts run.
  document.addEventListener("click", function (event) {
    var cancel = event.target.closest && event.target.closest("#reject-below [data-dismiss]");
    if (!cancel) return;
    event.preventDefault();
    document.getElementById("reject-below").innerHTML = "";
  });

  function restore() {
    var id = new URL(window.location.href).searchParams.get(FOCUS_KEY);
    var card = id && cardFor(id);
    if (card) focusCard(card, false);
    updateSelection();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", restore);
  else restore();
})();
