// Tells the presence poll (workspace/_request_presence.html) whether the agent is writing: a
// reply or note textarea that has the focus or any text.
(function () {
  "use strict";
  function setUp() {
    var field = document.getElementById("presence-state");
    if (!field) return;
    function update() {
      var writing = false;
      document.querySelectorAll("form textarea").forEach(function (textarea) {
        if (textarea === document.activeElement || textarea.value.trim()) writing = true;
      });
      field.value = writing ? "replying" : "viewing";
    }
    document.addEventListener("focusin", update);
    document.addEventListener("focusout", function () { window.setTimeout(update, 0); });
    document.addEventListener("input", update);
    update();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
