/*
 * The CAR-T information assistant's chat widget for The Clatterbridge Cancer Centre's website.
 *
 * Embed with one script tag (see README "Website chat widget"):
 *   <script src="https://…/cart-chat.js" data-server="https://chat.example.nhs.uk" defer></script>
 * Optional: data-title, data-greeting, data-privacy-url, data-urgent-url, data-max-length.
 *
 * Why it is built this way:
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
  var CONFIG = {
    server: (data.server || window.location.origin).replace(/\/+$/, ""),
    title: data.title || "Ask about CAR-T",
    greeting: data.greeting || "Hello. Ask me a question about CAR-T cell therapy at The Clatterbridge Cancer Centre.",
    privacyUrl: data.privacyUrl || "privacy.html",
    urgentUrl: data.urgentUrl ||
      "https://www.clatterbridgecc.nhs.uk/patients-and-visitors/our-services/urgent-and-emergency-cancer-care",
    // The longest message the assistant reads (config.yml); without it the server alone enforces its limit.
    maxLength: parseInt(data.maxLength || "0", 10),
  };
  var EVENTS = { user: "user_uttered", bot: "bot_uttered" };
  var KEYS = { secret: "cartChat.secret", transcript: "cartChat.transcript", open: "cartChat.open" };
  var URGENT_ANSWER_ID = "urgent_help";
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
      a.appendChild(visuallyHidden(" (opens in a new tab)"));
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

  /** "Source: … · Checked … · Awaiting clinical sign-off" from the answer's metadata. */
  function provenance(metadata) {
    if (!metadata || !metadata.answer_id || !(metadata.source || metadata.checked)) return null;
    var line = el("p", { className: "cc-provenance" });
    // Each source by its title (and publisher), linked: the server sends them as metadata.sources.
    var sources = Array.isArray(metadata.sources) ? metadata.sources
      : String(metadata.source || "").split(/\s*;\s*/).filter(Boolean).map(function (s) { return { title: s, url: s }; });
    if (sources.length) {
      line.appendChild(document.createTextNode("Source: "));
      sources.forEach(function (source, index) {
        if (index > 0) line.appendChild(document.createTextNode("; "));
        var url = safeUrl(source.url);
        var label = String(source.title || "") + (source.publisher ? " (" + source.publisher + ")" : "");
        line.appendChild(url ? link(url, label || new URL(url).hostname) : document.createTextNode(label));
      });
      line.appendChild(document.createTextNode(". "));
    }
    if (metadata.checked) line.appendChild(document.createTextNode("Checked " + formatDate(metadata.checked) + ". "));
    if (metadata.answer_id !== URGENT_ANSWER_ID) {
      line.appendChild(document.createTextNode(
        metadata.reviewer && metadata.approved
          ? "Approved by " + metadata.reviewer + " on " + formatDate(metadata.approved) + "."
          : "Awaiting clinical sign-off."
      ));
    }
    return line;
  }

  function contactCard(card) {
    var box = el("div", { className: "cc-card", role: "group", "aria-label": "Contact details" });
    (card.contacts || []).forEach(function (contact) {
      var item = el("div", { className: "cc-contact" }, [el("h3", { className: "cc-contact__name", text: contact.name || "" })]);
      if (contact.purpose) item.appendChild(el("p", { className: "cc-contact__line", text: contact.purpose }));
      if (contact.phone && contact.tel) {
        item.appendChild(el("p", { className: "cc-contact__line" }, ["Phone: ", link(contact.tel, contact.phone)]));
      }
      if (contact.email && contact.mailto) {
        item.appendChild(el("p", { className: "cc-contact__line" }, ["Email: ", link(contact.mailto, contact.email)]));
      }
      // Opening hours belong to a phone or an inbox; a web page (given while a team's number is being
      // confirmed) is simply linked.
      if (contact.hours && (contact.phone || contact.email)) {
        item.appendChild(el("p", { className: "cc-contact__line", text: "Open: " + contact.hours }));
      }
      if (contact.url) item.appendChild(el("p", { className: "cc-contact__line" }, [link(contact.url, contact.phone || contact.email ? "Website" : "Open the page")]));
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
    }, [el("span", { className: "cc-launcher__icon", "aria-hidden": "true" }), CONFIG.title]);
    this.launcher.addEventListener("click", function () { self.open(true); });

    this.status = el("p", { className: "cc-status", role: "status" });  // always rendered: a live region
    this.log = el("div", { className: "cc-log", role: "log", "aria-live": "polite", "aria-label": "Conversation" });
    this.typing = el("div", { className: "cc-typing", hidden: "" }, [
      el("span", { className: "cc-typing__dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]),
      "The assistant is typing",
    ]);
    this.input = el("input", {
      id: "cc-input", className: "nhsuk-input cc-input", type: "text", autocomplete: "off", maxlength: CONFIG.maxLength > 0 ? String(CONFIG.maxLength) : null,
      "aria-describedby": "cc-input-hint",
    });
    this.form = el("form", { className: "cc-form", novalidate: "" }, [
      el("label", { className: "nhsuk-label cc-label", for: "cc-input", text: "Type your question" }),
      el("p", { id: "cc-input-hint", className: "nhsuk-hint cc-hint", text: "Please do not include your name, NHS number or other personal details." }),
      el("div", { className: "cc-form__row" }, [
        this.input,
        el("button", { type: "submit", className: "nhsuk-button nhsuk-button--small cc-send" }, ["Send"]),
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

    this.urgent = link(CONFIG.urgentUrl, "Urgent help", "cc-urgent");
    var person = el("button", { type: "button", className: "nhsuk-button nhsuk-button--secondary nhsuk-button--small cc-person" }, ["Talk to a person"]);
    person.addEventListener("click", function () { self.send(HANDOFF_PAYLOAD, "Talk to a person"); });

    this.eraseButton = el("button", { type: "button", className: "cc-button-link cc-erase" }, ["Delete my conversation"]);
    this.eraseButton.addEventListener("click", function () { self.askToErase(); });
    this.eraseConfirm = this.buildEraseConfirm();

    var close = el("button", { type: "button", className: "cc-close" }, [
      el("span", { "aria-hidden": "true", text: "\u00d7" }), visuallyHidden("Close chat"),
    ]);
    close.addEventListener("click", function () { self.close(); });

    var notice = el("div", { className: "cc-notice" }, [
      el("p", { className: "cc-text" }, [
        el("strong", { text: "This is an automated assistant, not a person." }),
        " It gives general information about CAR-T cell therapy. It cannot give personal medical advice and is not for emergencies: if you feel unwell, use ",
        el("strong", { text: "Urgent help" }), " above.",
      ]),
      // The site's own page, from the embedding page's configuration (not bot content): any URL it gives.
      el("p", { className: "cc-text" }, [
        el("a", { href: new URL(CONFIG.privacyUrl, window.location.href).href, text: "How we handle your messages" }),
      ]),
    ]);

    this.scroller = el("div", { className: "cc-scroll" }, [notice, this.log]);
    this.panel = el("section", { id: "cc-panel", className: "cc-panel", "aria-labelledby": "cc-title", hidden: "" }, [
      el("div", { className: "cc-header" }, [
        el("h2", { id: "cc-title", className: "cc-title", text: CONFIG.title }),
        close,
      ]),
      el("div", { className: "cc-actions" }, [this.urgent, person]),
      this.status,
      this.scroller,
      this.typing,
      this.form,
      el("div", { className: "cc-footer" }, [this.eraseButton, this.eraseConfirm]),
    ]);
    this.panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") self.close();
    });
    root.appendChild(this.launcher);
    root.appendChild(this.panel);
  };

  ChatWidget.prototype.buildEraseConfirm = function () {
    var self = this;
    var yes = el("button", { type: "button", className: "nhsuk-button nhsuk-button--warning nhsuk-button--small" }, ["Yes, delete it"]);
    var no = el("button", { type: "button", className: "nhsuk-button nhsuk-button--secondary nhsuk-button--small" }, ["Cancel"]);
    yes.addEventListener("click", function () { self.erase(); });
    no.addEventListener("click", function () {
      self.eraseConfirm.hidden = true;
      self.eraseButton.hidden = false;
      self.eraseButton.focus();
    });
    this.eraseYes = yes;
    return el("div", { className: "cc-confirm", role: "group", "aria-labelledby": "cc-confirm-text", hidden: "" }, [
      el("p", { id: "cc-confirm-text", className: "cc-text", tabindex: "-1",
        text: "Delete this conversation from this device and from our system? This cannot be undone." }),
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
      this.setStatus("The chat needs a secure (https) page to work.");
      return;
    }
    this.socket = "starting";
    this.setStatus("Connecting\u2026", true);
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
      self.setStatus("Sorry, the chat could not start. Please reload the page to try again.");
    });
  };

  ChatWidget.prototype.connectionLost = function () {
    this.ready = false;
    this.outbox = this.inFlight.concat(this.outbox);
    this.inFlight = [];
    this.showTyping(false);
    this.outbox.forEach(function (item) { markWaiting(item.bubble, true); });
    this.setStatus("Reconnecting\u2026 Your messages will be sent when the connection is back.", true);
  };

  /** Sends what is waiting, in order, once the server has confirmed this session. */
  ChatWidget.prototype.flush = function () {
    while (this.ready && this.outbox.length) {
      var item = this.outbox.shift();
      this.socket.emit(EVENTS.user, { message: item.message, session_id: this.sessionId });
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

  ChatWidget.prototype.receive = function (message) {
    if (!message || typeof message !== "object") return;
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
      visuallyHidden("You said: "),
      el("p", { className: "cc-text", text: text }),
    ]);
    this.log.appendChild(bubble);
    return bubble;
  };

  /** Marks a message typed while offline, until it has been sent. */
  function markWaiting(bubble, waiting) {
    var note = bubble.querySelector(".cc-msg__waiting");
    if (waiting && !note) bubble.appendChild(el("p", { className: "cc-msg__waiting", text: "Waiting to send\u2026" }));
    if (!waiting && note) note.remove();
  }

  ChatWidget.prototype.renderBot = function (message) {
    var self = this;
    var metadata = message.metadata || {};
    var urgent = metadata.answer_id === URGENT_ANSWER_ID;
    var bubble = el("div", {
      className: "cc-msg cc-msg--bot" + (urgent ? " cc-msg--urgent" : ""),
      "data-answer-id": metadata.answer_id || "",
    }, [visuallyHidden(urgent ? "Assistant, urgent: " : "Assistant: ")]);
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
    this.log.appendChild(bubble);

    var replies = (message.quick_replies || message.buttons || []).filter(function (reply) {
      return reply && reply.title && reply.payload;
    });
    if (!replies.length) return;
    var group = el("div", { className: "cc-replies", role: "group", "aria-label": "Suggested replies" });
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
    this.log.appendChild(el("div", { className: "cc-msg cc-msg--bot" }, [visuallyHidden("Assistant: "), richText(CONFIG.greeting)]));
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
      self.finishErase("Your conversation has been deleted.");
    }).catch(function () {
      self.finishErase("Sorry, we could not delete your conversation just now. Please try again later.");
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
