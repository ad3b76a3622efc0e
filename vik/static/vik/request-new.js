/* The new-request form, keyboard first (no framework).
 * The contact search is a combobox: typing asks the server (htmx), ArrowDown/ArrowUp move through
 * the results, Enter chooses one, Escape closes the list. Ctrl+Enter (Cmd+Enter) saves the form
 * from any field. */
(function () {
  "use strict";

  var form = document.getElementById("request-new");
  if (!form) return;
  var input = document.getElementById("contact-query");
  var hidden = form.querySelector("input[name=contact]");
  var chosen = document.getElementById("contact-chosen");
  var fresh = form.querySelector("[data-new-contact]");
  var freshNote = form.querySelector("[data-new-contact-note]");
  var ACTIVE = "vik-option--active";

  function list() {
    return document.getElementById("contact-matches");
  }

  function options() {
    var box = list();
    return box && !box.hidden ? Array.prototype.slice.call(box.querySelectorAll("[role=option]")) : [];
  }

  function expanded() {
    input.setAttribute("aria-expanded", options().length ? "true" : "false");
  }

  function activate(index) {
    var all = options();
    if (!all.length) return;
    index = (index + all.length) % all.length;
    all.forEach(function (option, i) {
      option.classList.toggle(ACTIVE, i === index);
      option.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    input.setAttribute("aria-activedescendant", all[index].id);
    all[index].scrollIntoView({ block: "nearest" });
  }

  function activeIndex() {
    var all = options();
    for (var i = 0; i < all.length; i++) {
      if (all[i].classList.contains(ACTIVE)) return i;
    }
    return -1;
  }

  function close() {
    var box = list();
    if (box) box.hidden = true;
    input.removeAttribute("aria-activedescendant");
    expanded();
  }

  function showFresh(show) {
    if (fresh) fresh.hidden = !show;
    if (freshNote) freshNote.hidden = !show;
  }

  function choose(option) {
    hidden.value = option.getAttribute("data-contact-id");
    chosen.querySelector("[data-chosen-name]").textContent = option.getAttribute("data-contact-name");
    chosen.hidden = false;
    showFresh(false);
    close();
    var next = document.getElementById("id_municipality");
    if (next) next.focus();
  }

  if (hidden && hidden.value) showFresh(false);

  input.addEventListener("keydown", function (event) {
    var all = options();
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!all.length) return;
      event.preventDefault();
      var now = activeIndex();
      activate(event.key === "ArrowDown" ? now + 1 : (now < 0 ? all.length - 1 : now - 1));
    } else if (event.key === "Enter" && !event.ctrlKey && !event.metaKey) {
      var index = activeIndex();
      if (index < 0 && all.length === 1) index = 0;
      if (index >= 0) {
        event.preventDefault();
        choose(all[index]);
      } else {
        event.preventDefault(); // Enter in the search never saves the form half filled
      }
    } else if (event.key === "Escape" && all.length) {
      event.preventDefault();
      close();
    }
  });

  document.addEventListener("htmx:afterSwap", function () {
    input.removeAttribute("aria-activedescendant");
    expanded();
  });

  document.addEventListener("click", function (event) {
    var option = event.target.closest && event.target.closest("#contact-matches [role=option]");
    if (option) choose(option);
  });

  chosen.querySelector("[data-contact-clear]").addEventListener("click", function () {
    hidden.value = "";
    chosen.hidden = true;
    showFresh(true);
    input.focus();
  });

  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (form.requestSubmit) form.requestSubmit();
      else form.submit();
    }
  });

  // After a refused submission, the first field with an error takes the focus.
  var invalid = form.querySelector(".vik-field--invalid input, .vik-field--invalid select, .vik-field--invalid textarea");
  if (invalid) invalid.focus();
})();
