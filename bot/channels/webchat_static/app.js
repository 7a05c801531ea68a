/* Child helpline web chat: the page's behaviour.
 *
 * Privacy: the only thing kept in the browser is the conversation id (and the chosen language) in
 * sessionStorage, which dies with the tab; nothing in localStorage, no cookies, no third-party requests.
 * Quick exit (button or Esc) wipes the page and storage and replaces the tab's entry with a neutral site.
 * Reliability: messages wait in an in-memory outbox until the server acknowledges them, and are re-sent
 * after a reconnect (the server ignores a re-sent message it already has). */
(function () {
  "use strict";

  var STORAGE_KEY = "helpline-chat";
  var ACK_TIMEOUT_MS = 10000;
  var body = document.body;
  var SOCKET_PATH = body.getAttribute("data-socket-path") || "/webchat/socket.io";
  var QUICK_EXIT_URL = body.getAttribute("data-quick-exit-url") || "https://www.google.com/search?q=weather";

  var TEXT = {
    ar: {
      talkingToAssistant: "المحادثة الآن مع: المساعد الآلي (برنامج حاسوب، وليس إنساناً)",
      talkingToCounsellor: "المحادثة الآن مع: {name} من فريق خط المساندة (إنسان حقيقي)",
      talkingToCounsellorNoName: "المحادثة الآن مع: شخص من فريق خط المساندة (إنسان حقيقي)",
      counsellorLabel: "{name} · من فريق المساندة",
      counsellorLabelNoName: "من فريق المساندة",
      assistantLabel: "المساعد",
      childLabel: "أنت",
      nowCounsellor: "انضم إلى المحادثة شخص من فريق خط المساندة.",
      nowAssistant: "عادت المحادثة إلى المساعد الآلي.",
      composerLabel: "رسالتك",
      placeholder: "رسالتك…",
      send: "إرسال",
      connecting: "جارٍ الاتصال…",
      offline: "انقطع الاتصال. جارٍ إعادة الاتصال… سنرسل رسائلك عندما يعود الاتصال.",
      waiting: "بانتظار الإرسال",
      notSent: "لم تُرسل هذه الرسالة",
      replies: "ردود مقترحة",
      conversation: "المحادثة",
      greeting: "مرحباً"
    },
    en: {
      talkingToAssistant: "You are talking to: the helpline assistant (a computer program, not a person)",
      talkingToCounsellor: "You are talking to: {name}, a helpline counsellor (a real person)",
      talkingToCounsellorNoName: "You are talking to: a helpline counsellor (a real person)",
      counsellorLabel: "{name} · counsellor",
      counsellorLabelNoName: "Counsellor",
      assistantLabel: "Assistant",
      childLabel: "You",
      nowCounsellor: "A helpline counsellor has joined the chat.",
      nowAssistant: "You are back with the helpline assistant.",
      composerLabel: "Your message",
      placeholder: "Your message…",
      send: "Send",
      connecting: "Connecting…",
      offline: "Connection lost. Reconnecting… Your messages will be sent when we are back.",
      waiting: "Waiting to send",
      notSent: "This message was not sent",
      replies: "Suggested replies",
      conversation: "Conversation",
      greeting: "Hello"
    }
  };

  var RTL_CHAR = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;
  var LTR_CHAR = /[A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF]/;

  var el = {
    welcome: document.getElementById("welcome"),
    chat: document.getElementById("chat"),
    messages: document.getElementById("messages"),
    messagesTitle: document.getElementById("messages-title"),
    talkingTo: document.getElementById("talking-to"),
    connection: document.getElementById("connection"),
    composer: document.getElementById("composer"),
    input: document.getElementById("composer-input"),
    inputLabel: document.getElementById("composer-label"),
    sendButton: document.getElementById("send-button"),
    quickExit: document.getElementById("quick-exit")
  };

  var state = {
    sessionId: null,
    lang: null,
    lastSeen: 0,          // newest server timestamp shown, to ask only for what was missed
    confirmed: false,     // the server bound this socket to the conversation
    outbox: [],           // messages not yet acknowledged, in order
    inflight: null,
    seen: {},
    pendingItems: {},
    talkingTo: "assistant",
    counsellorName: ""
  };
  var socket = null;

  /* ---------- storage (sessionStorage only: it ends with the tab) ---------- */
  function loadSession() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(STORAGE_KEY) || "{}");
      state.sessionId = typeof saved.id === "string" ? saved.id : null;
      state.lang = saved.lang === "ar" || saved.lang === "en" ? saved.lang : null;
    } catch (error) { /* storage unavailable: a new conversation each load */ }
  }

  function saveSession() {
    try {
      window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ id: state.sessionId, lang: state.lang }));
    } catch (error) { /* private mode without storage: the chat still works */ }
  }

  /* ---------- helpers ---------- */
  function t(key, name) {
    var strings = TEXT[state.lang || "ar"];
    return (strings[key] || "").replace("{name}", name || "");
  }

  function newId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  /* Direction of a text from its first strong character; Arabizi (Latin letters) is left-to-right. */
  function textDirection(text) {
    for (var i = 0; i < text.length; i++) {
      var ch = text.charAt(i);
      if (RTL_CHAR.test(ch)) { return "rtl"; }
      if (LTR_CHAR.test(ch)) { return "ltr"; }
    }
    return state.lang === "en" ? "ltr" : "rtl";
  }

  function setTextWithDirection(node, text) {
    var dir = textDirection(text);
    node.setAttribute("dir", dir);
    node.setAttribute("lang", dir === "rtl" ? "ar" : "en");
    var paragraphs = String(text).split(/\n{2,}/);
    paragraphs.forEach(function (paragraph) {
      var p = document.createElement("p");
      paragraph.split("\n").forEach(function (line, index) {
        if (index > 0) { p.appendChild(document.createElement("br")); }
        p.appendChild(document.createTextNode(line));
      });
      node.appendChild(p);
    });
  }

  function scrollToEnd() {
    el.messages.scrollTop = el.messages.scrollHeight;
  }

  /* ---------- language and labels ---------- */
  function applyLanguage() {
    var lang = state.lang || "ar";
    document.documentElement.setAttribute("lang", lang);
    document.documentElement.setAttribute("dir", lang === "ar" ? "rtl" : "ltr");
    body.setAttribute("data-language", lang);
    el.inputLabel.textContent = t("composerLabel");
    el.input.setAttribute("placeholder", t("placeholder"));
    el.sendButton.textContent = t("send");
    el.messagesTitle.textContent = t("conversation");
    document.title = lang === "ar" ? "محادثة · خط نجدة الطفل" : "Chat · Child helpline";
    renderTalkingTo();
  }

  function renderTalkingTo() {
    if (!state.lang) { el.talkingTo.textContent = ""; return; }
    var counsellor = state.talkingTo === "counsellor";
    el.talkingTo.textContent = counsellor
      ? (state.counsellorName ? t("talkingToCounsellor", state.counsellorName) : t("talkingToCounsellorNoName"))
      : t("talkingToAssistant");
    el.talkingTo.classList.toggle("is-counsellor", counsellor);
    el.talkingTo.setAttribute("data-talking-to", state.talkingTo);
  }

  function setTalkingTo(who, name) {
    var changed = who !== state.talkingTo || (who === "counsellor" && name && name !== state.counsellorName);
    state.talkingTo = who;
    if (who === "counsellor" && name) { state.counsellorName = name; }
    if (changed) {
      renderTalkingTo();
      addNotice(who === "counsellor" ? t("nowCounsellor") : t("nowAssistant"));
    }
  }

  function addNotice(text) {
    var notice = document.createElement("p");
    notice.className = "notice";
    notice.setAttribute("lang", state.lang || "ar");
    notice.textContent = text;
    el.messages.appendChild(notice);
    scrollToEnd();
  }

  /* ---------- rendering ---------- */
  function disableOldReplies() {
    var buttons = el.messages.querySelectorAll(".quick-reply:not([disabled])");
    Array.prototype.forEach.call(buttons, function (button) { button.disabled = true; });
  }

  function renderMessage(message) {
    var key = message.client_id || message.id;
    if (key && state.seen[key]) { return null; }
    if (key) { state.seen[key] = true; }
    if (typeof message.timestamp === "number" && message.from !== "child") {
      state.lastSeen = Math.max(state.lastSeen, message.timestamp);
    }
    if (message.talking_to) { setTalkingTo(message.talking_to, message.counsellor_name); }
    if (!message.text) { return null; }

    var from = message.from === "counsellor" || message.from === "child" ? message.from : "assistant";
    var item = document.createElement("div");
    item.className = "message message--" + from;
    item.setAttribute("data-from", from);

    var label = document.createElement("span");
    label.className = "message-label";
    if (from === "counsellor") {
      label.textContent = message.counsellor_name
        ? t("counsellorLabel", message.counsellor_name) : t("counsellorLabelNoName");
    } else {
      label.className += " visually-hidden";
      label.textContent = from === "child" ? t("childLabel") : t("assistantLabel");
    }
    item.appendChild(label);

    var text = document.createElement("div");
    text.className = "message-text";
    setTextWithDirection(text, message.text);
    item.appendChild(text);

    if (from !== "child" && message.buttons && message.buttons.length) {
      disableOldReplies();
      var group = document.createElement("div");
      group.className = "quick-replies";
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", t("replies"));
      message.buttons.forEach(function (button) {
        var reply = document.createElement("button");
        reply.type = "button";
        reply.className = "quick-reply";
        var dir = textDirection(button.title);
        reply.setAttribute("dir", dir);
        reply.setAttribute("lang", dir === "rtl" ? "ar" : "en");
        reply.textContent = button.title;
        reply.addEventListener("click", function () {
          disableOldReplies();
          send(button.payload, button.title);
        });
        group.appendChild(reply);
      });
      item.appendChild(group);
    }

    if (from === "child") {
      var status = document.createElement("span");
      status.className = "message-status";
      item.appendChild(status);
    }
    el.messages.appendChild(item);
    scrollToEnd();
    return item;
  }

  function setPendingStatus(clientId, text) {
    var item = state.pendingItems[clientId];
    if (!item) { return; }
    var status = item.querySelector(".message-status");
    if (status) { status.textContent = text; }
    if (!text) { delete state.pendingItems[clientId]; }
  }

  /* ---------- sending (outbox until acknowledged) ---------- */
  function send(payload, displayText) {
    var clientId = newId();
    var entry = { client_id: clientId, message: payload, metadata: {} };
    if (displayText && displayText !== payload) { entry.metadata.display_text = displayText; }
    var item = renderMessage({ client_id: clientId, from: "child", text: displayText || payload });
    if (item) { state.pendingItems[clientId] = item; }
    state.outbox.push(entry);
    if (!state.confirmed) { setPendingStatus(clientId, t("waiting")); }
    flush();
  }

  function flush() {
    if (!socket || !socket.connected || !state.confirmed || state.inflight || !state.outbox.length) { return; }
    var entry = state.outbox[0];
    state.inflight = entry;
    socket.timeout(ACK_TIMEOUT_MS).emit("user_uttered", entry, function (error, ack) {
      if (state.inflight === entry) { state.inflight = null; }
      if (state.outbox.indexOf(entry) === -1) { return; }  // already settled (e.g. seen in history)
      if (error) {                                          // no acknowledgement: keep it, try again
        setPendingStatus(entry.client_id, t("waiting"));
        window.setTimeout(flush, 1000);
        return;
      }
      if (ack && ack.error === "session_required") {
        state.confirmed = false;
        requestSession();
        return;
      }
      state.outbox.splice(state.outbox.indexOf(entry), 1);
      setPendingStatus(entry.client_id, ack && ack.ok ? "" : t("notSent"));
      flush();
    });
  }

  /* ---------- connection ---------- */
  function requestSession() {
    socket.emit("session_request", { session_id: state.sessionId, last_seen: state.lastSeen });
  }

  function setConnection(text, offline) {
    el.connection.textContent = text;
    el.connection.classList.toggle("is-offline", !!offline);
  }

  function connect() {
    if (socket || typeof window.io !== "function") { return; }
    setConnection(t("connecting"), false);
    socket = window.io({ path: SOCKET_PATH, reconnectionDelayMax: 5000 });
    socket.on("connect", function () {
      state.confirmed = false;
      requestSession();
    });
    socket.on("session_confirm", function (sessionId) {
      state.sessionId = sessionId;
      saveSession();
      state.confirmed = true;
      setConnection("", false);
      state.outbox.forEach(function (entry) { setPendingStatus(entry.client_id, ""); });
      flush();
    });
    socket.on("history", function (messages) {
      (messages || []).forEach(function (message) {
        if (message.from === "child" && message.client_id) {
          // The server already has it: no need to re-send.
          state.outbox = state.outbox.filter(function (entry) { return entry.client_id !== message.client_id; });
          setPendingStatus(message.client_id, "");
        }
        renderMessage(message);
      });
    });
    socket.on("bot_uttered", function (message) { renderMessage(message || {}); });
    socket.on("disconnect", function () {
      state.confirmed = false;
      state.inflight = null;
      setConnection(t("offline"), true);
    });
    socket.on("connect_error", function () { setConnection(t("offline"), true); });
  }

  /* ---------- screens ---------- */
  function showChat() {
    el.welcome.hidden = true;
    el.chat.hidden = false;
    applyLanguage();
  }

  function chooseLanguage(lang) {
    state.lang = lang;
    saveSession();
    showChat();
    connect();
    // An intent with the language entity: the bot greets in that language, whatever NLU would guess.
    send("/greet{\"language\": \"" + lang + "\"}", t("greeting"));
    el.input.focus();
  }

  /* ---------- quick exit ---------- */
  function quickExit() {
    try { window.sessionStorage.clear(); } catch (error) { /* nothing stored */ }
    try { if (socket) { socket.disconnect(); } } catch (error) { /* already closed */ }
    state.outbox = [];
    // Wipe what is on screen first, so nothing is visible even for the moment the next page takes to load.
    document.title = "Weather";
    while (body.firstChild) { body.removeChild(body.firstChild); }
    try { window.history.replaceState(null, "", "./"); } catch (error) { /* ignore */ }
    // replace(): the chat's entry in the tab's history becomes the neutral site; Back does not return here.
    window.location.replace(QUICK_EXIT_URL);
  }

  /* ---------- wiring ---------- */
  el.quickExit.addEventListener("click", quickExit);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") { event.preventDefault(); quickExit(); }
  });

  Array.prototype.forEach.call(document.querySelectorAll(".language-button"), function (button) {
    button.addEventListener("click", function () { chooseLanguage(button.getAttribute("data-lang")); });
  });

  el.composer.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = el.input.value.trim();
    if (!text) { return; }
    el.input.value = "";
    disableOldReplies();
    send(text, text);
    el.input.focus();
  });

  el.input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      el.composer.requestSubmit ? el.composer.requestSubmit() : el.sendButton.click();
    }
  });

  loadSession();
  if (state.sessionId && state.lang) {
    showChat();   // a reload or a reopened tab: re-join; the server replays the conversation
    connect();
  } else {
    el.welcome.hidden = false;
  }
})();
