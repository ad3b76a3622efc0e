/* Keyboard shortcuts of the staff pages (no framework). "?" lists them in a <dialog>.
 * List: j/k move the selection, o or Enter open, x ticks the row, / focuses the search.
 * Request page: r reply, m canned answer, n note, t take it, a assignee, s status; g then l
 * back to the list.
 * Any page: c records a new request (a call, a visit, a letter).
 * Nothing fires while typing in a field or with Ctrl, Alt or Meta held. */
(function () {
  "use strict";

  var SELECTED = "vik-row--selected";
  // Inputs nobody types into: a ticked checkbox does not swallow the shortcuts.
  var NOT_TYPED = /^(checkbox|radio|button|submit|reset|image|file|range|color)$/i;
  var pendingG = false;
  var pendingTimer = null;

  function isTyping(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    if (tag === "input") return !NOT_TYPED.test(target.type || "text");
    return tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("tr[data-row]"));
  }

  function selectedIndex(all) {
    for (var i = 0; i < all.length; i++) {
      if (all[i].classList.contains(SELECTED)) return i;
    }
    return -1;
  }

  function select(all, index) {
    if (!all.length) return;
    index = Math.max(0, Math.min(all.length - 1, index));
    all.forEach(function (row) {
      row.classList.remove(SELECTED);
      row.removeAttribute("aria-selected");
    });
    var row = all[index];
    row.classList.add(SELECTED);
    row.setAttribute("aria-selected", "true");
    var link = row.querySelector("a[data-row-link]");
    if (link) link.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
  }

  function selectedRow() {
    var all = rows();
    var index = selectedIndex(all);
    return index >= 0 ? all[index] : null;
  }

  function focusField(selector) {
    var field = document.querySelector(selector);
    if (!field) return false;
    field.focus();
    if (field.scrollIntoView) field.scrollIntoView({ block: "center" });
    return true;
  }

  function listShortcut(key) {
    var all = rows();
    switch (key) {
      case "j":
        select(all, selectedIndex(all) + 1);
        return true;
      case "k":
        select(all, selectedIndex(all) < 0 ? 0 : selectedIndex(all) - 1);
        return true;
      case "o":
      case "Enter": {
        var row = selectedRow();
        var link = row && row.querySelector("a[data-row-link]");
        if (!link) return false;
        window.location.assign(link.href);
        return true;
      }
      case "x": {
        var current = selectedRow();
        var box = current && current.querySelector("input[type=checkbox]");
        if (!box) return false;
        box.checked = !box.checked;
        box.dispatchEvent(new Event("change", { bubbles: true })); // the bulk bar follows
        return true;
      }
      case "/":
        return focusField("#request-filters input[name=text]");
    }
    return false;
  }

  function requestShortcut(key) {
    switch (key) {
      case "r":
        return focusField("#reply-form textarea");
      case "m":
        return focusField("#macro-choice");
      case "n":
        return focusField("form[action$='/note'] textarea");
      case "a":
        return focusField("#panel-assignee");
      case "s":
        return focusField("#panel-status");
      case "t": {
        var take = document.querySelector("form[action$='/take']");
        if (!take) return false;
        if (take.requestSubmit) take.requestSubmit();
        else take.submit();
        return true;
      }
    }
    return false;
  }

  function openHelp(dialog) {
    if (!dialog || dialog.open) return;
    dialog.showModal();
    var close = dialog.querySelector("button");
    if (close) close.focus();
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (isTyping(event.target)) return;
    var dialog = document.getElementById("vik-shortcuts");
    if (dialog && dialog.open) return; // Esc closes it natively
    var key = event.key;
    if (pendingG) {
      pendingG = false;
      window.clearTimeout(pendingTimer);
      if (key === "l" && dialog) {
        event.preventDefault();
        window.location.assign(dialog.getAttribute("data-list-url"));
      }
      return;
    }
    if (key === "?") {
      event.preventDefault();
      openHelp(dialog);
      return;
    }
    // Not on the form itself: a second "c" would throw away what is typed there.
    if (key === "c" && dialog && dialog.getAttribute("data-new-url") && !document.getElementById("request-new")) {
      event.preventDefault();
      window.location.assign(dialog.getAttribute("data-new-url"));
      return;
    }
    if (key === "g") {
      pendingG = true;
      pendingTimer = window.setTimeout(function () { pendingG = false; }, 1500);
      return;
    }
    // Enter on a link or a button does what it always does.
    if (key === "Enter" && event.target && /^(a|button|summary)$/i.test(event.target.tagName)) {
      return;
    }
    var handled = document.querySelector("[data-shortcuts=list]") ? listShortcut(key) : requestShortcut(key);
    if (handled) event.preventDefault();
  });

  document.addEventListener("change", function (event) {
    var all = event.target;
    if (!all || !all.hasAttribute || !all.hasAttribute("data-select-all")) return;
    var name = all.getAttribute("data-select-all");
    document.querySelectorAll("input[type=checkbox][name='" + name + "']").forEach(function (box) {
      box.checked = all.checked;
    });
  });

  // The list's filters change without a page load (htmx pushes them into the address): a view
  // is saved from the filters shown, not from those the page was loaded with.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.hasAttribute || !form.hasAttribute("data-save-view")) return;
    var query = form.querySelector("input[name=query]");
    if (query) query.value = window.location.search.replace(/^\?/, "");
  });
})();
