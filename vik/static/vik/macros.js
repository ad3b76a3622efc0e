// The request page's canned answers and @mentions. Same-origin and without inline handlers, as
// the content security policy requires. Without script, the macro form sends the answer as it
// is and the mention buttons do nothing.
(function () {
  "use strict";
  function insertAtCaret(textarea, text) {
    var start = textarea.selectionStart, end = textarea.selectionEnd, value = textarea.value;
    textarea.value = value.slice(0, start) + text + value.slice(end);
    var caret = start + text.length;
    textarea.setSelectionRange(caret, caret);
    textarea.focus();
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }
  function chooseMacro(form, select) {
    var reply = document.querySelector("#reply-form textarea[name=text]");
    var macroField = document.getElementById("reply-macro-id");
    if (!reply || !macroField) return;
    if (!select.value) {
      macroField.value = "";
      return;
    }
    var url = form.getAttribute("data-macro-url").replace(/0$/, select.value);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (macro) {
        var current = reply.value.trim();
        // A second answer added to a reply that already greets does not greet again.
        var greets = /^\s*(dobrý\s+den|dobré\s+(ráno|odpoledne)|dobrý\s+večer|vážen[áýé]|zdravím)/i.test(current);
        var text = current && greets && typeof macro.body === "string" ? macro.body : macro.text;
        reply.value = current ? current + "\n\n" + text : text;
        macroField.value = String(macro.id);
        reply.focus();
        reply.dispatchEvent(new Event("input", { bubbles: true }));
      })
      .catch(function () { macroField.value = ""; });
  }
  function setUp() {
    var form = document.querySelector("form[data-macro-url]");
    if (form) {
      var hint = form.querySelector("[data-macro-hint]");
      if (hint) hint.hidden = false;
      var select = form.querySelector("select[name=macro]");
      select.addEventListener("change", function () { chooseMacro(form, select); });
    }
    document.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-mention]");
      if (!button) return;
      var note = button.closest("form").querySelector("textarea[name=text]");
      if (!note) return;
      var before = note.value.slice(0, note.selectionStart);
      var lead = before && !/\s$/.test(before) ? " " : "";
      insertAtCaret(note, lead + "@" + button.getAttribute("data-mention") + " ");
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
