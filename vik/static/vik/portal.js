// The public portal's small helpers (no framework; the pages work without it):
// - the error summary takes the focus, as in the GOV.UK pattern gov.cz follows;
// - Enter in a field marked data-enter-moves-on moves to the next field instead of sending a
//   half-filled form (the municipality chooser).
// the file upload's list of chosen files is file-chooser.js, shared with the clerk's reply.
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
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
