// The request page's "Guides and answers": put an article's public link or text into the reply.
// Same-origin and without inline handlers, as the content security policy requires.
// Inserting counts as using the article: its id goes into a hidden input of the reply form
// (knowledge_articles), which the reply view hands to the usage metrics.
(function () {
  "use strict";
  function replyForm() {
    return document.getElementById("reply-form");
  }
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
  function remember(article) {
    var form = replyForm();
    if (!form || !/^\d+$/.test(article)) return;
    var present = form.querySelectorAll("input[name=knowledge_articles]");
    for (var i = 0; i < present.length; i++) {
      if (present[i].value === article) return;
    }
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = "knowledge_articles";
    input.value = article;
    form.appendChild(input);
  }
  function setUp() {
    if (!replyText()) return;
    document.querySelectorAll(".vik-insert").forEach(function (row) { row.hidden = false; });
    document.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-insert]");
      var textarea = replyText();
      if (!button || !textarea) return;
      insert(textarea, button.getAttribute("data-insert"));
      var row = button.closest("[data-article]");
      if (row) remember(row.getAttribute("data-article"));
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
