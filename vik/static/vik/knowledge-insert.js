// The request page's "Guides and answers": put an article's public link or text into the reply.
// Same-origin and without inline handlers, as the content security policy requires.
(function () {
  "use strict";
  function replyText() {
    return document.querySelector("#reply-form textarea[name=text]");
  }
  function insert(textarea, text) {
    var start = textarea.selectionStart, end = textarea.selectionEnd, value = textarea.value;
    var before = value.slice(0, start), after = value.slice(end);
    var lead = before && !/\s$/.test(before) ? "\n" : "";
    var trail = after && !/^\s/.test(after) ? "\n" : "";
    textarea.value = before + lead + text + trail + after;
    var caret = (before + lead + text).length;
    textarea.setSelectionRange(caret, caret);
    textarea.focus();
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }
  function setUp() {
    if (!replyText()) return;
    document.querySelectorAll(".vik-insert").forEach(function (row) { row.hidden = false; });
    document.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-insert]");
      var textarea = replyText();
      if (button && textarea) insert(textarea, button.getAttribute("data-insert"));
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
