/*
 * The CAR-T information assistant's chat widget for The Clatterbridge Cancer Centre's website.
 *
 * Embed with one script tag (see docs/widget.md):
 *   <script src="https://…/cart-chat.js" data-server="https://chat.example.nhs.uk" defer></script>
 * Optional: data-privacy-url.
 *
 * Why it is built this way:
 * - It holds no text of its own: every word it shows or has read out is TEXTS.<name>, built in by
 *   web/build.mjs from content/widget_texts.yml (governed like every answer), with contacts and the urgent
 *   routes already filled in by the assistant's own renderer (python -m assistant.content.web_texts).
 * - "Urgent help" opens a panel inside the widget with the approved text on where to get urgent help (999,
 *   the Hotline for the centre's own patients, anyone else their own team or NHS 111): it needs no server.
 * - Talks to Rasa's socket.io channel with the official socket.io client (served next to this file,
 *   never from a CDN), with session persistence so a reload continues the same conversation.
 * - The session is identified by a random secret kept in sessionStorage (not localStorage: shared
 *   computers; it goes when the tab closes). The server only ever sees SHA-256(secret) as the session
 *   id, and "Delete my conversation" proves ownership by sending the secret itself.
 * - Everything the bot sends is inserted as text; a small allow-listed markdown subset (bold, line
 *   breaks, https/tel/mailto links) is turned into DOM nodes here, never through innerHTML.
 * - Lives in a shadow root so the host page's CSS and the widget's NHS.UK styles cannot clash.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.__cartChatLoaded) return;
  window.__cartChatLoaded = true;

  var data = script.dataset;
  var BASE = new URL(".", script.src).href;
  // Built in by web/build.mjs: {texts: {<name>: text}, max_characters: n}. Never typed here.
  var BUILT = {/* built in by web/build.mjs */};
  var TEXTS = BUILT.texts;
  var CONFIG = {
    server: (data.server || window.location.origin).replace(/\/+$/, ""),
    privacyUrl: data.privacyUrl || "privacy.html",
    // The longest message the assistant reads (the LengthGuard in config.yml, its one home).
    maxLength: BUILT.max_characters,
  };
  var EVENTS = { user: "user_uttered", bot: "bot_uttered" };
  var KEYS = { secret: "cartChat.secret", transcript: "cartChat.transcript", open: "cartChat.open" };
  var URGENT_ANSWER_ID = "urgent_help";
  // A rating of an answer (docs/widget.md): sent like a message, recorded by the server without the
  // conversation, answered with one of these ids, which the widget does not show as a message.
  var FEEDBACK_PREFIX = "/feedback";
  var FEEDBACK_REPLIES = ["feedback_recorded", "feedback_refused"];
  var FEEDBACK_REASONS = ["hard_to_understand", "did_not_answer", "something_else"];
  var feedbackGroups = 0;
  var HANDOFF_PAYLOAD = "/handoff";
  var MAX_TRANSCRIPT = 200;
  var SAFE_PROTOCOLS = ["https:", "tel:", "mailto:"];

  // ---------------------------------------------------------------------------------------------
  // Session identity and the transcript (sessionStorage only)
  // ---------------------------------------------------------------------------------------------

  var store = {
    get: function (key) {
      try { return window.sessionStorage.getItem(key); } catch (e) { return null; }
    },
    set: function (key, value) {
      try { window.sessionStorage.setItem(key, value); } catch (e) { /* private mode: memory only */ }
    },
    remove: function (key) {
      try { window.sessionStorage.removeItem(key); } catch (e) { /* nothing stored */ }
    },
  };

  function newSecret() {
    var bytes = new Uint8Array(32);
    window.crypto.getRandomValues(bytes);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return window.btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function sessionIdFor(secret) {
    return window.crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret)).then(function (digest) {
      return Array.prototype.map.call(new Uint8Array(digest), function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("");
    });
  }

  function loadTranscript() {
    try {
      var entries = JSON.parse(store.get(KEYS.transcript) || "[]");
      return Array.isArray(entries) ? entries : [];
    } catch (e) {
      return [];
    }
  }

  function saveTranscript(entries) {
    store.set(KEYS.transcript, JSON.stringify(entries.slice(-MAX_TRANSCRIPT)));
  }

  // ---------------------------------------------------------------------------------------------
  // Safe rendering: text nodes plus an allow-listed markdown subset
  // ---------------------------------------------------------------------------------------------

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (attrs[name] == null) return;  // an attribute not given is left out
      if (name === "text") node.textContent = attrs[name];
      else if (name === "className") node.className = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) {
      if (child != null) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function visuallyHidden(text) {
    return el("span", { className: "nhsuk-u-visually-hidden", text: text });
  }

  /** A built text with the values only known as it is shown ({date}, {phone}…): strings or DOM nodes. */
  function compose(text, values) {
    var fragment = document.createDocumentFragment();
    String(text).split(/\{(\w+)\}/).forEach(function (part, index) {
      var value = index % 2 ? values[part] : part;
      if (value == null || value === "") return;
      fragment.appendChild(typeof value === "object" ? value : document.createTextNode(String(value)));
    });
    return fragment;
  }

  /** The URL if it is https:, tel: or mailto:, else null (javascript:, data:, relative…). */
  function safeUrl(href) {
    try {
      var url = new URL(String(href));
      return SAFE_PROTOCOLS.indexOf(url.protocol) >= 0 ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  /** A link; web links open in a new tab, which is said to screen-reader users too. */
  function link(href, text, className) {
    var url = safeUrl(href);
    if (!url) return document.createTextNode(text);
    var a = el("a", { href: url, className: className || "cc-link" }, [text]);
    if (url.indexOf("https:") === 0) {
      a.setAttribute("target", "_blank");
      a.setAttribute("rel", "noopener noreferrer");
      a.appendChild(visuallyHidden(" " + TEXTS.new_tab));
    }
    return a;
  }

  // **bold**, [text](url), bare https:// links, and UK phone numbers (0… with 10-11 digits, 999,
  // 111) so a patient on a phone can call the Hotline with one tap.
  var INLINE = new RegExp([
    "\\*\\*([^*]+)\\*\\*",
    "\\[([^\\]]+)\\]\\(([^)\\s]+)\\)",
    "(https:\\/\\/[^\\s<>()]*[^\\s<>().,;:!?'\"*])",
    "(?<![\\w.])(0\\d(?: ?\\d){8,9}|999|111)(?![\\w]|\\.\\d)",
  ].join("|"), "g");

  function inline(text, parent) {
    var pattern = new RegExp(INLINE.source, "g");
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      if (match.index > last) parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      if (match[1] !== undefined) {
        var strong = el("strong");
        inline(match[1], strong);
        parent.appendChild(strong);
      } else if (match[2] !== undefined) {
        parent.appendChild(link(match[3], match[2]));
      } else if (match[4] !== undefined) {
        parent.appendChild(link(match[4], match[4]));
      } else {
        parent.appendChild(link("tel:" + match[5].replace(/ /g, ""), match[5]));
      }
      last = pattern.lastIndex;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  /** Paragraphs on blank lines, <br> on single line breaks, inline markdown inside. */
  function richText(text) {
    var fragment = document.createDocumentFragment();
    String(text).split(/\n{2,}/).forEach(function (paragraph) {
      var p = el("p", { className: "cc-text" });
      paragraph.split("\n").forEach(function (line, index) {
        if (index > 0) p.appendChild(document.createElement("br"));
        inline(line, p);
      });
      fragment.appendChild(p);
    });
    return fragment;
  }

  function formatDate(value) {
    var date = new Date(String(value) + "T12:00:00");
    if (isNaN(date.getTime())) return String(value);
    return date.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" });
  }

  /** "Source: … Checked … Awaiting clinical sign-off." from the answer's metadata. */
  function provenance(metadata) {
    if (!metadata || !metadata.answer_id || !(metadata.source || metadata.checked)) return null;
    var parts = [];
    // Each source by its title (and publisher), linked: the server sends them as metadata.sources.
    var sources = Array.isArray(metadata.sources) ? metadata.sources
      : String(metadata.source || "").split(/\s*;\s*/).filter(Boolean).map(function (s) { return { title: s, url: s }; });
    if (sources.length) {
      var list = document.createDocumentFragment();
      sources.forEach(function (source, index) {
        if (index > 0) list.appendChild(document.createTextNode("; "));
        var url = safeUrl(source.url);
        var label = String(source.title || "") + (source.publisher ? " (" + source.publisher + ")" : "");
        list.appendChild(url ? link(url, label || new URL(url).hostname) : document.createTextNode(label));
      });
      parts.push(compose(TEXTS.source_line, { sources: list }));
    }
    if (metadata.checked) parts.push(compose(TEXTS.checked_line, { date: formatDate(metadata.checked) }));
    if (metadata.answer_id !== URGENT_ANSWER_ID) {
      parts.push(metadata.reviewer && metadata.approved
        ? compose(TEXTS.approved_line, { reviewer: metadata.reviewer, date: formatDate(metadata.approved) })
        : compose(TEXTS.awaiting_sign_off, {}));
    }
    var line = el("p", { className: "cc-provenance" });
    parts.forEach(function (part, index) {
      if (index > 0) line.appendChild(document.createTextNode(" "));
      line.appendChild(part);
    });
    return line;
  }

  function contactCard(card) {
    var box = el("div", { className: "cc-card", role: "group", "aria-label": TEXTS.contact_card_label });
    (card.contacts || []).forEach(function (contact) {
      var item = el("div", { className: "cc-contact" }, [el("h3", { className: "cc-contact__name", text: contact.name || "" })]);
      if (contact.purpose) item.appendChild(el("p", { className: "cc-contact__line", text: contact.purpose }));
      if (contact.phone && contact.tel) {
        item.appendChild(el("p", { className: "cc-contact__line" }, [compose(TEXTS.contact_phone, { phone: link(contact.tel, contact.phone) })]));
      }
      if (contact.email && contact.mailto) {
        item.appendChild(el("p", { className: "cc-contact__line" }, [compose(TEXTS.contact_email, { email: link(contact.mailto, contact.email) })]));
      }
      // Opening hours belong to a phone or an inbox; a web page (given while a team's number is being
      // confirmed) is simply linked.
      if (contact.hours && (contact.phone || contact.email)) {
        item.appendChild(el("p", { className: "cc-contact__line" }, [compose(TEXTS.contact_hours, { hours: contact.hours })]));
      }
      if (contact.url) item.appendChild(el("p", { className: "cc-contact__line" }, [link(contact.url, contact.phone || contact.email ? TEXTS.contact_website : TEXTS.contact_page)]));
      box.appendChild(item);
    });
    return box;
  }

  // ---------------------------------------------------------------------------------------------
  // The widget
  // ---------------------------------------------------------------------------------------------

  function ChatWidget() {
    this.secret = store.get(KEYS.secret);
    if (!this.secret) {
      this.secret = newSecret();
      store.set(KEYS.secret, this.secret);
    }
    this.sessionId = null;
    this.transcript = loadTranscript();
    this.outbox = [];    // typed while not connected: sent when the session is confirmed
    this.inFlight = [];  // sent, no reply yet: sent again if the connection drops before the reply
    this.ready = false;
    this.socket = null;
    this.build();
    this.restore();
    if (store.get(KEYS.open) === "true") this.open(false);
  }

  ChatWidget.prototype.build = function () {
    var self = this;
    var host = el("div", { id: "cart-chat", "data-cart-chat": "" });
    document.body.appendChild(host);
    var root = host.attachShadow({ mode: "open" });
    root.appendChild(el("link", { rel: "stylesheet", href: BASE + "cart-chat.css" }));
    this.root = root;

    this.launcher = el("button", {
      type: "button", className: "cc-launcher", "aria-expanded": "false", "aria-controls": "cc-panel",
    }, [el("span", { className: "cc-launcher__icon", "aria-hidden": "true" }), TEXTS.title]);
    this.launcher.addEventListener("click", function () { self.open(true); });

    this.status = el("p", { className: "cc-status", role: "status" });  // always rendered: a live region
    this.log = el("div", { className: "cc-log", role: "log", "aria-live": "polite", "aria-label": TEXTS.log_label });
    this.typing = el("div", { className: "cc-typing", hidden: "" }, [
      el("span", { className: "cc-typing__dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]),
      TEXTS.typing,
    ]);
    this.input = el("input", {
      id: "cc-input", className: "nhsuk-input cc-input", type: "text", autocomplete: "off", maxlength: CONFIG.maxLength > 0 ? String(CONFIG.maxLength) : null,
      "aria-describedby": "cc-input-hint",
    });
    this.form = el("form", { className: "cc-form", novalidate: "" }, [
      el("label", { className: "nhsuk-label cc-label", for: "cc-input", text: TEXTS.input_label }),
      el("p", { id: "cc-input-hint", className: "nhsuk-hint cc-hint", text: TEXTS.input_hint }),
      el("div", { className: "cc-form__row" }, [
        this.input,
        el("button", { type: "submit", className: "nhsuk-button nhsuk-button--small cc-send" }, [TEXTS.send_button]),
      ]),
    ]);
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = self.input.value.trim();
      if (!text) {
        self.input.focus();
        return;
      }
      self.input.value = "";
      self.send(text, text);
    });

    // A disclosure: the approved urgent routes, inside the widget, whatever the state of the connection.
    this.urgent = el("button", {
      type: "button", className: "cc-urgent", "aria-expanded": "false", "aria-controls": "cc-urgent-panel",
    }, [TEXTS.urgent_button]);
    this.urgent.addEventListener("click", function () { self.showUrgent(self.urgentPanel.hidden); });
    this.urgentPanel = el("div", { id: "cc-urgent-panel", className: "cc-urgent-panel", hidden: "" }, [richText(TEXTS.urgent_panel)]);
    var person = el("button", { type: "button", className: "nhsuk-button nhsuk-button--secondary nhsuk-button--small cc-person" }, [TEXTS.person_button]);
    person.addEventListener("click", function () { self.send(HANDOFF_PAYLOAD, TEXTS.person_button); });

    this.eraseButton = el("button", { type: "button", className: "cc-button-link cc-erase" }, [TEXTS.erase_button]);
    this.eraseButton.addEventListener("click", function () { self.askToErase(); });
    this.eraseConfirm = this.buildEraseConfirm();

    var close = el("button", { type: "button", className: "cc-close" }, [
      el("span", { "aria-hidden": "true", text: "\u00d7" }), visuallyHidden(TEXTS.close_button),
    ]);
    close.addEventListener("click", function () { self.close(); });

    var notice = el("div", { className: "cc-notice" }, [
      richText(TEXTS.notice),
      // The site's own page, from the embedding page's configuration (not bot content): any URL it gives.
      el("p", { className: "cc-text" }, [
        el("a", { href: new URL(CONFIG.privacyUrl, window.location.href).href, text: TEXTS.privacy_link }),
      ]),
    ]);

    this.scroller = el("div", { className: "cc-scroll" }, [notice, this.log]);
    this.panel = el("section", { id: "cc-panel", className: "cc-panel", "aria-labelledby": "cc-title", hidden: "" }, [
      el("div", { className: "cc-header" }, [
        el("h2", { id: "cc-title", className: "cc-title", text: TEXTS.title }),
        close,
      ]),
      el("div", { className: "cc-actions" }, [this.urgent, person]),
      this.urgentPanel,
      this.status,
      this.scroller,
      this.typing,
      this.form,
      el("div", { className: "cc-footer" }, [this.eraseButton, this.eraseConfirm]),
    ]);
    this.panel.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      // Escape closes the urgent panel first when the patient is in it, then the chat.
      var focused = self.root.activeElement;
      if (!self.urgentPanel.hidden && (focused === self.urgent || self.urgentPanel.contains(focused))) {
        self.showUrgent(false);
        self.urgent.focus();
        return;
      }
      self.close();
    });
    root.appendChild(this.launcher);
    root.appendChild(this.panel);
  };

  ChatWidget.prototype.buildEraseConfirm = function () {
    var self = this;
    var yes = el("button", { type: "button", className: "nhsuk-button nhsuk-button--warning nhsuk-button--small" }, [TEXTS.erase_yes]);
    var no = el("button", { type: "button", className: "nhsuk-button nhsuk-button--secondary nhsuk-button--small" }, [TEXTS.erase_cancel]);
    yes.addEventListener("click", function () { self.erase(); });
    no.addEventListener("click", function () {
      self.eraseConfirm.hidden = true;
      self.eraseButton.hidden = false;
      self.eraseButton.focus();
    });
    this.eraseYes = yes;
    return el("div", { className: "cc-confirm", role: "group", "aria-labelledby": "cc-confirm-text", hidden: "" }, [
      el("p", { id: "cc-confirm-text", className: "cc-text", tabindex: "-1", text: TEXTS.erase_question }),
      el("div", { className: "cc-confirm__buttons" }, [yes, no]),
    ]);
  };

  // --- opening and closing ---------------------------------------------------------------------

  ChatWidget.prototype.open = function (moveFocus) {
    this.panel.hidden = false;
    this.launcher.hidden = true;
    this.launcher.setAttribute("aria-expanded", "true");
    store.set(KEYS.open, "true");
    this.connect();
    this.scrollToEnd();
    if (moveFocus) this.input.focus();
  };

  /** Shows or hides the urgent panel (the "Urgent help" disclosure); focus stays on its button. */
  ChatWidget.prototype.showUrgent = function (open) {
    this.urgentPanel.hidden = !open;
    this.urgent.setAttribute("aria-expanded", open ? "true" : "false");
  };

  ChatWidget.prototype.close = function () {
    this.panel.hidden = true;
    this.launcher.hidden = false;
    this.launcher.setAttribute("aria-expanded", "false");
    store.set(KEYS.open, "false");
    this.launcher.focus();
  };

  // --- the connection --------------------------------------------------------------------------

  /** The one status line (a polite live region). Connection states clear themselves once connected. */
  ChatWidget.prototype.setStatus = function (text, aboutConnection) {
    this.status.textContent = text;
    this.statusAboutConnection = !!aboutConnection;
  };

  ChatWidget.prototype.connect = function () {
    var self = this;
    if (this.socket) return;
    if (!window.crypto || !window.crypto.subtle) {
      this.setStatus(TEXTS.status_needs_https);
      return;
    }
    this.socket = "starting";
    this.setStatus(TEXTS.status_connecting, true);
    Promise.all([sessionIdFor(this.secret), loadSocketIo()]).then(function (results) {
      self.sessionId = results[0];
      var socket = window.io(CONFIG.server, { path: "/socket.io" });
      self.socket = socket;
      socket.on("connect", function () { socket.emit("session_request", { session_id: self.sessionId }); });
      socket.on("session_confirm", function () {
        self.ready = true;
        if (self.statusAboutConnection) self.setStatus("");
        self.flush();
      });
      socket.on("disconnect", function () { self.connectionLost(); });
      socket.on("connect_error", function () { self.connectionLost(); });
      socket.on(EVENTS.bot, function (message) { self.receive(message); });
    }).catch(function () {
      self.socket = null;
      self.setStatus(TEXTS.status_could_not_start);
    });
  };

  ChatWidget.prototype.connectionLost = function () {
    this.ready = false;
    this.outbox = this.inFlight.concat(this.outbox);
    this.inFlight = [];
    this.showTyping(false);
    this.outbox.forEach(function (item) { if (item.bubble) markWaiting(item.bubble, true); });
    this.setStatus(TEXTS.status_reconnecting, true);
  };

  /** Sends what is waiting, in order, once the server has confirmed this session. */
  ChatWidget.prototype.flush = function () {
    while (this.ready && this.outbox.length) {
      var item = this.outbox.shift();
      this.socket.emit(EVENTS.user, { message: item.message, session_id: this.sessionId });
      if (item.quiet) continue;
      markWaiting(item.bubble, false);
      this.inFlight.push(item);
      this.showTyping(true);
    }
  };

  // --- messages --------------------------------------------------------------------------------

  ChatWidget.prototype.send = function (message, shown) {
    if (!message) return;
    if (!this.statusAboutConnection) this.setStatus("");
    var bubble = this.renderUser(shown);
    this.record({ who: "user", text: shown });
    this.clearReplies();
    var item = { message: message, bubble: bubble };
    if (!this.ready) markWaiting(bubble, true);
    this.outbox.push(item);
    this.flush();
    this.scrollToEnd();
    this.input.focus();
  };

  /** A rating: sent like a message (queued while offline), but not shown, kept or answered in the chat. */
  ChatWidget.prototype.sendQuietly = function (message) {
    this.outbox.push({ message: message, quiet: true });
    this.flush();
  };

  ChatWidget.prototype.receive = function (message) {
    if (!message || typeof message !== "object") return;
    if (FEEDBACK_REPLIES.indexOf((message.metadata || {}).answer_id) !== -1) return;  // the widget thanked already
    this.inFlight = [];
    this.showTyping(false);
    this.renderBot(message);
    this.record({ who: "bot", message: message });
    this.scrollToEnd();
  };

  ChatWidget.prototype.record = function (entry) {
    this.transcript.push(entry);
    saveTranscript(this.transcript);
  };

  ChatWidget.prototype.renderUser = function (text) {
    var bubble = el("div", { className: "cc-msg cc-msg--user" }, [
      visuallyHidden(TEXTS.you_said + " "),
      el("p", { className: "cc-text", text: text }),
    ]);
    this.log.appendChild(bubble);
    return bubble;
  };

  /** Marks a message typed while offline, until it has been sent. */
  function markWaiting(bubble, waiting) {
    var note = bubble.querySelector(".cc-msg__waiting");
    if (waiting && !note) bubble.appendChild(el("p", { className: "cc-msg__waiting", text: TEXTS.waiting_to_send }));
    if (!waiting && note) note.remove();
  }

  ChatWidget.prototype.renderBot = function (message) {
    var self = this;
    var metadata = message.metadata || {};
    var urgent = metadata.answer_id === URGENT_ANSWER_ID;
    var bubble = el("div", {
      className: "cc-msg cc-msg--bot" + (urgent ? " cc-msg--urgent" : ""),
      "data-answer-id": metadata.answer_id || "",
    }, [visuallyHidden((urgent ? TEXTS.assistant_urgent : TEXTS.assistant_said) + " ")]);
    if (message.text) {
      var text = richText(message.text);
      // A notice in the patient's own language: announced in that language, right to left where it runs so.
      if (/^[a-z]{2}$/.test(String(metadata.language || "")) && metadata.language !== "en") {
        text = el("div", { lang: metadata.language, dir: "auto" }, [text]);
      }
      bubble.appendChild(text);
    }
    var card = message.custom && message.custom.type === "contact_card" ? message.custom : null;
    if (card) bubble.appendChild(contactCard(card));
    var source = provenance(metadata);
    if (source) bubble.appendChild(source);
    if (metadata.answer_id && metadata.version && !urgent) bubble.appendChild(this.feedbackFor(message));
    this.log.appendChild(bubble);

    var replies = (message.quick_replies || message.buttons || []).filter(function (reply) {
      return reply && reply.title && reply.payload;
    });
    if (!replies.length) return;
    var group = el("div", { className: "cc-replies", role: "group", "aria-label": TEXTS.replies_label });
    replies.forEach(function (reply) {
      var payload = String(reply.payload);
      if (/^(tel|mailto):/i.test(payload)) {
        if (!card) group.appendChild(link(payload, reply.title, "nhsuk-button nhsuk-button--secondary nhsuk-button--small cc-reply cc-reply--link"));
        return;
      }
      var button = el("button", { type: "button", className: "nhsuk-button nhsuk-button--secondary nhsuk-button--small cc-reply" }, [reply.title]);
      button.addEventListener("click", function () { self.send(payload, reply.title); });
      group.appendChild(button);
    });
    if (group.childNodes.length) this.log.appendChild(group);
  };

  /**
   * "Was this answer helpful?" under an answer: "Yes" or "No", one tap; after "No", an optional reason from a
   * fixed list (no text box: nothing personal can be typed). Each tap is sent as a rating; the answer's
   * `rated` mark, kept in the transcript, shows the thanks instead after a reload.
   */
  ChatWidget.prototype.feedbackFor = function (message) {
    var self = this;
    var metadata = message.metadata;
    var number = ++feedbackGroups;
    var questionId = "cc-feedback-" + number;
    var group = el("div", { className: "cc-feedback", role: "group", "aria-labelledby": questionId });
    var thanks = el("p", { className: "cc-feedback__thanks", role: "status" });

    function rate(rating) {
      rating.answer_id = metadata.answer_id;
      rating.version = metadata.version;
      self.sendQuietly(FEEDBACK_PREFIX + JSON.stringify(rating));
    }
    function done(mark) {
      message.rated = mark;
      saveTranscript(self.transcript);
      thanks.textContent = TEXTS.feedback_thanks;
    }
    function choice(text, onClick) {
      var button = el("button", { type: "button", className: "nhsuk-button nhsuk-button--secondary nhsuk-button--small cc-feedback__choice" }, [text]);
      button.addEventListener("click", onClick);
      return button;
    }
    function askWhy() {
      var whyId = "cc-feedback-reason-" + number;
      var labels = {
        hard_to_understand: TEXTS.feedback_reason_hard_to_understand,
        did_not_answer: TEXTS.feedback_reason_did_not_answer,
        something_else: TEXTS.feedback_reason_something_else,
      };
      var why = el("div", { className: "cc-feedback__why", role: "group", "aria-labelledby": whyId }, [
        el("p", { className: "cc-feedback__question", id: whyId, text: TEXTS.feedback_reason_question }),
      ]);
      FEEDBACK_REASONS.forEach(function (reason) {
        why.appendChild(choice(labels[reason], function () {
          rate({ reason: reason });
          why.remove();
          done("reason");
        }));
      });
      return why;
    }

    group.appendChild(el("p", { className: "cc-feedback__question", id: questionId, text: TEXTS.feedback_question }));
    if (message.rated) {
      thanks.textContent = TEXTS.feedback_thanks;
      group.appendChild(thanks);
      return group;
    }
    var buttons = el("div", { className: "cc-feedback__choices" }, [
      choice(TEXTS.feedback_yes, function () {
        rate({ helpful: true });
        buttons.remove();
        done("yes");
      }),
      choice(TEXTS.feedback_no, function () {
        rate({ helpful: false });
        buttons.remove();
        done("no");
        var why = askWhy();
        group.insertBefore(why, thanks);
        why.querySelector("button").focus();
      }),
    ]);
    group.appendChild(buttons);
    group.appendChild(thanks);
    return group;
  };

  /** Suggested replies belong to the latest answer: once the patient moves on, they go. */
  ChatWidget.prototype.clearReplies = function () {
    Array.prototype.forEach.call(this.log.querySelectorAll("button.cc-reply"), function (button) {
      button.remove();
    });
    Array.prototype.forEach.call(this.log.querySelectorAll(".cc-replies"), function (group) {
      if (!group.childNodes.length) group.remove();
    });
  };

  ChatWidget.prototype.renderGreeting = function () {
    this.log.appendChild(el("div", { className: "cc-msg cc-msg--bot" }, [visuallyHidden(TEXTS.assistant_said + " "), richText(TEXTS.greeting)]));
  };

  /** After a reload: the greeting, then the conversation so far, without announcing it again. */
  ChatWidget.prototype.restore = function () {
    var self = this;
    this.log.setAttribute("aria-live", "off");
    this.renderGreeting();
    this.transcript.forEach(function (entry) {
      if (entry.who === "user") {
        self.clearReplies();
        self.renderUser(String(entry.text || ""));
      } else if (entry.who === "bot" && entry.message) {
        self.renderBot(entry.message);
      }
    });
    this.log.setAttribute("aria-live", "polite");
  };

  ChatWidget.prototype.showTyping = function (on) {
    this.typing.hidden = !on;
    if (on) this.scrollToEnd();
  };

  ChatWidget.prototype.scrollToEnd = function () {
    var scroller = this.scroller;
    window.requestAnimationFrame(function () { scroller.scrollTop = scroller.scrollHeight; });
  };

  // --- deleting the conversation ---------------------------------------------------------------

  ChatWidget.prototype.askToErase = function () {
    this.eraseButton.hidden = true;
    this.eraseConfirm.hidden = false;
    this.eraseYes.focus();
  };

  ChatWidget.prototype.erase = function () {
    var self = this;
    this.eraseYes.disabled = true;
    fetch(CONFIG.server + "/webhooks/rest/erase", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ session_secret: this.secret }),
      credentials: "omit",
    }).then(function (reply) {
      if (!reply.ok) throw new Error("erase failed: " + reply.status);
      return self.startAfresh();
    }).then(function () {
      self.finishErase(TEXTS.erase_done);
    }).catch(function () {
      self.finishErase(TEXTS.erase_failed);
    });
  };

  ChatWidget.prototype.finishErase = function (text) {
    this.eraseYes.disabled = false;
    this.eraseConfirm.hidden = true;
    this.eraseButton.hidden = false;
    this.setStatus(text);
    this.input.focus();
  };

  /** A new secret and session, an empty screen, and a reconnect under the new session id. */
  ChatWidget.prototype.startAfresh = function () {
    var self = this;
    this.secret = newSecret();
    store.set(KEYS.secret, this.secret);
    store.remove(KEYS.transcript);
    this.transcript = [];
    this.outbox = [];
    this.inFlight = [];
    this.log.textContent = "";
    this.renderGreeting();
    return sessionIdFor(this.secret).then(function (sessionId) {
      self.sessionId = sessionId;
      if (self.socket && self.socket.connected) {
        self.ready = false;
        self.socket.emit("session_request", { session_id: sessionId });
      }
    });
  };

  // ---------------------------------------------------------------------------------------------

  var socketIoLoading = null;

  /** The socket.io client served beside this script (vendor/), loaded once. */
  function loadSocketIo() {
    if (window.io) return Promise.resolve();
    if (!socketIoLoading) {
      socketIoLoading = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = BASE + "vendor/socket.io.min.js";
        tag.onload = function () { resolve(); };
        tag.onerror = function () { socketIoLoading = null; reject(new Error("socket.io client did not load")); };
        document.head.appendChild(tag);
      });
    }
    return socketIoLoading;
  }

  function start() {
    new ChatWidget();  // eslint-disable-line no-new
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
