// The request list: the bar of actions on ticked requests appears only while some are ticked.
// Without JavaScript the bar simply stays in the page (progressive enhancement).
(function () {
  "use strict";

  function sync() {
    var bar = document.getElementById("bulk-form");
    if (!bar) return;
    var ticked = document.querySelectorAll("input[type=checkbox][name=references]:checked").length;
    bar.hidden = ticked === 0;
    var count = bar.querySelector("[data-bulk-count]");
    if (count) count.textContent = String(ticked);
  }

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box || !box.matches) return;
    // After shortcuts.js has ticked the rows for "select all".
    if (box.matches("input[name=references], [data-select-all]")) window.setTimeout(sync, 0);
  });
  document.addEventListener("htmx:afterSwap", sync);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", sync);
  } else {
    sync();
  }
})();
