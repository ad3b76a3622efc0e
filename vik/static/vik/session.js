// The idle warning (tenancy/_session_warning.html): shortly before the server ends an idle
// session (SessionLimitsMiddleware), a dialog offers to stay signed in. Typing in the page counts
// as presence: the session is then extended without asking. The status check is a passive request
// (it does not extend the session); at the end the page goes to the login page, which says why.
(function () {
  "use strict";
  function setUp() {
    var dialog = document.getElementById("vik-session-warning");
    if (!dialog) return;
    var idle = parseInt(dialog.dataset.idleSeconds, 10) * 1000;
    var warning = parseInt(dialog.dataset.warningSeconds, 10) * 1000;
    var lastContact = Date.now();
    var lastTyping = 0;
    var lastEnds = "";
    var timer = null;
    var ticker = null;

    function schedule(msLeft) {
      window.clearTimeout(timer);
      timer = window.setTimeout(check, Math.max(1000, msLeft - warning));
    }
    function leave(reason) {
      var why = reason ? "&reason=" + encodeURIComponent(reason) : "";
      window.location.assign(dialog.dataset.loginUrl + "?next=" + encodeURIComponent(window.location.pathname + window.location.search) + why);
    }
    function format(seconds) {
      var s = Math.max(0, Math.round(seconds));
      return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
    }
    function show(state) {
      var ends = Date.now() + state.seconds_left * 1000;
      dialog.querySelector("[data-session-idle]").hidden = state.ends !== "idle";
      dialog.querySelector("[data-session-max]").hidden = state.ends !== "max";
      dialog.querySelector("[data-session-extend]").hidden = state.ends !== "idle";
      function tick() {
        var left = (ends - Date.now()) / 1000;
        dialog.querySelectorAll("[data-session-countdown]").forEach(function (el) { el.textContent = format(left); });
        if (left <= 0) { window.clearInterval(ticker); check(); }
      }
      window.clearInterval(ticker);
      ticker = window.setInterval(tick, 1000);
      tick();
      if (!dialog.open) dialog.showModal();
    }
    function request(url, options) {
      return window.fetch(url, Object.assign({ credentials: "same-origin", headers: { "Accept": "application/json" } }, options || {}))
        .then(function (response) { return response.json(); });
    }
    function apply(state) {
      // Signed out by a request of its own (the bell's poll) whose answer's cookie this answer
      // may have cleared: the reason is then the one this page was counting down to.
      if (!state.signed_in) { leave(state.ends || lastEnds); return; }
      lastEnds = state.ends || lastEnds;
      if (state.seconds_left * 1000 > warning) {
        if (dialog.open) dialog.close();
        window.clearInterval(ticker);
        schedule(state.seconds_left * 1000);
        return;
      }
      if (state.seconds_left <= 0) { leave(state.ends); return; }
      if (state.ends === "idle" && lastTyping > lastContact) { extend(); return; }
      show(state);
    }
    function check() {
      request(dialog.dataset.statusUrl).then(apply, function () { schedule(warning + 30000); });
    }
    function extend() {
      lastContact = Date.now();
      request(dialog.dataset.extendUrl, { method: "POST", headers: { "Accept": "application/json", "X-CSRFToken": dialog.dataset.csrf } }).then(apply, check);
    }
    dialog.querySelector("[data-session-extend]").addEventListener("click", extend);
    dialog.addEventListener("cancel", function (event) { event.preventDefault(); extend(); });
    document.addEventListener("input", function () { lastTyping = Date.now(); });
    schedule(idle);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
