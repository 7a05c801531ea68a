/* Counsellor console: plain JavaScript, no libraries, no external resources.
 * Polls the queue and the open conversation every 2 seconds. Every text from a child is put into the page with
 * textContent (never innerHTML), so nothing a child writes can run in the counsellor's browser. */
(function () {
  "use strict";

  var POLL_MS = 2000;
  var LEVEL_NAMES = { imminent: "Imminent", high: "High", medium: "Medium", low: "Low", none: "None" };
  var AGE_NAMES = { under_10: "under 10", "10_13": "10–13", "14_17": "14–17", "18_plus": "18+", unknown: "unknown" };
  var LANGUAGE_NAMES = { ar: "Arabic", en: "English" };

  var state = {
    me: null, csrf: null, selected: null, version: null, detail: null, counsellors: [], categories: [],
    timer: null, supervisorTimer: null, busy: false, lastQueueIds: ""
  };

  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "class") { node.className = attrs[key]; }
      else if (key === "text") { node.textContent = attrs[key]; }
      else if (key.indexOf("on") === 0) { node.addEventListener(key.slice(2), attrs[key]); }
      else if (attrs[key] !== null && attrs[key] !== undefined) { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) {
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return node;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  function duration(seconds) {
    seconds = Math.max(0, Math.round(seconds));
    if (seconds < 60) { return seconds + " s"; }
    var minutes = Math.floor(seconds / 60);
    if (minutes < 60) { return minutes + " min " + (seconds % 60) + " s"; }
    return Math.floor(minutes / 60) + " h " + (minutes % 60) + " min";
  }
  function clock(ms) {
    if (!ms) { return ""; }
    return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }
  function riskBadge(level) {
    level = level || "none";
    return el("span", { class: "risk-badge level-" + level, text: LEVEL_NAMES[level] || level });
  }

  /* ------------------------------------------------------------------------------------------------ API */

  function api(method, path, body) {
    var headers = { "Accept": "application/json" };
    var options = { method: method, headers: headers, credentials: "same-origin" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    if (method !== "GET" && state.csrf) { headers["X-CSRF-Token"] = state.csrf; }
    return fetch(path, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.status === 401 && path !== "/api/login") { showLogin(); }
        if (!response.ok) {
          var error = new Error(data.message || ("The server answered " + response.status));
          error.status = response.status; error.code = data.error; error.data = data;
          throw error;
        }
        return data;
      });
    });
  }

  /* ------------------------------------------------------------------------------------------------ login */

  function showLogin() {
    stopPolling();
    state.me = null; state.csrf = null; state.selected = null;
    $("console-view").hidden = true;
    $("session-bar").hidden = true;
    $("alert-banner").hidden = true;
    $("login-view").hidden = false;
    $("login-username").focus();
  }

  function startConsole(me) {
    state.me = me; state.csrf = me.csrf_token;
    $("login-view").hidden = true;
    $("console-view").hidden = false;
    $("session-bar").hidden = false;
    $("who").textContent = me.display_name + " (" + me.role + ")";
    $("tab-supervisor").hidden = me.role !== "supervisor";
    api("GET", "/api/case-categories").then(function (data) { state.categories = data.categories; });
    startPolling();
  }

  $("login-form").addEventListener("submit", function (event) {
    event.preventDefault();
    $("login-error").textContent = "";
    $("login-submit").disabled = true;
    api("POST", "/api/login", { username: $("login-username").value, password: $("login-password").value })
      .then(function (me) { $("login-password").value = ""; startConsole(me); })
      .catch(function (error) { $("login-error").textContent = error.message; })
      .then(function () { $("login-submit").disabled = false; });
  });

  $("logout").addEventListener("click", function () {
    api("POST", "/api/logout", {}).catch(function () {}).then(showLogin);
  });

  /* ------------------------------------------------------------------------------------------------ polling */

  function startPolling() {
    stopPolling();
    tick();
    state.timer = setInterval(tick, POLL_MS);
  }
  function stopPolling() {
    if (state.timer) { clearInterval(state.timer); state.timer = null; }
    if (state.supervisorTimer) { clearInterval(state.supervisorTimer); state.supervisorTimer = null; }
  }
  function tick() {
    if (!state.me) { return; }
    refreshQueue();
    refreshMine();
    if (state.selected) { refreshConversation(false); }
  }

  /* ------------------------------------------------------------------------------------------------ lists */

  function ticketButton(ticket, showPosition) {
    var classes = "ticket level-" + ticket.risk_level + (ticket.alert ? " alert" : "") +
      (ticket.ticket_id === state.selected ? " selected" : "");
    var wait = ticket.status === "waiting" ? "waiting " + duration(ticket.waiting_s) :
      (ticket.status === "returned" ? "back with the bot – needs closing" : "with you");
    var meta = [LANGUAGE_NAMES[ticket.language] || ticket.language, "age " + (AGE_NAMES[ticket.age_group] || ticket.age_group),
      ticket.country || "country unknown", ticket.channel].join(" · ");
    return el("button", { type: "button", class: classes, "data-ticket": ticket.ticket_id,
      onclick: function () { select(ticket.ticket_id); } }, [
      el("span", { class: "ticket-line" }, [
        el("span", {}, [showPosition ? "#" + ticket.position + " " : "", riskBadge(ticket.risk_level),
          ticket.risk_raised ? el("span", { class: "raised", text: " ▲ risk rose" }) : null]),
        el("span", { class: "ticket-wait", text: wait })
      ]),
      el("span", { class: "ticket-meta", text: (ticket.categories.join(", ") || ticket.reason) }),
      el("span", { class: "ticket-meta", text: meta +
        (ticket.child_message_count ? " · " + ticket.child_message_count + " new message(s)" : "") })
    ]);
  }

  function refreshQueue() {
    api("GET", "/api/queue").then(function (data) {
      var list = $("queue-list");
      clear(list);
      data.tickets.forEach(function (ticket) { list.appendChild(el("li", {}, [ticketButton(ticket, true)])); });
      $("queue-count").textContent = data.tickets.length;
      $("queue-empty").hidden = data.tickets.length > 0;
      var status = $("service-status");
      status.textContent = data.open_now ? data.counsellors_online + " counsellor(s) online" :
        "Closed or nobody online: children are told to call the numbers";
      status.className = "service-status" + (data.open_now ? "" : " closed");
      renderAlerts(data.alerts);
    }).catch(function () {});
  }

  function renderAlerts(alerts) {
    var banner = $("alert-banner");
    clear(banner);
    if (!alerts.length) {
      banner.hidden = true;
      document.title = "Counsellor console · Child helpline";
      return;
    }
    banner.hidden = false;
    document.title = "(!) " + alerts.length + " waiting too long · Counsellor console";
    banner.appendChild(el("span", { text: alerts.length + " child(ren) at high or imminent risk waiting too long:" }));
    alerts.forEach(function (alert) {
      banner.appendChild(el("button", { type: "button", onclick: function () { select(alert.ticket_id); },
        text: (LEVEL_NAMES[alert.risk_level] || alert.risk_level) + ", " + duration(alert.waiting_s) }));
    });
  }

  function refreshMine() {
    api("GET", "/api/mine").then(function (data) {
      var list = $("mine-list");
      clear(list);
      data.tickets.forEach(function (ticket) { list.appendChild(el("li", {}, [ticketButton(ticket, false)])); });
      $("mine-count").textContent = data.tickets.length;
      $("mine-empty").hidden = data.tickets.length > 0;
    }).catch(function () {});
  }

  /* ------------------------------------------------------------------------------------------------ conversation */

  function select(ticketId) {
    state.selected = ticketId;
    state.version = null;
    $("close-form").hidden = true;
    $("reply-text").value = "";
    clear($("notices"));
    Array.prototype.forEach.call(document.querySelectorAll(".ticket"), function (node) {
      node.classList.toggle("selected", node.getAttribute("data-ticket") === ticketId);
    });
    refreshConversation(true);
    loadCounsellors();
  }

  function refreshConversation(full) {
    var ticketId = state.selected;
    var path = "/api/tickets/" + encodeURIComponent(ticketId) +
      (!full && state.version !== null ? "?since_version=" + state.version : "");
    return api("GET", path).then(function (data) {
      if (ticketId !== state.selected || data.unchanged) { return; }
      state.version = data.version;
      state.detail = data;
      renderConversation(data);
    }).catch(function (error) {
      if (error.status === 404) { state.selected = null; $("conversation-body").hidden = true; $("conversation-empty").hidden = false; }
    });
  }

  function renderConversation(data) {
    var t = data.ticket;
    $("conversation-empty").hidden = true;
    $("conversation-body").hidden = false;
    var badge = $("packet-risk");
    badge.className = "risk-badge level-" + t.risk_level;
    badge.textContent = (LEVEL_NAMES[t.risk_level] || t.risk_level) + (t.risk_raised ? " ▲" : "");
    $("packet-title").textContent = "Ticket " + t.ticket_id.slice(0, 6) + (t.reason === "request" ? " · asked for a person" : "");
    $("packet-status").textContent = t.status + (t.position ? " · #" + t.position + " in queue" : "");
    $("fact-language").textContent = LANGUAGE_NAMES[t.language] || t.language;
    $("fact-age").textContent = AGE_NAMES[t.age_group] || t.age_group;
    $("fact-country").textContent = t.country ? (data.helplines.name_en || t.country) + " (" + t.country + ")" :
      "not known (numbers: " + (data.helplines.name_en || "default") + ")";
    $("fact-channel").textContent = t.channel;
    $("fact-waiting").textContent = clock(t.waiting_since_ms) + (t.claimed_at_ms ?
      " (waited " + duration((t.claimed_at_ms - t.waiting_since_ms) / 1000) + ")" : " (" + duration(t.waiting_s) + ")");
    $("fact-counsellor").textContent = t.counsellor || "–";

    var categories = $("packet-categories");
    clear(categories);
    t.categories.forEach(function (c) { categories.appendChild(el("span", { class: "chip", text: c })); });

    var helplines = $("helpline-list");
    clear(helplines);
    data.helplines.numbers.forEach(function (n) {
      helplines.appendChild(el("li", {}, [el("span", { class: "number", text: n.number }), " – " + n.name + " · ",
        el("bdi", { dir: "rtl", lang: "ar", text: n.name_ar })]));
    });

    var evidence = $("evidence-list");
    clear(evidence);
    t.evidence.forEach(function (e) {
      var what = e.matched ? el("mark", { class: "evidence level-" + (e.level || "none"), dir: "auto", text: e.matched }) :
        el("span", { class: "hint", text: e.pattern || "the whole message" });
      evidence.appendChild(el("li", {}, [riskBadge(e.level), " " + (e.category || "") + ": ", what,
        el("span", { class: "hint", text: " (" + (e.detector || "?") + ")" })]));
    });
    $("evidence-count").textContent = t.evidence.length;

    renderNotices(data);
    renderActions(data);
    renderTranscript(data);
    renderResources(data);
    renderNotes(data);
  }

  function renderNotices(data) {
    var notices = $("notices");
    Array.prototype.slice.call(notices.querySelectorAll(".notice.auto")).forEach(function (n) { notices.removeChild(n); });
    if (data.rasa_error) { notices.appendChild(el("div", { class: "notice auto error", text: data.rasa_error })); }
    if (data.whatsapp) {
      notices.appendChild(el("div", { class: "notice auto " + (data.whatsapp.open ? "" : "warn"), text: data.whatsapp.message }));
    }
    if (data.ticket.status === "returned") {
      notices.appendChild(el("div", { class: "notice auto", text: "The bot has this conversation again. Close the case with notes and a category." }));
    }
  }

  function notify(kind, text) {
    var notices = $("notices");
    var node = el("div", { class: "notice " + kind, text: text });
    notices.appendChild(node);
    setTimeout(function () { if (node.parentNode) { node.parentNode.removeChild(node); } }, 12000);
  }

  function renderActions(data) {
    var can = data.can;
    $("claim-button").hidden = !can.claim;
    $("return-button").hidden = !can.return_to_bot;
    $("transfer-box").hidden = !can.transfer;
    $("show-close-button").hidden = !can.close;
    $("reply-form").hidden = !can.reply;
    $("note-form").hidden = !can.note;
    if (!can.close) { $("close-form").hidden = true; }
  }

  function highlighted(text, evidence) {
    // Wrap each matched fragment of the child's message in <mark>, built as DOM nodes (never HTML).
    var marks = [];
    var lower = text.toLowerCase();
    (evidence || []).forEach(function (e) {
      var needle = (e.matched || "").toLowerCase();
      if (!needle) { return; }
      var index = lower.indexOf(needle);
      if (index >= 0) { marks.push({ start: index, end: index + needle.length, e: e }); }
    });
    marks.sort(function (a, b) { return a.start - b.start; });
    var nodes = [];
    var at = 0;
    marks.forEach(function (m) {
      if (m.start < at) { return; }
      if (m.start > at) { nodes.push(document.createTextNode(text.slice(at, m.start))); }
      nodes.push(el("mark", { class: "evidence level-" + (m.e.level || "none"),
        title: (m.e.category || "") + " · " + (m.e.level || "") + " · " + (m.e.detector || ""), text: text.slice(m.start, m.end) }));
      at = m.end;
    });
    if (at < text.length) { nodes.push(document.createTextNode(text.slice(at))); }
    return nodes;
  }

  // The transcript follows new messages unless the counsellor scrolled up to read (then it keeps their place).
  $("transcript").addEventListener("scroll", function () {
    var list = $("transcript");
    if (!state.rendering) { state.pinnedToEnd = list.scrollHeight - list.scrollTop - list.clientHeight < 40; }
  });

  function renderTranscript(data) {
    var list = $("transcript");
    var previousTop = list.scrollTop;
    state.rendering = true;
    clear(list);
    var language = data.ticket.language === "en" ? "en" : "ar";
    list.setAttribute("dir", language === "ar" ? "rtl" : "ltr");
    list.setAttribute("lang", language);
    data.transcript.forEach(function (line) {
      var who = { child: "Child", bot: "Bot", system: "Console (automatic)", event: "" }[line.who];
      if (line.who === "counsellor") { who = "Counsellor · " + (line.counsellor_name || ""); }
      var level = line.risk ? line.risk.level : null;
      var label = line.who === "event" ? null : el("span", { class: "who", dir: "ltr" }, [who,
        level && level !== "none" ? riskBadge(level) : null,
        el("span", { class: "time", text: line.ts ? clock(line.ts * 1000) : "" })]);
      var text = el("div", { class: "text", dir: "auto" },
        line.who === "child" && line.risk ? highlighted(line.text, line.risk.evidence) : [line.text]);
      list.appendChild(el("li", { class: "msg " + line.who + (level ? " level-" + level : "") }, [label, text]));
    });
    if (state.pinnedToEnd || state.scrollToEnd || state.justSelected !== state.selected) {
      list.scrollTop = list.scrollHeight;
      state.justSelected = state.selected;
      state.scrollToEnd = false;
      state.pinnedToEnd = true;
    } else {
      list.scrollTop = previousTop;
    }
    setTimeout(function () { state.rendering = false; }, 0);
  }

  function renderResources(data) {
    var select = $("canned-select");
    var current = select.value;
    clear(select);
    select.appendChild(el("option", { value: "", text: "Insert a resource…" }));
    data.resources.forEach(function (r, index) {
      var title = r.title + (r.language === "ar" ? " – " + r.title_child_language : "");
      select.appendChild(el("option", { value: String(index), text: title }));
    });
    select.value = current && Number(current) < data.resources.length ? current : "";
    $("reply-text").setAttribute("lang", data.ticket.language === "en" ? "en" : "ar");
  }

  function renderNotes(data) {
    var list = $("notes-list");
    clear(list);
    data.notes.forEach(function (n) {
      list.appendChild(el("li", {}, [el("strong", { text: n.author }), " " + clock(n.at_ms) + ": ",
        el("span", { dir: "auto", text: n.text })]));
    });
    if (!data.notes.length) { list.appendChild(el("li", { class: "empty", text: "No notes yet." })); }
  }

  /* ------------------------------------------------------------------------------------------------ actions */

  function act(button, promise, done) {
    button.disabled = true;
    return promise.then(function (result) {
      if (result && result.warning) { notify("warn", result.warning); }
      if (done) { done(result); }
      state.scrollToEnd = true;
      state.version = -1;  // re-read the conversation (without counting as a new "viewed" in the audit log)
      tick();
    }).catch(function (error) {
      notify("error", error.message);
      state.version = -1;
      tick();
    }).then(function () { button.disabled = false; });
  }

  $("claim-button").addEventListener("click", function () {
    act($("claim-button"), api("POST", "/api/tickets/" + state.selected + "/claim", {}), function () {
      $("reply-text").focus();
    });
  });

  $("return-button").addEventListener("click", function () {
    if (!window.confirm("Hand this conversation back to the bot? You can still write case notes and close it.")) { return; }
    act($("return-button"), api("POST", "/api/tickets/" + state.selected + "/return", {}));
  });

  $("canned-select").addEventListener("change", function () {
    var index = this.value;
    if (index === "" || !state.detail) { return; }
    var resource = state.detail.resources[Number(index)];
    var box = $("reply-text");
    box.value = box.value ? box.value.replace(/\s*$/, "") + "\n" + resource.text : resource.text;
    this.value = "";
    box.focus();
  });

  $("reply-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = $("reply-text").value.trim();
    if (!text) { return; }
    $("reply-status").textContent = "Sending…";
    act($("reply-send"), api("POST", "/api/tickets/" + state.selected + "/reply", { text: text }), function () {
      $("reply-text").value = "";
      $("reply-status").textContent = "Delivered at " + clock(Date.now());
    }).then(function () {
      if ($("reply-status").textContent === "Sending…") { $("reply-status").textContent = ""; }
    });
  });
  $("reply-text").addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      $("reply-send").click();
    }
  });

  function loadCounsellors() {
    return api("GET", "/api/counsellors").then(function (data) {
      state.counsellors = data.counsellors;
      var select = $("transfer-to");
      clear(select);
      select.appendChild(el("option", { value: "", text: "Back to the queue" }));
      data.counsellors.filter(function (c) { return !state.me || c.username !== state.me.username; })
        .sort(function (a, b) { return (b.online ? 1 : 0) - (a.online ? 1 : 0); })
        .forEach(function (c) {
          select.appendChild(el("option", { value: c.username, text: c.display_name + (c.online ? " (online)" : " (offline)") }));
        });
    }).catch(function () {});
  }

  $("transfer-button").addEventListener("click", function () {
    var to = $("transfer-to").value || null;
    act($("transfer-button"), api("POST", "/api/tickets/" + state.selected + "/transfer", { to: to }), function () {
      notify("", to ? "Transferred to " + to + "." : "Back in the queue at its old place.");
    });
  });

  function fillCategories(suggested) {
    var category = $("close-category");
    clear(category);
    category.appendChild(el("option", { value: "", text: "Choose…" }));
    state.categories.forEach(function (c) { category.appendChild(el("option", { value: c.id, text: c.label.en + " – " + c.label.ar })); });
    if (suggested) { category.value = suggested[0]; }
    fillSubcategories(suggested ? suggested[1] : "");
  }
  function fillSubcategories(selected) {
    var sub = $("close-subcategory");
    clear(sub);
    sub.appendChild(el("option", { value: "", text: "(none)" }));
    var chosen = state.categories.filter(function (c) { return c.id === $("close-category").value; })[0];
    (chosen ? chosen.subcategories : []).forEach(function (s) { sub.appendChild(el("option", { value: s.id, text: s.en + " – " + s.ar })); });
    sub.value = selected || "";
  }
  $("close-category").addEventListener("change", function () { fillSubcategories(""); });

  $("show-close-button").addEventListener("click", function () {
    fillCategories(state.detail && state.detail.suggested_category);
    $("close-form").hidden = false;
    $("close-notes").focus();
  });
  $("cancel-close-button").addEventListener("click", function () { $("close-form").hidden = true; });
  $("close-form").addEventListener("submit", function (event) {
    event.preventDefault();
    act($("close-button"), api("POST", "/api/tickets/" + state.selected + "/close", {
      notes: $("close-notes").value, category: $("close-category").value, subcategory: $("close-subcategory").value
    }), function () {
      $("close-form").hidden = true;
      $("close-notes").value = "";
      notify("", "Case closed.");
    });
  });

  $("note-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = $("note-text").value.trim();
    if (!text) { return; }
    act($("note-button"), api("POST", "/api/tickets/" + state.selected + "/notes", { text: text }), function () {
      $("note-text").value = "";
    });
  });

  /* ------------------------------------------------------------------------------------------------ supervisor */

  Array.prototype.forEach.call(document.querySelectorAll(".tab"), function (tab) {
    tab.addEventListener("click", function () {
      var view = tab.getAttribute("data-view");
      Array.prototype.forEach.call(document.querySelectorAll(".tab"), function (t) { t.classList.toggle("active", t === tab); });
      $("work-view").hidden = view !== "work";
      $("supervisor-view").hidden = view !== "supervisor";
      if (state.supervisorTimer) { clearInterval(state.supervisorTimer); state.supervisorTimer = null; }
      if (view === "supervisor") {
        refreshSupervisor();
        state.supervisorTimer = setInterval(refreshSupervisor, 5000);
      }
    });
  });

  function refreshSupervisor() {
    loadCounsellors().then(function () {
      return api("GET", "/api/supervisor/active");
    }).then(function (data) {
      $("online-list").textContent = "Online now: " + (data.counsellors_online.join(", ") || "nobody") +
        " · waiting: " + data.waiting.length;
      var body = $("active-table").querySelector("tbody");
      clear(body);
      data.active.forEach(function (t) {
        var select = el("select", { "aria-label": "Reassign ticket " + t.ticket_id.slice(0, 6) });
        select.appendChild(el("option", { value: "", text: "Back to the queue" }));
        state.counsellors.forEach(function (c) {
          if (c.username !== t.counsellor) { select.appendChild(el("option", { value: c.username, text: c.display_name })); }
        });
        var button = el("button", { type: "button", text: "Reassign" });
        button.addEventListener("click", function () {
          act(button, api("POST", "/api/tickets/" + t.ticket_id + "/reassign", { to: select.value || null }), refreshSupervisor);
        });
        body.appendChild(el("tr", {}, [
          el("td", {}, [el("button", { type: "button", class: "quiet", text: t.ticket_id.slice(0, 6),
            onclick: function () { $("tab-work").click(); select_(t.ticket_id); } })]),
          el("td", {}, [riskBadge(t.risk_level)]), el("td", { text: t.status }), el("td", { text: t.counsellor || "" }),
          el("td", { text: clock(t.claimed_at_ms) }),
          el("td", {}, t.status === "claimed" ? [select, button] : [])
        ]));
      });
      if (!data.active.length) { body.appendChild(el("tr", {}, [el("td", { colspan: "6", class: "empty", text: "No active conversations." })])); }
      return api("GET", "/api/supervisor/audit?limit=100");
    }).then(function (data) {
      var body = $("audit-table").querySelector("tbody");
      clear(body);
      data.entries.forEach(function (e) {
        body.appendChild(el("tr", {}, [el("td", { text: new Date(e.at * 1000).toLocaleString() }), el("td", { text: e.actor }),
          el("td", { text: e.action.replace(/_/g, " ") }), el("td", { text: (e.ticket_id || "").slice(0, 6) }),
          el("td", { text: e.detail || "" })]));
      });
    }).catch(function () {});
  }
  function select_(ticketId) { select(ticketId); }

  /* ------------------------------------------------------------------------------------------------ start */

  api("GET", "/api/me").then(startConsole).catch(function () { showLogin(); });
})();
