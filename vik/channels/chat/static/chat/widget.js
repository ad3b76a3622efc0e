/* VIK chat widget: the one script a municipal site embeds (docs/channels/chat.md).
 *
 *   <script src="https://vik.example.cz/widget.js" data-centre="jihlava" defer></script>
 *
 * Vanilla JavaScript, no build step, no dependency. Everything lives in a shadow root: the host
 * page's styles do not reach in and ours do not leak out. Styles come from a constructable
 * stylesheet (adoptedStyleSheets), never from a <style> element or a style attribute, so a host
 * page whose Content-Security-Policy refuses inline styles still shows the widget; no inline
 * handler, no eval. No cookie: the chat's token, the last message number and the messages not yet
 * acknowledged stay in the host page's localStorage, so a reload, a closed lid or a lost
 * connection resumes the same chat with nothing lost (messages are sent again with the same id;
 * the server stores an id once) and nothing shown twice (each seq and id is shown once).
 */
(function () {
  "use strict";

  var script = document.currentScript || document.querySelector('script[src$="/widget.js"]');
  if (!script || window.__vikChat) return;
  window.__vikChat = true;

  var ORIGIN = new URL(script.src, location.href).origin;
  var WS_ORIGIN = ORIGIN.replace(/^http/, "ws");
  var data = script.dataset;
  var TARGET = {};
  ["centre", "region", "municipality"].forEach(function (key) {
    if (data[key]) TARGET[key] = data[key];
  });
  var LANG = data.lang === "en" || data.lang === "cs" ? data.lang
    : /^en\b/i.test(navigator.language || "") ? "en" : "cs";
  var STORE = "vik-chat:" + ORIGIN + ":" + JSON.stringify(TARGET);

  var TEXT = {
    cs: {
      launcher: "Napište nám", title: "Chat s infocentrem", close: "Zavřít chat",
      loading: "Načítám…", intro: "Zeptejte se, odpovíme vám tady. Jméno a e-mail jsou nepovinné.",
      name: "Jméno", email: "E-mail", optional: "(nepovinné)", topic: "Téma", anyTopic: "Nevím / jiné",
      question: "Váš dotaz", start: "Začít chat", suggested: "Možná vám pomůže:",
      helped: "Článek mi pomohl", thanksArticle: "Jsme rádi, že jste odpověď našli. Chat můžete zavřít.",
      offlineTitle: "Teď nikdo nemůže chatovat",
      offlineIntro: "Nechte nám zprávu, odpovíme e-mailem.", emailNeeded: "E-mail pro odpověď",
      sendMessage: "Odeslat zprávu", sent: "Děkujeme, zprávu máme. Odpověď vám pošleme na %s.",
      again: "Nový dotaz", message: "Zpráva", send: "Odeslat", attach: "Přiložit soubor",
      you: "Vy", agent: "Infocentrum", system: "Oznámení", sending: "odesílá se…", read: "Přečteno",
      failed: "Neodesláno", typing: "%s píše…", someone: "Pracovník",
      waiting: "Čekáte ve frontě, jste %n. na řadě.", waitAbout: "Odhad čekání: %m min.",
      waitingOffline: "Teď není nikdo k dispozici. Dotaz máme a odpovíme vám; sledujte jej na odkazu níže.",
      active: "Píšete si s: %s", closed: "Chat skončil. Novou zprávou ho znovu otevřete.",
      reference: "Dotaz %s", tracking: "Odkaz pro pokračování později",
      connecting: "Připojuji…", lost: "Spojení se přerušilo, připojuji znovu…",
      end: "Ukončit chat", transcript: "Přepis e-mailem", transcriptSend: "Poslat přepis",
      transcriptSent: "Přepis jsme poslali na %s.", rateTitle: "Jak jste byli spokojeni?",
      rateLegend: "Hodnocení od 1 (špatné) do 5 (výborné)", comment: "Komentář",
      rate: "Odeslat hodnocení", rated: "Děkujeme za hodnocení.", stars: ["1 – špatné", "2", "3", "4", "5 – výborné"],
      tooBig: "Soubor je příliš velký (nejvýše %s MB).", network: "Spojení se nepodařilo. Zkuste to znovu.",
      gone: "Tento chat už neexistuje. Můžete začít nový.", required: "Vyplňte prosím.",
      newMessage: "Nová zpráva od %s: %t", file: "Soubor"
    },
    en: {
      launcher: "Chat with us", title: "Chat with the information centre", close: "Close the chat",
      loading: "Loading…", intro: "Ask us, we answer here. Your name and e-mail are optional.",
      name: "Name", email: "E-mail", optional: "(optional)", topic: "Topic", anyTopic: "Not sure / other",
      question: "Your question", start: "Start the chat", suggested: "This may help:",
      helped: "The article answered me", thanksArticle: "We are glad you found the answer. You may close the chat.",
      offlineTitle: "No one can chat right now",
      offlineIntro: "Leave us a message and we will answer by e-mail.", emailNeeded: "E-mail for the answer",
      sendMessage: "Send the message", sent: "Thank you, we have your message. We will answer to %s.",
      again: "New question", message: "Message", send: "Send", attach: "Attach a file",
      you: "You", agent: "Information centre", system: "Notice", sending: "sending…", read: "Read",
      failed: "Not sent", typing: "%s is typing…", someone: "The clerk",
      waiting: "You are waiting in the queue, number %n.", waitAbout: "Expected wait: %m min.",
      waitingOffline: "No one is available now. We have your question and will answer; follow it at the link below.",
      active: "Chatting with: %s", closed: "The chat has ended. A new message opens it again.",
      reference: "Request %s", tracking: "Link to continue later",
      connecting: "Connecting…", lost: "The connection dropped, reconnecting…",
      end: "End the chat", transcript: "Transcript by e-mail", transcriptSend: "Send the transcript",
      transcriptSent: "We sent the transcript to %s.", rateTitle: "How satisfied were you?",
      rateLegend: "Rating from 1 (poor) to 5 (excellent)", comment: "Comment",
      rate: "Send the rating", rated: "Thank you for your rating.", stars: ["1 – poor", "2", "3", "4", "5 – excellent"],
      tooBig: "The file is too large (at most %s MB).", network: "Could not connect. Please try again.",
      gone: "This chat no longer exists. You may start a new one.", required: "Please fill this in.",
      newMessage: "New message from %s: %t", file: "File"
    }
  }[LANG];

  var CSS = [
    ":host{all:initial;position:fixed;right:1rem;bottom:1rem;z-index:2147483000;pointer-events:none;font:16px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1b1b1b}",
    "*{box-sizing:border-box}[hidden]{display:none!important}.launcher,.panel{pointer-events:auto}",
    "button,input,select,textarea{font:inherit;color:inherit}",
    ":focus-visible{outline:3px solid #ffbf47;outline-offset:2px;box-shadow:0 0 0 5px #1b1b1b}",
    ".launcher{display:flex;align-items:center;gap:.5rem;margin-left:auto;padding:.75rem 1.1rem;border:2px solid #fff;border-radius:2rem;background:#0b4f8a;color:#fff;font-weight:600;cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.35)}",
    ".launcher:hover{background:#083a66}.launcher svg{width:1.3em;height:1.3em;fill:currentColor}",
    ".panel{display:flex;flex-direction:column;width:min(24rem,calc(100vw - 2rem));max-height:min(40rem,calc(100vh - 2rem));background:#fff;border:1px solid #767676;border-radius:.6rem;box-shadow:0 6px 24px rgba(0,0,0,.3);overflow:hidden;transition:opacity .15s,transform .15s}",
    ".panel.opening{opacity:0;transform:translateY(.5rem)}",
    ".head{display:flex;align-items:center;justify-content:space-between;gap:.5rem;padding:.6rem .8rem;background:#0b4f8a;color:#fff}",
    "h2{margin:0;font-size:1.05rem}h3{margin:0 0 .4rem;font-size:1rem}",
    ".x{border:0;background:transparent;color:#fff;font-size:1.5rem;line-height:1;padding:.2rem .5rem;cursor:pointer;border-radius:.3rem}",
    ".body{overflow:auto;padding:.8rem;flex:1 1 auto;min-height:0}",
    "form{display:flex;flex-direction:column;gap:.55rem}label{font-weight:600}label small{font-weight:400;color:#4a4a4a}",
    "input,select,textarea{width:100%;padding:.45rem .55rem;border:1px solid #6b6b6b;border-radius:.3rem;background:#fff}",
    "textarea{min-height:4.5rem;resize:vertical}[aria-invalid=true]{border:2px solid #b00020}",
    ".field{display:flex;flex-direction:column;gap:.2rem}.err{color:#b00020;font-size:.9rem}",
    ".btn{padding:.55rem .9rem;border:2px solid #0b4f8a;border-radius:.3rem;background:#0b4f8a;color:#fff;font-weight:600;cursor:pointer}",
    ".btn:hover{background:#083a66}.btn.alt{background:#fff;color:#0b4f8a}.btn.alt:hover{background:#e8f0f8}",
    ".row{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}",
    ".sugg{margin:.2rem 0;padding:.5rem .6rem;background:#f1f5f9;border-radius:.3rem}.sugg ul{margin:.3rem 0;padding-left:1.1rem}",
    "a{color:#0b4f8a}a:hover{color:#083a66}.sugg small{display:block;color:#4a4a4a}",
    ".note{margin:0 0 .6rem;padding:.5rem .6rem;border-left:4px solid #0b4f8a;background:#eef4fa}",
    ".alert{color:#b00020;font-weight:600}.alert:empty,.note:empty{display:none}",
    ".status{font-size:.92rem;color:#333;margin:0 0 .4rem}",
    ".body>.status:first-child{position:sticky;top:-.8rem;z-index:1;margin:-.8rem -.8rem .5rem;padding:.45rem .8rem;background:#eef4fa;border-bottom:1px solid #c8d6e5}",
    ".body>.status:first-child:empty{display:none}",
    ".log{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:.5rem}",
    ".m{max-width:88%;padding:.4rem .6rem;border-radius:.6rem;background:#f1f1f1;overflow-wrap:anywhere}",
    ".m.citizen{align-self:flex-end;background:#dcebf8}.m.system{align-self:center;background:transparent;color:#4a4a4a;font-size:.9rem;text-align:center}",
    ".m p{margin:.1rem 0;white-space:pre-wrap}.who{font-size:.8rem;font-weight:600;color:#333}.meta{font-size:.78rem;color:#4a4a4a}",
    ".typing{min-height:1.3em;font-size:.9rem;color:#333;font-style:italic}",
    ".composer{border-top:1px solid #c8c8c8;padding:.6rem .8rem;display:flex;flex-direction:column;gap:.4rem}",
    ".file{position:relative}.file input{position:absolute;opacity:0;width:1px;height:1px}",
    ".file label{display:inline-block;padding:.4rem .7rem;border:2px solid #0b4f8a;border-radius:.3rem;color:#0b4f8a;font-weight:600;cursor:pointer}",
    ".file input:focus-visible+label{outline:3px solid #ffbf47;outline-offset:2px;box-shadow:0 0 0 5px #1b1b1b}",
    "fieldset{border:1px solid #6b6b6b;border-radius:.3rem;padding:.4rem .6rem}legend{font-weight:600;padding:0 .2rem}",
    ".stars{display:flex;flex-wrap:wrap;gap:.2rem .8rem}.stars label{font-weight:400}.stars input{width:auto}",
    ".sr{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    "@keyframes blink{50%{opacity:.35}}.typing:not(:empty){animation:blink 1.2s infinite}",
    "@media (max-width:30rem){:host{right:.5rem;bottom:.5rem;left:.5rem}.panel{width:100%;max-height:calc(100vh - 1rem)}}",
    "@media (prefers-reduced-motion:reduce){*{animation:none!important;transition:none!important}}",
    "@media (forced-colors:active){.launcher,.btn,.panel{border:2px solid ButtonText}}"
  ].join("\n");

  // --- small helpers ------------------------------------------------------------------------

  function t(key, value, extra) {
    var text = TEXT[key];
    if (value !== undefined) text = text.replace("%s", value).replace("%n", value).replace("%m", value);
    if (extra !== undefined) text = text.replace("%t", extra);
    return text;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === false || value === null || value === undefined) return;
      if (key === "text") node.textContent = value;
      else if (key === "on") Object.keys(value).forEach(function (e) { node.addEventListener(e, value[e]); });
      else node.setAttribute(key, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function uid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    return Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }

  function load() {
    try { return JSON.parse(localStorage.getItem(STORE) || "{}") || {}; } catch (e) { return {}; }
  }

  function save() {
    try { localStorage.setItem(STORE, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }

  function api(path, options) {
    options = options || {};
    var init = { method: options.method || "GET", credentials: "omit", mode: "cors", keepalive: !!options.keepalive };
    if (options.json) {
      init.headers = { "Content-Type": "application/json" };
      init.body = JSON.stringify(Object.assign({ language: LANG }, TARGET, options.json));
    } else if (options.form) {
      init.body = options.form;
    }
    return fetch(ORIGIN + path, init).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        return { status: response.status, body: body };
      });
    });
  }

  function query(params) {
    return Object.keys(params).map(function (k) {
      return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]);
    }).join("&");
  }

  // --- state --------------------------------------------------------------------------------

  // token, seq (the last message shown), outbox ([{id, text}] not yet acknowledged), email,
  // open (the panel was open), rated, draft (what the citizen wrote before starting)
  var state = load();
  if (data.token && data.token !== state.token) {
    state = { token: data.token, seq: 0, outbox: [], open: true };
    save();
  }
  state.outbox = state.outbox || [];
  var status = null; // /chat/api/status
  var shown = {}; // seq -> true
  var byId = {}; // client id -> message element
  var socket = null;
  var retry = 0;
  var retryTimer = null;
  var chatState = {};
  var typingSent = 0;
  var typingTimer = null;
  var opened = []; // article ids the citizen opened from the suggestions
  var deflected = false;
  var wantFocus = false;
  var received = 0;

  // --- the shadow root ----------------------------------------------------------------------

  var host = el("div", { "data-vik-chat": "" });
  var root = host.attachShadow({ mode: "open" });
  if ("adoptedStyleSheets" in root) {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } else {
    root.appendChild(el("style", { text: CSS })); // old browsers: needs 'unsafe-inline' styles
  }

  var SVG = "http://www.w3.org/2000/svg";
  var icon = document.createElementNS(SVG, "svg");
  icon.setAttribute("viewBox", "0 0 24 24");
  icon.setAttribute("aria-hidden", "true");
  icon.setAttribute("focusable", "false");
  var path = document.createElementNS(SVG, "path");
  path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z");
  icon.appendChild(path);
  var launcher = el("button", { type: "button", "class": "launcher", "aria-expanded": "false", "aria-controls": "vik-panel" }, [icon]);
  launcher.appendChild(el("span", { text: TEXT.launcher }));
  var heading = el("h2", { id: "vik-title", tabindex: "-1", text: TEXT.title });
  var closeButton = el("button", { type: "button", "class": "x", "aria-label": TEXT.close, text: "×" });
  var body = el("div", { "class": "body" });
  var composer = el("div", { "class": "composer", hidden: true });
  var announcer = el("div", { "class": "sr", "aria-live": "polite", "aria-atomic": "true" });
  var panel = el("section", { id: "vik-panel", "class": "panel", role: "dialog", "aria-labelledby": "vik-title", hidden: true }, [
    el("div", { "class": "head" }, [heading, closeButton]), body, composer
  ]);
  root.appendChild(panel);
  root.appendChild(launcher);
  root.appendChild(announcer);

  function announce(text) {
    announcer.textContent = "";
    setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function isOpen() { return !panel.hidden; }

  function open(focusFirst) {
    panel.hidden = false;
    panel.classList.add("opening");
    requestAnimationFrame(function () { panel.classList.remove("opening"); });
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    state.open = true;
    save();
    // The first field has the focus once the view is there (the start form waits for the status).
    wantFocus = focusFirst !== false;
    if (state.token) showChat(); else if (!body.firstChild || body.dataset.view === "loading") showStart();
    if (wantFocus && body.dataset.view !== "loading") { wantFocus = false; focusInside(); }
    else if (wantFocus) heading.focus();
    markRead();
  }

  function close() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    state.open = false;
    save();
    if (!state.token && opened.length && !deflected) deflect();
    launcher.focus();
  }

  function focusInside() {
    var target = body.dataset.view === "chat" ? textarea : body.querySelector("[data-focus]");
    (target || heading).focus();
  }

  launcher.addEventListener("click", function () { open(); });
  closeButton.addEventListener("click", close);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { event.preventDefault(); close(); }
  });

  function setView(name, nodes) {
    body.dataset.view = name;
    body.textContent = "";
    nodes.forEach(function (node) { body.appendChild(node); });
    composer.hidden = name !== "chat";
    if (wantFocus && name !== "loading") { wantFocus = false; focusInside(); }
  }

  function field(id, label, control, optional) {
    control.id = id;
    var error = el("span", { "class": "err", id: id + "-err", hidden: true });
    return el("div", { "class": "field" }, [
      el("label", { "for": id }, [label, optional ? el("small", { text: " " + TEXT.optional }) : null]),
      control, error
    ]);
  }

  function fieldError(form, name, message) {
    var control = form.querySelector("#vik-" + name);
    var error = form.querySelector("#vik-" + name + "-err");
    if (!control || !error) return false;
    control.setAttribute("aria-invalid", "true");
    control.setAttribute("aria-describedby", error.id);
    error.textContent = message;
    error.hidden = false;
    return true;
  }

  function clearErrors(form) {
    form.querySelectorAll("[aria-invalid]").forEach(function (n) { n.removeAttribute("aria-invalid"); n.removeAttribute("aria-describedby"); });
    form.querySelectorAll(".err").forEach(function (n) { n.hidden = true; n.textContent = ""; });
  }

  function topicSelect() {
    var select = el("select", {}, [el("option", { value: "", text: TEXT.anyTopic })]);
    ((status && status.topics) || []).forEach(function (topic) {
      select.appendChild(el("option", { value: String(topic.id), text: topic.name }));
    });
    if (state.topic) select.value = state.topic;
    return select;
  }

  function fetchStatus() {
    return api("/chat/api/status?" + query(Object.assign({ language: LANG }, TARGET))).then(function (answer) {
      status = answer.body || {};
      if (answer.status !== 200) status.online = false;
      return status;
    });
  }

  // --- before the chat: the question, suggestions, start -------------------------------------

  function showStart(notice) {
    setView("loading", [el("p", { text: TEXT.loading })]);
    fetchStatus().then(function () {
      if (!status.online) return showOffline(status.reason);
      renderStart(notice);
    }, function () { showOffline(TEXT.network); });
  }

  function renderStart(notice) {
    var alert = el("p", { "class": "alert", role: "alert" });
    var name = el("input", { type: "text", autocomplete: "name", maxlength: "200", "data-focus": "" });
    var email = el("input", { type: "email", autocomplete: "email", maxlength: "254" });
    var topic = topicSelect();
    var question = el("textarea", { required: true, maxlength: String(status.max_chars || 2000) });
    name.value = state.name || "";
    email.value = state.email || "";
    question.value = state.draft || "";
    var suggestions = el("div", { "class": "sugg", hidden: true });
    var thanks = el("p", { "class": "note", role: "status" });
    var form = el("form", { novalidate: true }, [
      notice ? el("p", { "class": "note", text: notice }) : null,
      el("p", { text: TEXT.intro }),
      field("vik-name", TEXT.name, name, true),
      field("vik-email", TEXT.email, email, true),
      field("vik-topic", TEXT.topic, topic, true),
      field("vik-text", TEXT.question, question),
      suggestions, thanks, alert,
      el("div", { "class": "row" }, [el("button", { type: "submit", "class": "btn", text: TEXT.start })])
    ]);
    var offered = suggestionsFor(question, suggestions, thanks);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors(form);
      alert.textContent = "";
      var text = question.value.trim();
      if (!text) { fieldError(form, "text", TEXT.required); question.focus(); return; }
      state.name = name.value.trim();
      state.email = email.value.trim();
      state.topic = topic.value;
      state.draft = text;
      save();
      var id = uid();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      api("/chat/api/start", {
        method: "POST",
        json: { text: text, name: state.name, email: state.email, topic: state.topic, id: id,
                page: location.href.slice(0, 500), articles: offered.slice(), visitor: visitor() }
      }).then(function (answer) {
        button.disabled = false;
        if (answer.status === 201) {
          state = { token: answer.body.token, seq: 0, outbox: [], open: true, email: state.email,
                    name: state.name, tracking: answer.body.tracking, reference: answer.body.reference };
          save();
          showChat(true);
        } else if (answer.status === 409) {
          showOffline(answer.body.reason, true);
        } else {
          alert.textContent = (answer.body && answer.body.reason) || TEXT.network;
        }
      }, function () { button.disabled = false; alert.textContent = TEXT.network; });
    });
    setView("start", [form]);
  }

  // While the citizen types, matching knowledge articles (debounced); returns the list of the
  // offered ids, kept up to date.
  function suggestionsFor(question, box, thanks) {
    var offered = [];
    var timer = null;
    var asked = "";
    question.addEventListener("input", function () {
      state.draft = question.value;
      save();
      clearTimeout(timer);
      timer = setTimeout(function () { suggest(question.value.trim()); }, 400);
    });
    function suggest(q) {
      if (q.length < 3 || q === asked) return;
      asked = q;
      api("/chat/api/suggest?" + query({ q: q, language: LANG })).then(function (answer) {
        var articles = (answer.body && answer.body.articles) || [];
        box.textContent = "";
        box.hidden = !articles.length;
        if (!articles.length) return;
        var list = el("ul");
        var helped = el("button", { type: "button", "class": "btn alt", hidden: true, text: TEXT.helped });
        articles.forEach(function (article) {
          var link = el("a", { href: article.url, target: "_blank", rel: "noopener", text: article.title });
          link.addEventListener("click", function () { articleOpened(article.id, helped); });
          list.appendChild(el("li", {}, [link, el("small", { text: article.snippet })]));
        });
        helped.addEventListener("click", function () {
          deflect();
          thanks.textContent = TEXT.thanksArticle;
          helped.hidden = true;
        });
        box.appendChild(el("p", { text: TEXT.suggested }));
        box.appendChild(list);
        box.appendChild(helped);
        offered.length = 0;
        articles.forEach(function (a) { offered.push(a.id); });
      }, function () { /* suggestions are a help, never a blocker */ });
    }
    return offered;
  }

  function visitor() {
    try {
      var key = "vik-chat-visitor";
      var value = localStorage.getItem(key);
      if (!value) { value = uid(); localStorage.setItem(key, value); }
      return value;
    } catch (e) { return ""; }
  }

  function articleOpened(id, helpedButton) {
    if (opened.indexOf(id) < 0) opened.push(id);
    helpedButton.hidden = false;
  }

  // A citizen who opened a suggested article and leaves without chatting (or says it helped)
  // was answered by the knowledge base: a deflection in the knowledge metrics, once.
  function deflect() {
    if (deflected || !opened.length) return;
    deflected = true;
    api("/chat/api/deflected", { method: "POST", keepalive: true, json: { article: opened[opened.length - 1] } })
      .catch(function () { /* a metric, not the citizen's business */ });
  }

  // --- no one to chat with: leave a message --------------------------------------------------

  function showOffline(reason, moveFocus) {
    var alert = el("p", { "class": "alert", role: "alert" });
    var name = el("input", { type: "text", autocomplete: "name", maxlength: "200" });
    var email = el("input", { type: "email", autocomplete: "email", required: true, maxlength: "254", "data-focus": "" });
    var question = el("textarea", { required: true });
    name.value = state.name || "";
    email.value = state.email || "";
    question.value = state.draft || "";
    var topic = topicSelect();
    var suggestions = el("div", { "class": "sugg", hidden: true });
    var thanks = el("p", { "class": "note", role: "status" });
    suggestionsFor(question, suggestions, thanks);
    var form = el("form", { novalidate: true }, [
      el("h3", { text: TEXT.offlineTitle }),
      reason ? el("p", { "class": "note", text: reason }) : null,
      el("p", { text: TEXT.offlineIntro }),
      field("vik-email", TEXT.emailNeeded, email),
      field("vik-name", TEXT.name, name, true),
      field("vik-topic", TEXT.topic, topic, true),
      field("vik-text", TEXT.question, question),
      suggestions, thanks, alert,
      el("div", { "class": "row" }, [el("button", { type: "submit", "class": "btn", text: TEXT.sendMessage })])
    ]);
    var id = uid();
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors(form);
      alert.textContent = "";
      var missing = false;
      if (!email.value.trim()) missing = fieldError(form, "email", TEXT.required);
      if (!question.value.trim()) missing = fieldError(form, "text", TEXT.required) || missing;
      if (missing) { form.querySelector("[aria-invalid=true]").focus(); return; }
      state.email = email.value.trim();
      state.name = name.value.trim();
      state.draft = question.value;
      save();
      api("/chat/api/offline", {
        method: "POST",
        json: { text: question.value.trim(), email: state.email, name: state.name, topic: topic.value,
                id: id, page: location.href.slice(0, 500) }
      }).then(function (answer) {
        if (answer.status === 202) {
          state.draft = "";
          save();
          var again = el("button", { type: "button", "class": "btn alt", text: TEXT.again });
          again.addEventListener("click", function () { showStart(); focusInside(); });
          setView("sent", [el("p", { "class": "note", role: "status", tabindex: "-1", "data-focus": "", text: t("sent", state.email) }), again]);
          focusInside();
          return;
        }
        var fields = (answer.body && answer.body.fields) || {};
        var any = false;
        Object.keys(fields).forEach(function (key) { any = fieldError(form, key, fields[key]) || any; });
        alert.textContent = (answer.body && answer.body.reason) || TEXT.network;
        var first = form.querySelector("[aria-invalid=true]");
        if (any && first) first.focus();
      }, function () { alert.textContent = TEXT.network; });
    });
    setView("offline", [form]);
    if (moveFocus) focusInside();
  }

  // --- the conversation ---------------------------------------------------------------------

  var chatView = null;
  var log, statusLine, typingLine, linkLine, chatAlert, rateBox, transcriptBox, endButton, textarea;

  function buildChat() {
    log = el("ol", { "class": "log" });
    var logBox = el("div", { role: "log", "aria-live": "polite", "aria-relevant": "additions", "aria-label": TEXT.title }, [log]);
    statusLine = el("p", { "class": "status", role: "status" });
    linkLine = el("p", { "class": "status" });
    typingLine = el("p", { "class": "typing", "aria-live": "polite" });
    chatAlert = el("p", { "class": "alert", role: "alert" });
    rateBox = el("div", { hidden: true });
    transcriptBox = el("div", { hidden: true });
    chatView = [statusLine, logBox, typingLine, chatAlert, rateBox, transcriptBox, linkLine];
    // The composer: message, file, actions.
    textarea = el("textarea", { id: "vik-message", rows: "2", maxlength: String((status && status.max_chars) || 2000) });
    var sendButton = el("button", { type: "submit", "class": "btn", text: TEXT.send });
    var file = el("input", { type: "file", id: "vik-file" });
    endButton = el("button", { type: "button", "class": "btn alt", text: TEXT.end });
    var transcriptButton = el("button", { type: "button", "class": "btn alt", text: TEXT.transcript });
    var form = el("form", {}, [
      el("label", { "for": "vik-message", "class": "sr", text: TEXT.message }),
      textarea,
      el("div", { "class": "row" }, [sendButton, el("span", { "class": "file" }, [file, el("label", { "for": "vik-file", text: TEXT.attach })])]),
      el("div", { "class": "row" }, [transcriptButton, endButton])
    ]);
    composer.textContent = "";
    composer.appendChild(form);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = textarea.value.trim();
      if (!text) return;
      textarea.value = "";
      sendTyping(false);
      sendMessage(text);
    });
    textarea.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    textarea.addEventListener("input", function () { sendTyping(textarea.value.length > 0); });
    file.addEventListener("change", function () {
      if (file.files.length) upload(file.files[0]);
      file.value = "";
    });
    endButton.addEventListener("click", function () { frame({ type: "close" }); });
    transcriptButton.addEventListener("click", showTranscript);
  }

  function showChat(moveFocus) {
    if (!chatView) buildChat();
    setView("chat", chatView);
    if (!status) fetchStatus().catch(function () {});
    state.outbox.forEach(function (item) { if (!byId[item.id]) render({ id: item.id, from: "citizen", text: item.text, pending: true }); });
    connect();
    if (moveFocus) textarea.focus();
  }

  function sendMessage(text) {
    var item = { id: uid(), text: text };
    state.outbox.push(item);
    save();
    render({ id: item.id, from: "citizen", text: text, pending: true });
    frame({ type: "message", id: item.id, text: text });
  }

  function sendTyping(on) {
    var now = Date.now();
    clearTimeout(typingTimer);
    if (on) {
      if (now - typingSent > 2500) { typingSent = now; frame({ type: "typing", on: true }); }
      typingTimer = setTimeout(function () { sendTyping(false); }, 4000);
    } else if (typingSent) {
      typingSent = 0;
      frame({ type: "typing", on: false });
    }
  }

  function upload(fileObject) {
    chatAlert.textContent = "";
    var limit = status && status.max_file_bytes;
    if (limit && fileObject.size > limit) {
      chatAlert.textContent = t("tooBig", Math.floor(limit / 1048576));
      return;
    }
    var form = new FormData();
    form.append("token", state.token);
    form.append("id", uid());
    form.append("file", fileObject);
    api("/chat/api/upload?language=" + LANG, { method: "POST", form: form }).then(function (answer) {
      if (answer.status !== 201) chatAlert.textContent = (answer.body && answer.body.reason) || TEXT.network;
    }, function () { chatAlert.textContent = TEXT.network; });
  }

  function showTranscript() {
    transcriptBox.textContent = "";
    transcriptBox.hidden = false;
    var email = el("input", { type: "email", autocomplete: "email", value: state.email || "" });
    var form = el("form", {}, [field("vik-transcript", TEXT.email, email), el("button", { type: "submit", "class": "btn alt", text: TEXT.transcriptSend })]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      frame({ type: "transcript", email: email.value.trim() });
    });
    transcriptBox.appendChild(form);
    email.focus();
  }

  function showRating() {
    if (!rateBox.hidden || state.rated) return;
    rateBox.hidden = false;
    rateBox.textContent = "";
    var stars = el("div", { "class": "stars" });
    TEXT.stars.forEach(function (label, index) {
      var id = "vik-star-" + (index + 1);
      stars.appendChild(el("span", {}, [el("input", { type: "radio", name: "score", value: String(index + 1), id: id }), el("label", { "for": id, text: " " + label })]));
    });
    var comment = el("textarea", { rows: "2", maxlength: "2000" });
    var error = el("p", { "class": "alert", role: "alert" });
    var form = el("form", {}, [
      el("h3", { text: TEXT.rateTitle, tabindex: "-1" }),
      el("fieldset", {}, [el("legend", { text: TEXT.rateLegend }), stars]),
      field("vik-comment", TEXT.comment, comment, true), error,
      el("div", { "class": "row" }, [el("button", { type: "submit", "class": "btn", text: TEXT.rate })])
    ]);
    var again = el("button", { type: "button", "class": "btn alt", text: TEXT.again });
    again.addEventListener("click", restart);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var chosen = form.querySelector("input[name=score]:checked");
      if (!chosen) { error.textContent = TEXT.required; return; }
      frame({ type: "rate", score: Number(chosen.value), comment: comment.value.trim() });
    });
    rateBox.appendChild(form);
    rateBox.appendChild(again);
    body.scrollTop = body.scrollHeight;
    // The end button the citizen pressed is gone: the focus goes to the question that follows.
    if (isOpen() && (!root.activeElement || root.activeElement === endButton)) form.firstChild.focus();
  }

  function restart() {
    disconnect();
    state = { outbox: [], open: true, name: state.name, email: state.email };
    save();
    resetChat();
    showStart();
    focusInside();
  }

  function resetChat() {
    chatView = null;
    shown = {};
    byId = {};
    chatState = {};
    received = 0;
  }

  function who(message) {
    if (message.from === "citizen") return TEXT.you;
    if (message.from === "system") return TEXT.system;
    return message.name || TEXT.agent;
  }

  function render(message) {
    if (message.seq && shown[message.seq]) return null;
    var item = message.id ? byId[message.id] : null;
    if (item && message.from === item.dataset.from) {
      if (message.seq) { item.dataset.seq = message.seq; shown[message.seq] = true; setMeta(item, message); }
      return null;
    }
    var content = [el("span", { "class": "who", text: who(message) })];
    if (message.text) content.push(el("p", { text: message.text }));
    if (message.file) {
      var link = el("a", { href: ORIGIN + message.file.url + "?t=" + encodeURIComponent(state.token), target: "_blank", rel: "noopener",
                           text: TEXT.file + ": " + message.file.name + " (" + Math.max(1, Math.round(message.file.size / 1024)) + " kB)" });
      content.push(el("p", {}, [link]));
    }
    var meta = el("span", { "class": "meta" });
    content.push(meta);
    item = el("li", { "class": "m " + message.from, "data-from": message.from }, content);
    if (message.id) { byId[message.id] = item; item.dataset.id = message.id; }
    if (message.seq) { item.dataset.seq = message.seq; shown[message.seq] = true; }
    setMeta(item, message);
    // Keep the order both sides agree on: by seq; pending messages stay last.
    var before = null;
    if (message.seq) {
      var items = log.children;
      for (var i = 0; i < items.length; i++) {
        if (!items[i].dataset.seq || Number(items[i].dataset.seq) > message.seq) { before = items[i]; break; }
      }
    }
    log.insertBefore(item, before);
    var scroller = body;
    scroller.scrollTop = scroller.scrollHeight;
    return item;
  }

  function setMeta(item, message) {
    var meta = item.querySelector(".meta");
    var parts = [];
    if (message.at) {
      var at = new Date(message.at);
      if (!isNaN(at)) parts.push(at.toLocaleTimeString(LANG === "en" ? "en-GB" : "cs-CZ", { hour: "2-digit", minute: "2-digit" }));
    }
    if (message.pending) parts.push(TEXT.sending);
    if (message.failed) parts.push(TEXT.failed + ": " + message.failed);
    meta.textContent = parts.join(" · ");
    meta.dataset.base = meta.textContent;
    if (item.dataset.from === "citizen") receipts();
  }

  function receipts() {
    if (!log) return;
    var read = Number(chatState.agent_read || 0);
    var last = null;
    log.querySelectorAll(".m.citizen").forEach(function (item) {
      var meta = item.querySelector(".meta");
      meta.textContent = meta.dataset.base || "";
      if (item.dataset.seq && Number(item.dataset.seq) <= read) last = item;
    });
    if (last) {
      var meta = last.querySelector(".meta");
      meta.textContent = (meta.dataset.base ? meta.dataset.base + " · " : "") + TEXT.read;
    }
  }

  function showState(frameState) {
    chatState = frameState;
    var lines = [];
    if (frameState.state === "waiting") {
      if (frameState.offline) lines.push(TEXT.waitingOffline);
      else {
        lines.push(t("waiting", frameState.position || 1));
        if (frameState.wait_seconds) lines.push(t("waitAbout", Math.max(1, Math.round(frameState.wait_seconds / 60))));
      }
    } else if (frameState.state === "active") {
      lines.push(t("active", frameState.agent || TEXT.agent));
    } else if (frameState.state === "closed") {
      lines.push(TEXT.closed);
    }
    statusLine.textContent = lines.join(" ");
    linkLine.textContent = "";
    linkLine.appendChild(document.createTextNode(t("reference", frameState.reference) + " · "));
    linkLine.appendChild(el("a", { href: ORIGIN + "/chat/pokracovat/" + trackingToken(frameState.tracking) + "/", target: "_blank", rel: "noopener", text: TEXT.tracking }));
    endButton.hidden = frameState.state === "closed";
    if (frameState.rating) state.rated = true;
    if (frameState.state === "closed" && !state.rated) showRating();
    if (frameState.state !== "closed") { rateBox.hidden = true; }
    save();
    receipts();
  }

  function trackingToken(tracking) {
    var match = /\/sledovani\/([^/]+)\//.exec(tracking || "");
    return match ? match[1] : "";
  }

  // --- the socket ---------------------------------------------------------------------------

  function connect() {
    if (socket || !state.token) return;
    clearTimeout(retryTimer);
    statusLine.textContent = statusLine.textContent || TEXT.connecting;
    var ws;
    try { ws = new WebSocket(WS_ORIGIN + "/ws/chat/"); } catch (e) { schedule(); return; }
    socket = ws;
    ws.addEventListener("open", function () {
      retry = 0;
      // After the last message this page shows: a reload shows the history again, a reconnect
      // asks only for what it missed.
      ws.send(JSON.stringify({ type: "hello", token: state.token, after: lastShown() }));
      // Everything not acknowledged goes again with its id: the server stores an id once.
      state.outbox.forEach(function (item) { ws.send(JSON.stringify({ type: "message", id: item.id, text: item.text })); });
    });
    ws.addEventListener("message", function (event) {
      var incoming;
      try { incoming = JSON.parse(event.data); } catch (e) { return; }
      receive(incoming);
    });
    ws.addEventListener("close", function (event) {
      if (socket !== ws) return;
      socket = null;
      if (event.code === 4404) {
        var name = state.name, email = state.email;
        state = { outbox: [], open: true, name: name, email: email };
        save();
        resetChat();
        showStart(TEXT.gone);
        return;
      }
      if (!state.token) return;
      if (statusLine) statusLine.textContent = TEXT.lost;
      schedule(event.code === 1012 ? 300 : event.code === 4029 || event.code === 4008 ? 30000 : 0);
    });
  }

  function schedule(delay) {
    clearTimeout(retryTimer);
    var wait = delay || Math.min(30000, 1000 * Math.pow(2, retry)) * (0.75 + Math.random() / 2);
    retry += 1;
    retryTimer = setTimeout(connect, wait);
  }

  function disconnect() {
    clearTimeout(retryTimer);
    if (socket) { var ws = socket; socket = null; ws.close(1000); }
  }

  function frame(payload) {
    if (socket && socket.readyState === 1) { socket.send(JSON.stringify(payload)); return true; }
    if (!socket) connect();
    return false;
  }

  function receive(incoming) {
    switch (incoming.type) {
      case "state":
        showState(incoming);
        break;
      case "message":
        if (incoming.seq) {
          state.seq = Math.max(state.seq || 0, incoming.seq);
          received = Math.max(received, incoming.seq);
        }
        dropFromOutbox(incoming.id, incoming.from);
        var item = render(incoming);
        if (item && incoming.from !== "citizen") {
          announce(t("newMessage", who(incoming), incoming.text || (incoming.file && incoming.file.name) || ""));
          typingLine.textContent = "";
          markRead();
        }
        save();
        break;
      case "ack":
        dropFromOutbox(incoming.id, "citizen");
        var mine = byId[incoming.id];
        if (mine && incoming.seq && !mine.dataset.seq) {
          mine.dataset.seq = incoming.seq;
          shown[incoming.seq] = true;
          setMeta(mine, { at: new Date().toISOString() });
        }
        save();
        break;
      case "typing":
        typingLine.textContent = incoming.on ? t("typing", chatState.agent || TEXT.someone) : "";
        break;
      case "read":
        chatState.agent_read = Math.max(Number(chatState.agent_read || 0), incoming.seq || 0);
        receipts();
        break;
      case "rated":
        state.rated = true;
        save();
        rateBox.textContent = "";
        var again = el("button", { type: "button", "class": "btn alt", text: TEXT.again });
        again.addEventListener("click", restart);
        rateBox.appendChild(el("p", { "class": "note", tabindex: "-1", text: TEXT.rated }));
        rateBox.appendChild(again);
        rateBox.firstChild.focus();
        break;
      case "transcript":
        transcriptBox.textContent = "";
        transcriptBox.appendChild(el("p", { "class": "note", role: "status", text: t("transcriptSent", incoming.email) }));
        break;
      case "error":
        onError(incoming);
        break;
    }
  }

  // The last message frame this page received. Not an ack's seq: the group may carry an
  // earlier message after our ack, and a sync from the ack's seq would skip it.
  function lastShown() {
    return received;
  }

  function dropFromOutbox(id, from) {
    if (!id || from !== "citizen") return;
    state.outbox = state.outbox.filter(function (item) { return item.id !== id; });
  }

  function onError(error) {
    if (error.code === "flood" && error.id) {
      setTimeout(function () {
        state.outbox.filter(function (item) { return item.id === error.id; }).forEach(function (item) {
          frame({ type: "message", id: item.id, text: item.text });
        });
      }, 2000);
      return;
    }
    if (error.id && (error.code === "too_long" || error.code === "empty" || error.code === "bad_frame")) {
      state.outbox = state.outbox.filter(function (item) { return item.id !== error.id; });
      save();
      var item = byId[error.id];
      if (item) setMeta(item, { failed: error.reason });
    }
    if (error.code !== "unknown_chat") chatAlert.textContent = error.reason || "";
  }

  function markRead() {
    if (!isOpen() || document.visibilityState !== "visible" || !state.token || !log) return;
    var last = 0;
    log.querySelectorAll(".m:not(.citizen)").forEach(function (item) { last = Math.max(last, Number(item.dataset.seq || 0)); });
    if (last && last > (state.readSent || 0) && frame({ type: "read", seq: last })) {
      state.readSent = last;
      save();
    }
  }

  // A closed lid or a lost network: reconnect at once when the page is back, and catch up.
  function revive() {
    if (!state.token) return;
    if (!socket) { retry = 0; connect(); } else frame({ type: "sync", after: lastShown() });
    markRead();
  }
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") revive(); });
  window.addEventListener("online", revive);
  window.addEventListener("pageshow", function (event) { if (event.persisted) revive(); });

  function mount() {
    document.body.appendChild(host);
    if (state.token || state.open) open(false);
    else setView("loading", [el("p", { text: TEXT.loading })]);
  }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
