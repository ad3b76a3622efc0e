// The routing rule's municipality picker: a ticked match moves to the chosen list, so that the
// next search keeps it; Enter in the search field searches instead of submitting the form.
// Same-origin and without inline handlers, as the content security policy requires. Without
// script the "Find" button reloads the form with the matches.
(function () {
  "use strict";
  function setUp() {
    var picker = document.querySelector("[data-testid=municipality-picker]");
    if (!picker) return;
    var chosen = picker.querySelector("[data-testid=municipality-chosen]");
    var found = picker.querySelector("#municipality-found");
    var none = picker.querySelector("[data-picker-none]");
    var query = picker.querySelector("[data-testid=municipality-query]");
    found.addEventListener("change", function (event) {
      var box = event.target;
      if (!box.matches("input[type=checkbox]") || !box.checked) return;
      var row = box.closest("li");
      box.id = box.id.replace("municipality-found-", "municipality-chosen-");
      row.querySelector("label").setAttribute("for", box.id);
      chosen.appendChild(row);
      if (none) none.hidden = true;
      box.focus();
    });
    query.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        query.dispatchEvent(new Event("search", { bubbles: true }));
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
