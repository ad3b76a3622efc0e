/* The agents' chat console (/staff/chat/): the waiting queue, my chats, one conversation at a
 * time, the supervisor's live chats. One WebSocket (/ws/chat/staff/, frames in
 * docs/channels/chat.md); no framework, no inline handlers (the content security policy).
 *
 * Messages are keyed by `seq`: a message is shown once however often it arrives (history,
 * live, `sync` after a reconnect). A message sent is kept until its `ack` and sent again with
 * the same `id` after a reconnect; the server answers a known `id` with the stored message.
 * Keys: Alt+A accepts the longest waiting chat, Alt+Down / Alt+Up switch between my chats,
 * Alt+I toggles the internal note, Esc closes a dialog. */
(function () {
  "use strict";

  var root = document.getElementById("chat-console");
  if (!root) return;
  var T = JSON.parse(document.getElementById("chat-strings").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var BEAT_MS = 20000;
  var TYPING_SEND_MS = 3000; // at most one "typing on" frame per 3 s
  var TYPING_IDLE_MS = 4000; // "typing off" after 4 s without a key
  var TYPING_SHOW_MS = 6000; // the other side's "typing" fades after 6 s without news

  var socket = null;
  var retries = 0;
  var beatTimer = null;
  var stopped = false;
  var me = null;
  var queue = [];
  var queueMax = Number(root.getAttribute("data-max")) || 0;
  var chats = {}; // id -> chat (info, messages by seq, unread, ...)
  var order = []; // my chats' ids in the order they came
  var current = null;
  var pending = {}; // client id -> frame, until acknowledged
  var seenWaiting = {}; // chats of the queue already announced
  var unseenCount = 0; // new chats since the agent last touched the page
  var baseTitle = document.title;
  var typingOut = { chat: null, sentAt: 0, idle: null };
  var typingIn = null;
  var aidsFor = null;
  var aidsTimer = null;
  var liveTimer = null;
  var asked = {}; // chats this console accepted or opened: their `chat` frame is no news

  // --- small helpers ----------------------------------------------------------------------
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function fill(template, values) {
    var i = 0;
    return template.replace(/%s/g, function () { return String(values[i++]); });
  }
  function duration(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var mm = (h && m < 10 ? "0" : "") + m, ss = (s < 10 ? "0" : "") + s;
    return (h ? h + ":" : "") + mm + ":" + ss;
  }
  function clock(iso) {
    var at = new Date(iso);
    if (isNaN(at.getTime())) return "";
    return at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }
  function newId() {
    return "a-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10);
  }
  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }
  function alertShow(text) {
    var box = $("chat-alert");
    box.textContent = text;
    box.hidden = !text;
  }
  function connection(text) { $("chat-connection").textContent = text; }

  // --- notification: a short beep (WebAudio, no sound file) and the page's title -----------
  var audio = null;
  function beep() {
    try {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) return;
      audio = audio || new Context();
      var osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.15, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.35);
      osc.connect(gain);
      gain.connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + 0.35);
    } catch (ignored) { /* no sound: the title still tells */ }
  }
  function titleUpdate() {
    document.title = unseenCount ? "(" + unseenCount + ") " + T.new_chat + " — " + baseTitle : baseTitle;
  }
  function seen() {
    if (unseenCount) {
      unseenCount = 0;
      titleUpdate();
    }
  }
  document.addEventListener("keydown", seen, true);
  document.addEventListener("pointerdown", seen, true);

  // --- the queue ----------------------------------------------------------------------------
  function queueRender(frame, silent) {
    var now = Date.now();
    queue = frame.waiting.map(function (w) {
      w.since = now - w.waiting_seconds * 1000;
      return w;
    });
    var fresh = 0;
    queue.forEach(function (w) {
      if (!seenWaiting[w.chat]) {
        seenWaiting[w.chat] = true;
        fresh += 1;
      }
    });
    if (fresh && !silent) {
      unseenCount += fresh;
      titleUpdate();
      beep();
    }
    var list = $("chat-queue");
    list.textContent = "";
    queue.forEach(function (w) {
      var item = el("li", "vik-chat__item");
      item.setAttribute("data-testid", "chat-waiting");
      item.setAttribute("data-chat", w.chat);
      var text = el("div", "vik-chat__item-text");
      text.appendChild(el("strong", "", w.name));
      text.appendChild(el("span", "vik-meta", " · " + w.reference));
      var facts = [w.topic, w.centre].filter(Boolean).join(" · ");
      if (facts) text.appendChild(el("div", "vik-meta", facts));
      if (w.subject) text.appendChild(el("div", "vik-chat__subject", w.subject));
      var wait = el("div", "vik-meta vik-chat__wait");
      wait.setAttribute("data-since-ms", String(w.since));
      wait.textContent = fill(T.waiting, [duration((now - w.since) / 1000)]);
      text.appendChild(wait);
      item.appendChild(text);
      var accept = el("button", "vik-button vik-button--small", T.accept);
      accept.type = "button";
      accept.setAttribute("data-accept", w.chat);
      accept.setAttribute("data-testid", "chat-accept");
      accept.setAttribute("aria-label", T.accept + ": " + w.name + " " + w.reference);
      item.appendChild(accept);
      list.appendChild(item);
    });
    $("chat-queue-empty").hidden = queue.length > 0;
    $("chat-queue-count").textContent = String(queue.length);
    if (typeof frame.max === "number") queueMax = frame.max;
    $("chat-load").textContent = fill(T.load, [frame.mine, queueMax]);
    $("chat-absent").hidden = !frame.absent;
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("#chat-queue [data-since-ms]").forEach(function (node) {
      node.textContent = fill(T.waiting, [duration((now - Number(node.getAttribute("data-since-ms"))) / 1000)]);
    });
    document.querySelectorAll("#chat-live-table [data-since]").forEach(function (node) {
      if (!node.hasAttribute("data-since-ms")) {
        node.setAttribute("data-since-ms", String(now - Number(node.getAttribute("data-since")) * 1000));
      }
      node.textContent = duration((now - Number(node.getAttribute("data-since-ms"))) / 1000);
    });
  }
  window.setInterval(tick, 1000);

  function accept(chatId) {
    alertShow("");
    if (!send({ type: "accept", chat: Number(chatId) })) return;
    asked[Number(chatId)] = true;
    // Off the list at once, so that Alt+A again takes the next one; a refusal (taken, full)
    // is answered with an error and the queue comes again with the next change.
    queue = queue.filter(function (w) { return w.chat !== Number(chatId); });
    var item = document.querySelector('#chat-queue [data-chat="' + Number(chatId) + '"]');
    if (item) item.remove();
  }

  // --- my chats ----------------------------------------------------------------------------
  function chatUpsert(frame) {
    var chat = chats[frame.chat];
    if (!chat) {
      chat = chats[frame.chat] = { id: frame.chat, messages: {}, seqs: [], unread: 0, citizenRead: 0 };
      order.push(frame.chat);
    }
    ["state", "reference", "request_url", "name", "contact_url", "topic", "municipality", "centre",
      "agent", "mine", "page", "last_seq"].forEach(function (key) {
      if (key in frame) chat[key] = frame[key];
    });
    if (typeof frame.citizen_read === "number") chat.citizenRead = Math.max(chat.citizenRead, frame.citizen_read);
    (frame.messages || []).forEach(function (m) { messageAdd(chat, m, true); });
    return chat;
  }
  function lastSeq(chat) { return chat.seqs.length ? chat.seqs[chat.seqs.length - 1] : 0; }

  function messageAdd(chat, m, fromHistory) {
    if (chat.messages[m.seq]) return false; // shown once, by seq
    chat.messages[m.seq] = m;
    var at = chat.seqs.length;
    while (at > 0 && chat.seqs[at - 1] > m.seq) at--;
    chat.seqs.splice(at, 0, m.seq);
    if (m.id && pending[m.id]) delete pending[m.id];
    if (!fromHistory && m.from === "citizen" && !(chat.id === current && !document.hidden)) {
      chat.unread += 1;
    }
    if (chat.id === current) {
      var log = $("chat-log");
      var pendingNode = m.id ? log.querySelector('[data-client-id="' + CSS.escape(m.id) + '"]') : null;
      if (pendingNode) pendingNode.remove();
      var node = messageNode(m);
      var next = null;
      log.querySelectorAll("[data-seq]").forEach(function (other) {
        if (!next && Number(other.getAttribute("data-seq")) > m.seq) next = other;
      });
      log.insertBefore(node, next || log.querySelector("[data-client-id]"));
      if (!next) log.scrollTop = log.scrollHeight;
      if (m.from === "citizen") readMark(chat);
      if (m.from === "citizen" && !fromHistory) aidsLoad(chat.id, 800);
    }
    return true;
  }

  function messageNode(m) {
    var kind = m.internal ? "internal" : m.from;
    var item = el("li", "vik-chat__msg vik-chat__msg--" + kind);
    if (m.seq) item.setAttribute("data-seq", m.seq);
    item.setAttribute("data-testid", "chat-message");
    item.setAttribute("data-from", m.from);
    if (m.internal) item.setAttribute("data-internal", "true");
    var who = m.from === "citizen" ? T.citizen : m.from === "system" ? T.system : m.name;
    var head = el("div", "vik-chat__msg-head");
    head.appendChild(el("strong", "", who || ""));
    if (m.internal) head.appendChild(el("span", "vik-tag vik-chat__internal-tag", T.internal));
    head.appendChild(el("span", "vik-meta", " " + (m.at ? clock(m.at) : T.pending)));
    item.appendChild(head);
    if (m.text) item.appendChild(el("div", "vik-text", m.text));
    if (m.file) {
      var link = el("a", "", m.file.name);
      link.href = m.file.url;
      link.setAttribute("data-testid", "chat-file");
      var line = el("div", "vik-chat__file", T.file + ": ");
      line.appendChild(link);
      line.appendChild(el("span", "vik-meta", " (" + Math.ceil((m.file.size || 0) / 1024) + " kB)"));
      item.appendChild(line);
    }
    return item;
  }

  function readMark(chat) {
    if (chat.id !== current || document.hidden) return;
    var last = 0;
    chat.seqs.forEach(function (seq) { if (chat.messages[seq].from === "citizen") last = seq; });
    if (last > (chat.agentRead || 0) && send({ type: "read", chat: chat.id, seq: last })) chat.agentRead = last;
    chat.unread = 0;
  }

  function receiptRender(chat) {
    var lastAgent = 0;
    chat.seqs.forEach(function (seq) {
      var m = chat.messages[seq];
      if (m.from === "agent" && !m.internal) lastAgent = seq;
    });
    $("chat-receipt").textContent = !lastAgent ? "" : chat.citizenRead >= lastAgent ? T.read : T.delivered;
  }

  function listRender() {
    var list = $("chat-mine");
    list.textContent = "";
    order.forEach(function (id) {
      var chat = chats[id];
      var item = el("li", "vik-chat__item");
      var button = el("button", "vik-chat__tab");
      button.type = "button";
      button.setAttribute("data-open", id);
      button.setAttribute("data-testid", "chat-tab");
      button.setAttribute("aria-pressed", id === current ? "true" : "false");
      button.appendChild(el("strong", "", chat.name || ""));
      button.appendChild(el("span", "vik-meta", " · " + (chat.reference || "")));
      var state = T["state_" + chat.state] || chat.state;
      if (!chat.mine && chat.state !== "closed") state += " · " + (chat.invited ? T.guest : T.watching);
      button.appendChild(el("span", "vik-chat__tab-state vik-meta", state));
      if (chat.unread) {
        var badge = el("span", "vik-bell__count", String(chat.unread));
        badge.setAttribute("data-testid", "chat-unread");
        badge.setAttribute("aria-label", fill(T.unread, [chat.unread]));
        button.appendChild(badge);
      }
      item.appendChild(button);
      if (chat.state === "closed" || !(chat.mine || chat.invited)) {
        var hide = el("button", "vik-button vik-button--secondary vik-button--small", T.hide);
        hide.type = "button";
        hide.setAttribute("data-hide", id);
        hide.setAttribute("aria-label", T.hide + ": " + (chat.name || "") + " " + (chat.reference || ""));
        item.appendChild(hide);
      }
      list.appendChild(item);
    });
    $("chat-mine-empty").hidden = order.length > 0;
  }

  function panelRender() {
    var chat = current !== null ? chats[current] : null;
    $("chat-panel").hidden = !chat;
    $("chat-none").hidden = !!chat;
    if (!chat) return;
    var title = $("chat-title");
    title.textContent = (chat.name || "") + " · ";
    var link = el("a", "", chat.reference);
    link.href = chat.request_url;
    title.appendChild(link);
    var facts = [T["state_" + chat.state] || chat.state, chat.topic, chat.municipality, chat.centre, chat.agent]
      .filter(Boolean).join(" · ");
    $("chat-facts").textContent = facts;
    var log = $("chat-log");
    log.textContent = "";
    chat.seqs.forEach(function (seq) { log.appendChild(messageNode(chat.messages[seq])); });
    Object.keys(pending).forEach(function (id) {
      var frame = pending[id];
      if (frame.chat !== chat.id) return;
      var node = messageNode({ from: "agent", name: "", text: frame.text, internal: frame.internal });
      node.setAttribute("data-client-id", id);
      node.classList.add("vik-chat__msg--pending");
      log.appendChild(node);
    });
    log.scrollTop = log.scrollHeight;
    var open = chat.state !== "closed";
    var working = open && chat.mine;
    var writes = open && (chat.mine || chat.invited);
    $("chat-reply").hidden = !writes;
    $("chat-close").hidden = !working;
    $("chat-transfer").hidden = !working;
    $("chat-invite").hidden = !working;
    $("chat-typing").textContent = "";
    receiptRender(chat);
    readMark(chat);
  }

  function chatOpen(id) {
    if (!chats[id]) return;
    if (current !== id) typingStop();
    current = id;
    chats[id].unread = 0;
    listRender();
    panelRender();
    aidsLoad(id, 0);
  }

  function chatRemove(id) {
    delete chats[id];
    order = order.filter(function (other) { return other !== id; });
    if (current === id) current = order.length ? order[0] : null;
    listRender();
    panelRender();
    if (current !== null) aidsLoad(current, 0);
  }

  function switchBy(step) {
    if (!order.length) return;
    var at = order.indexOf(current);
    var next = order[(at + step + order.length) % order.length];
    chatOpen(next);
    $("chat-text").focus();
  }

  // --- sending -----------------------------------------------------------------------------
  function replySend() {
    var chat = chats[current];
    var box = $("chat-text");
    var text = box.value.trim();
    if (!chat || !text || chat.state === "closed") return;
    var frame = { type: "message", chat: chat.id, id: newId(), text: text, internal: $("chat-internal").checked };
    pending[frame.id] = frame;
    box.value = "";
    typingStop();
    send(frame);
    var node = messageNode({ from: "agent", name: "", text: text, internal: frame.internal });
    node.setAttribute("data-client-id", frame.id);
    node.classList.add("vik-chat__msg--pending");
    $("chat-log").appendChild(node);
    $("chat-log").scrollTop = $("chat-log").scrollHeight;
  }

  function typingStart() {
    var chat = chats[current];
    if (!chat || chat.state === "closed" || $("chat-internal").checked) return;
    var now = Date.now();
    if (typingOut.chat !== chat.id || now - typingOut.sentAt > TYPING_SEND_MS) {
      if (send({ type: "typing", chat: chat.id, on: true })) {
        typingOut.chat = chat.id;
        typingOut.sentAt = now;
      }
    }
    window.clearTimeout(typingOut.idle);
    typingOut.idle = window.setTimeout(typingStop, TYPING_IDLE_MS);
  }
  function typingStop() {
    window.clearTimeout(typingOut.idle);
    if (typingOut.chat !== null) send({ type: "typing", chat: typingOut.chat, on: false });
    typingOut.chat = null;
    typingOut.sentAt = 0;
  }

  // --- canned answers and articles ---------------------------------------------------------
  function aidsLoad(id, delay) {
    window.clearTimeout(aidsTimer);
    aidsTimer = window.setTimeout(function () {
      var url = root.getAttribute("data-aids-url").replace(/0\/aids\/$/, id + "/aids/");
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (aids) {
          if (aids.chat !== current) return;
          aidsFor = aids;
          aidsRender(aids);
        })
        .catch(function () { /* the aids are a help; the chat works without them */ });
    }, delay);
  }
  function options(select, items) {
    select.textContent = "";
    select.appendChild(el("option", "", "—")).value = "";
    items.forEach(function (item) {
      var option = el("option", "", item.name);
      option.value = String(item.id);
      select.appendChild(option);
    });
  }
  function aidsRender(aids) {
    options($("chat-macro"), aids.macros);
    var box = $("chat-articles");
    box.textContent = "";
    if (!aids.articles.length) box.appendChild(el("p", "vik-meta", T.no_articles));
    aids.articles.forEach(function (article) {
      var card = el("div", "vik-card vik-chat__article");
      card.setAttribute("data-testid", "chat-article");
      var title = el("a", "", article.title);
      title.href = article.url;
      var line = el("p");
      line.appendChild(title);
      if (!article.public) line.appendChild(el("span", "vik-meta", " · " + T.internal_article));
      card.appendChild(line);
      if (article.snippet) card.appendChild(el("p", "vik-meta", article.snippet));
      if (article.public) {
        var row = el("p");
        [[T.insert_link, article.public_url, "chat-insert-link"], [T.insert_text, article.text, "chat-insert-text"]].forEach(function (b) {
          var button = el("button", "vik-button vik-button--secondary vik-button--small", b[0]);
          button.type = "button";
          button.setAttribute("data-insert", b[1]);
          button.setAttribute("data-testid", b[2]);
          row.appendChild(button);
          row.appendChild(document.createTextNode(" "));
        });
        card.appendChild(row);
      }
      box.appendChild(card);
    });
  }
  function insert(text) {
    var area = $("chat-text");
    var start = area.selectionStart, end = area.selectionEnd, value = area.value;
    var before = value.slice(0, start), after = value.slice(end);
    var lead = before && !/\s$/.test(before) ? "\n" : "";
    area.value = before + lead + text + after;
    var caret = (before + lead + text).length;
    area.setSelectionRange(caret, caret);
    area.focus();
  }
  $("chat-macro").addEventListener("change", function () {
    var select = this;
    if (!select.value || !aidsFor) return;
    var url = aidsFor.macro_url.replace(/0\/?$/, function (end) { return select.value + end.slice(1); });
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (macro) {
        insert(macro.text);
        select.value = "";
      })
      .catch(function () { select.value = ""; });
  });

  // --- transfer and invite -----------------------------------------------------------------
  function dialogOpen(dialog, fillIt) {
    if (current === null || !aidsFor || aidsFor.chat !== current) {
      aidsLoad(current, 0);
    }
    fillIt();
    alertShow("");
    dialog.showModal();
  }
  $("chat-transfer").addEventListener("click", function () {
    dialogOpen($("chat-transfer-dialog"), function () {
      options($("chat-transfer-user"), aidsFor ? aidsFor.colleagues : []);
      options($("chat-transfer-centre"), aidsFor ? aidsFor.centres : []);
      $("chat-transfer-reason").value = "";
    });
  });
  $("chat-invite").addEventListener("click", function () {
    dialogOpen($("chat-invite-dialog"), function () {
      options($("chat-invite-user"), aidsFor ? aidsFor.colleagues : []);
    });
  });
  $("chat-transfer-dialog").addEventListener("close", function () {
    if (this.returnValue !== "transfer" || current === null) return;
    var user = $("chat-transfer-user").value, centre = $("chat-transfer-centre").value;
    if (!user && !centre) {
      alertShow(T.choose_target);
      return;
    }
    var frame = { type: "transfer", chat: current, reason: $("chat-transfer-reason").value };
    if (user) frame.user = Number(user);
    else frame.centre = Number(centre);
    send(frame);
  });
  $("chat-invite-dialog").addEventListener("close", function () {
    var user = $("chat-invite-user").value;
    if (this.returnValue !== "invite" || current === null || !user) return;
    send({ type: "invite", chat: current, user: Number(user) });
  });
  $("chat-close").addEventListener("click", function () {
    if (current !== null) send({ type: "close", chat: current });
  });

  // --- the page's events ---------------------------------------------------------------------
  root.addEventListener("click", function (event) {
    var target = event.target.closest("button");
    if (!target) return;
    if (target.hasAttribute("data-accept")) accept(target.getAttribute("data-accept"));
    else if (target.hasAttribute("data-open")) chatOpen(Number(target.getAttribute("data-open")));
    else if (target.hasAttribute("data-hide")) chatRemove(Number(target.getAttribute("data-hide")));
    else if (target.hasAttribute("data-watch")) watchChat(Number(target.getAttribute("data-watch")));
    else if (target.hasAttribute("data-insert")) insert(target.getAttribute("data-insert"));
  });
  $("chat-reply").addEventListener("submit", function (event) {
    event.preventDefault();
    replySend();
  });
  $("chat-text").addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && !event.altKey && !event.ctrlKey) {
      event.preventDefault();
      replySend();
    }
  });
  $("chat-text").addEventListener("input", function () {
    if (this.value) typingStart();
    else typingStop();
  });
  $("chat-internal").addEventListener("change", function () {
    $("chat-reply").classList.toggle("vik-chat__reply--internal", this.checked);
    if (this.checked) typingStop();
  });
  document.addEventListener("keydown", function (event) {
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.code === "KeyA") {
      event.preventDefault();
      if (queue.length) accept(queue[0].chat);
    } else if (event.key === "ArrowDown") {
      event.preventDefault();
      switchBy(1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      switchBy(-1);
    } else if (event.code === "KeyI") {
      event.preventDefault();
      var box = $("chat-internal");
      box.checked = !box.checked;
      box.dispatchEvent(new Event("change"));
    }
  });
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && current !== null && chats[current]) {
      readMark(chats[current]);
      listRender();
    }
  });

  function watchChat(id) {
    asked[id] = true;
    if (chats[id]) chatOpen(id);
    else send({ type: "open", chat: id });
  }

  function liveRefresh() {
    var box = $("chat-live-table");
    if (!box) return;
    window.clearTimeout(liveTimer);
    liveTimer = window.setTimeout(function () {
      fetch(box.getAttribute("data-url"), { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.text();
        })
        .then(function (html) {
          box.innerHTML = html; // VIK's own template, escaped by Django
          tick();
        })
        .catch(function () { /* the next queue change tries again */ });
    }, 300);
  }

  // --- the socket ----------------------------------------------------------------------------
  var handlers = {
    hello: function (frame) {
      var first = me === null; // what waits when the page opens is listed, not announced
      me = frame.user;
      retries = 0;
      connection(T.connected);
      alertShow("");
      var mineNow = {};
      frame.chats.forEach(function (c) {
        mineNow[c.chat] = true;
        chatUpsert(c).invited = !c.mine; // the console's chats: mine, or those I was invited to
      });
      // After a reconnect: ask what was missed, watch the watched again, resend the unsent.
      order.forEach(function (id) {
        var chat = chats[id];
        if (chat.state === "closed") return;
        if (mineNow[id]) send({ type: "sync", chat: id, after: lastSeq(chat) });
        else send({ type: "open", chat: id });
        asked[id] = true;
      });
      Object.keys(pending).forEach(function (id) { send(pending[id]); });
      queueRender(frame.queue, first);
      if (current === null && order.length) current = order[0];
      listRender();
      panelRender();
      if (current !== null) aidsLoad(current, 0);
      liveRefresh();
    },
    queue: function (frame) {
      queueRender(frame);
      liveRefresh();
    },
    chat: function (frame) {
      var known = !!chats[frame.chat];
      if (!known && !frame.messages) return; // a hidden chat's news
      var chat = chatUpsert(frame);
      if (!known && frame.messages) {
        if (!asked[chat.id]) { // handed over or invited by a colleague
          chat.invited = !frame.mine;
          unseenCount += 1;
          titleUpdate();
          beep();
        }
        if (frame.mine || current === null) chatOpen(chat.id);
        else listRender();
        if (frame.mine) $("chat-text").focus();
        return;
      }
      listRender();
      if (chat.id === current) panelRender();
    },
    message: function (frame) {
      var chat = chats[frame.chat];
      if (!chat) return;
      messageAdd(chat, frame, false);
      if (frame.seq > (chat.last_seq || 0)) chat.last_seq = frame.seq;
      if (chat.id === current) receiptRender(chat);
      if (frame.from === "citizen" && chat.id === current) $("chat-typing").textContent = "";
      listRender();
    },
    ack: function (frame) {
      delete pending[frame.id];
    },
    typing: function (frame) {
      if (frame.chat !== current) return;
      window.clearTimeout(typingIn);
      $("chat-typing").textContent = frame.on ? (frame.from === "citizen" ? T.citizen_typing : T.colleague_typing) : "";
      if (frame.on) typingIn = window.setTimeout(function () { $("chat-typing").textContent = ""; }, TYPING_SHOW_MS);
    },
    read: function (frame) {
      var chat = chats[frame.chat];
      if (!chat || frame.from !== "citizen") return;
      chat.citizenRead = Math.max(chat.citizenRead, frame.seq);
      if (chat.id === current) receiptRender(chat);
    },
    left: function (frame) {
      chatRemove(frame.chat);
      connection(T.transferred);
    },
    invited: function () { connection(T.invited); },
    beat: function () {},
    error: function (frame) {
      if (frame.id && pending[frame.id]) {
        delete pending[frame.id];
        var node = $("chat-log").querySelector('[data-client-id="' + CSS.escape(frame.id) + '"]');
        if (node) node.remove();
      }
      alertShow(frame.reason || frame.code);
    },
  };

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + root.getAttribute("data-ws-path"));
    socket.addEventListener("message", function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (ignored) { return; }
      var handler = handlers[frame.type];
      if (handler) handler(frame);
    });
    socket.addEventListener("open", function () {
      window.clearInterval(beatTimer);
      beatTimer = window.setInterval(function () { send({ type: "beat" }); }, BEAT_MS);
    });
    socket.addEventListener("close", function (event) {
      window.clearInterval(beatTimer);
      socket = null;
      if (stopped) return;
      if (event.code === 4401) {
        connection(T.signed_out);
        return;
      }
      connection(T.reconnecting);
      // 1012 (a server restart) and the rest: again, a little later each time (at most 30 s).
      var delay = Math.min(30000, 500 * Math.pow(2, retries)) * (0.75 + Math.random() / 2);
      retries += 1;
      window.setTimeout(connect, delay);
    });
  }
  window.addEventListener("pagehide", function () {
    stopped = true;
    if (socket) socket.close(1000);
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && stopped) {
      stopped = false;
      connect();
    }
  });
  connect();
})();
