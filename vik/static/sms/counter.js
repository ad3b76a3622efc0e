// The SMS reply box: characters and parts as the clerk types, what the text costs without
// diacritics, and the centre's monthly budget. The rules are those of vik/channels/sms/encoding.py
// (GSM-7: 160 a part, 153 in a long SMS, extension characters count twice; UCS-2: 70, 67).
// Same-origin and without inline handlers, as the content security policy requires; without
// script the box shows its static help and the server still counts and refuses.
(function () {
  "use strict";
  var BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var EXTENSION = "\f^{}\\[~]|€";
  var PUNCTUATION = { "„": "\"", "“": "\"", "”": "\"", "‚": "'", "‘": "'", "’": "'", "–": "-",
    "—": "-", "…": "...", "\u00a0": " " };

  function isGsm(ch) { return BASIC.indexOf(ch) >= 0 || EXTENSION.indexOf(ch) >= 0; }

  function cost(text) {
    var chars = Array.from(text);
    var gsm = chars.every(isGsm);
    var units = 0;
    chars.forEach(function (ch) {
      units += gsm ? (EXTENSION.indexOf(ch) >= 0 ? 2 : 1) : (ch.codePointAt(0) > 0xffff ? 2 : 1);
    });
    var single = gsm ? 160 : 70, part = gsm ? 153 : 67;
    if (units <= single) return { gsm: gsm, units: units, parts: units ? 1 : 0, perPart: single };
    var parts = 1, used = 0;
    chars.forEach(function (ch) {
      var width = gsm ? (EXTENSION.indexOf(ch) >= 0 ? 2 : 1) : (ch.codePointAt(0) > 0xffff ? 2 : 1);
      if (used + width > part) { parts += 1; used = 0; }
      used += width;
    });
    return { gsm: gsm, units: units, parts: parts, perPart: part };
  }

  function withoutDiacritics(text) {
    var plain = text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
    plain = plain.replace(/[„“”‚‘’–—…\u00a0]/g, function (ch) { return PUNCTUATION[ch]; });
    return Array.from(plain).map(function (ch) { return isGsm(ch) ? ch : "?"; }).join("");
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_m, key) { return String(values[key]); });
  }

  function setUp() {
    var box = document.querySelector("[data-sms-counter]");
    var textarea = document.querySelector("#reply-form textarea[name=text]");
    if (!box || !textarea) return;
    var out = box.querySelector("[data-sms-count]");
    var alt = box.querySelector("[data-sms-alternative]");
    var altText = box.querySelector("[data-sms-alternative-text]");
    var strip = box.querySelector("[data-sms-strip]");
    var budgetOut = box.querySelector("[data-sms-budget]");
    var submit = document.querySelector("#reply-form button[type=submit]");
    var used = Number(box.getAttribute("data-used")), budget = Number(box.getAttribute("data-budget"));
    var warnAt = Number(box.getAttribute("data-warn"));
    // The reply form's "Send by" choice: the box counts only while an SMS way is chosen.
    var radios = Array.from(document.querySelectorAll("#reply-form input[name=route]"));
    var smsRoutes = (box.getAttribute("data-sms-routes") || "").split(" ").filter(Boolean);
    function smsChosen() {
      var checked = radios.filter(function (radio) { return radio.checked; })[0];
      if (!checked) return radios.length === 0;
      return smsRoutes.indexOf(checked.value) >= 0;
    }
    function update() {
      var chosen = smsChosen();
      box.hidden = !chosen;
      if (!chosen) {
        if (submit) submit.disabled = false;
        return;
      }
      var text = textarea.value.trim();
      var now = cost(text);
      out.textContent = fill(box.getAttribute(now.gsm ? "data-t-gsm" : "data-t-ucs"),
        { chars: Array.from(text).length, parts: now.parts, per: now.perPart });
      if (!now.gsm && text) {
        var plain = cost(withoutDiacritics(text));
        altText.textContent = fill(box.getAttribute("data-t-alternative"),
          { parts: plain.parts, saved: now.parts - plain.parts });
        alt.hidden = false;
      } else {
        alt.hidden = true;
      }
      if (budget > 0) {
        var after = used + now.parts;
        var over = after > budget;
        budgetOut.textContent = fill(box.getAttribute(over ? "data-t-over" : "data-t-budget"),
          { used: used, after: after, budget: budget });
        budgetOut.classList.toggle("vik-sms-warning", after >= warnAt && !over);
        budgetOut.classList.toggle("vik-sms-refused", over);
        if (submit) submit.disabled = over;
      }
    }
    strip.addEventListener("click", function () {
      textarea.value = withoutDiacritics(textarea.value);
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
      textarea.focus();
    });
    textarea.addEventListener("input", update);
    radios.forEach(function (radio) { radio.addEventListener("change", update); });
    update();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
