// The public portal's small helpers (no framework; the pages work without it):
// - the error summary takes the focus, as in the GOV.UK pattern gov.cz follows;
// - Enter in a field marked data-enter-moves-on moves to the next field instead of sending a
//   half-filled form (the municipality chooser);
// - the file upload lists the chosen files.
(function () {
  "use strict";
  function ready() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary && document.activeElement !== summary) summary.focus();

    document.addEventListener("keydown", function (event) {
      var field = event.target;
      if (event.key !== "Enter" || !field.matches || !field.matches("[data-enter-moves-on]")) return;
      event.preventDefault();
      var form = field.form;
      if (!form) return;
      var fields = Array.prototype.filter.call(form.elements, function (element) {
        return !element.disabled && element.type !== "hidden" && element.offsetParent !== null;
      });
      var next = fields[fields.indexOf(field) + 1];
      if (next) next.focus();
    });

    document.querySelectorAll(".gov-form-file input[type=file]").forEach(function (input) {
      var list = input.closest(".gov-form-file").querySelector("[data-file-list]");
      if (!list) return;
      input.addEventListener("change", function () {
        list.textContent = "";
        Array.prototype.forEach.call(input.files, function (file) {
          var item = document.createElement("li");
          item.className = "gov-form-file__item";
          var name = document.createElement("span");
          name.className = "gov-form-file__name";
          name.textContent = file.name;
          var size = document.createElement("span");
          size.className = "gov-form-file__size";
          size.textContent = "(" + Math.max(1, Math.round(file.size / 1024)) + " kB)";
          item.append(name, " ", size);
          list.append(item);
        });
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
