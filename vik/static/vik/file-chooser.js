// The file upload (components/file_drop.html) lists the chosen files under its drop zone, on the
// portal's forms and the clerk's reply; without it the input still takes the files.
(function () {
  "use strict";
  function ready() {
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
