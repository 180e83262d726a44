// The playground page: a small chat client for supportbot's playground adapter.
// The server renders every piece of text to safe HTML (fields ending in _html); everything else
// (names, ids, channel names) is inserted as text, never as HTML.
"use strict";

const state = {
  me: "",
  personas: [],
  channels: [],
  bot: "Support",
  ui: {}, // the page's words in the persona's language (playground.* templates)
  messages: new Map(), // id -> message view
  channel: "",
  thread: null, // the root id of the open thread
  unread: new Set(),
  socket: null,
  generation: 0, // bumps on persona switch so old sockets stop reconnecting
};

const $ = (id) => document.getElementById(id);

// A UI string; `{name}` slots are filled from `values`.
function t(key, values = {}) {
  const text = state.ui[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

function roleName(role) {
  return state.ui["role." + role] ?? role;
}

function translatePage() {
  document.documentElement.lang = persona(state.me)?.locale || "en";
  for (const node of document.querySelectorAll("[data-ui]")) node.textContent = t(node.dataset.ui);
  for (const node of document.querySelectorAll("[data-ui-title]")) node.title = t(node.dataset.uiTitle);
  for (const node of document.querySelectorAll("[data-ui-placeholder]")) node.placeholder = t(node.dataset.uiPlaceholder);
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "html") node.innerHTML = value; // only server-rendered *_html fields
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key.startsWith("data")) node.setAttribute(key.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase()), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function newId() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  return Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
}

// ---- talking to the server ----------------------------------------------------------------

async function act(action) {
  const body = JSON.stringify({ id: newId(), persona: state.me, ...action });
  try {
    const response = await fetch("/playground/api/actions", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body,
    });
    const result = await response.json();
    if (!result.ok) toast(result.error || t("failed"), "error");
    return result.ok;
  } catch (err) {
    toast(t("server_silent") + " " + err, "error");
    return false;
  }
}

async function loadState() {
  const response = await fetch("/playground/api/state?persona=" + encodeURIComponent(state.me));
  if (!response.ok) throw new Error("cannot load the playground state");
  const data = await response.json();
  state.personas = data.personas;
  state.channels = data.channels;
  state.bot = data.bot;
  state.ui = data.ui;
  state.messages = new Map(data.messages.map((m) => [m.id, m]));
  for (const m of data.messages) addChannel(m.channel);
}

function connect() {
  const generation = state.generation;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const url = `${scheme}://${location.host}/playground/ws?persona=${encodeURIComponent(state.me)}`;
  const socket = new WebSocket(url);
  state.socket = socket;
  socket.onopen = () => setStatus(true);
  socket.onmessage = (e) => receive(JSON.parse(e.data));
  socket.onclose = () => {
    if (generation !== state.generation) return;
    setStatus(false);
    // Reconnect and reload: anything missed while away is in the history.
    setTimeout(async () => {
      if (generation !== state.generation) return;
      try { await loadState(); render(); } catch (_) { /* retry below */ }
      connect();
    }, 1000);
  };
}

function receive(event) {
  if (event.type === "message") {
    const m = event.message;
    state.messages.set(m.id, m);
    addChannel(m.channel);
    if (m.channel !== state.channel) state.unread.add(m.channel);
    render();
  } else if (event.type === "form") {
    openForm(event.form);
  }
}

function setStatus(online) {
  const status = $("status");
  status.className = "status " + (online ? "online" : "offline");
  status.textContent = online ? t("live") : t("reconnecting");
  document.body.dataset.live = online ? "yes" : "no";
}

// ---- the sidebar ----------------------------------------------------------------------------

function addChannel(channel) {
  if (!channel.startsWith("dm:") && !state.channels.includes(channel)) state.channels.push(channel);
}

function persona(id) {
  return state.personas.find((p) => p.id === id);
}

function renderSidebar() {
  const select = $("persona");
  select.replaceChildren(
    ...state.personas.map((p) =>
      el("option", { value: p.id, selected: p.id === state.me }, `${p.name} — ${roleName(p.role)}`)
    )
  );
  $("channels").replaceChildren(...state.channels.map((c) => channelItem(c, "# " + c)));
  $("dms").replaceChildren(channelItem("dm:" + state.me, state.bot));
}

function channelItem(channel, label) {
  const classes = ["channel"];
  if (channel === state.channel) classes.push("active");
  if (state.unread.has(channel)) classes.push("unread");
  return el(
    "li",
    {},
    el("button", { class: classes.join(" "), dataChannel: channel, onclick: () => openChannel(channel) }, label)
  );
}

function openChannel(channel) {
  state.channel = channel;
  state.unread.delete(channel);
  state.thread = null;
  const url = new URL(location.href);
  url.searchParams.set("channel", channel);
  history.replaceState(null, "", url);
  render();
}

// ---- messages -----------------------------------------------------------------------------

function initials(name) {
  return name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0].toUpperCase()).join("");
}

function hue(text) {
  let h = 0;
  for (const c of text) h = (h * 31 + c.codePointAt(0)) % 360;
  return h;
}

function repliesLabel(count) {
  return count === 1 ? t("reply_one") : t("reply_many", { count });
}

function repliesTo(rootId) {
  return [...state.messages.values()].filter((m) => m.thread === rootId);
}

// A message with structure (a ticket card, an approval, a poll) is drawn as a card; a note is text.
function isCard(m) {
  return m.title_html || m.fields.length || m.buttons.length || m.choices.length || m.context_html.length;
}

function messageNode(m, { inThread }) {
  const author = m.author;
  const avatar = el("div", { class: "avatar" + (author.role === "bot" ? " bot" : "") }, author.role === "bot" ? "🤖" : initials(author.name));
  if (author.role !== "bot") avatar.style.background = `hsl(${hue(author.id)} 55% 45%)`;
  const time = new Date(m.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  const meta = el(
    "div",
    { class: "meta" },
    el("span", { class: "author" }, author.name),
    author.role ? el("span", { class: "role role-" + author.role }, roleName(author.role)) : null,
    el("time", { datetime: m.at }, time),
    m.private ? el("span", { class: "private" }, t("only_you")) : null
  );
  const content = isCard(m) ? cardNode(m) : el("div", { class: "text", html: m.text_html });
  const replies = inThread ? [] : repliesTo(m.id);
  const threadLink = replies.length
    ? el("button", { class: "thread-link", onclick: () => openThread(m.id) }, repliesLabel(replies.length))
    : null;
  const tools = el(
    "div",
    { class: "tools" },
    !inThread && !m.thread && !m.private ? el("button", { class: "icon reply", title: t("reply_in_thread"), onclick: () => openThread(m.id) }, "💬") : null,
    !m.private ? el("button", { class: "icon react", title: t("make_ticket"), onclick: () => act({ type: "react", message: m.id }) }, "🎫") : null
  );
  return el(
    "article",
    { class: "msg" + (m.private ? " private" : ""), dataId: m.id, dataKind: m.kind || "text", dataAuthor: author.id },
    avatar,
    el("div", { class: "msg-body" }, meta, content, threadLink),
    tools
  );
}

function cardNode(m) {
  return el(
    "div",
    { class: `card accent-${m.accent || "none"}`, dataKind: m.kind || "message" },
    m.title_html ? el("div", { class: "card-title", html: m.title_html }) : null,
    m.text_html ? el("div", { class: "text", html: m.text_html }) : null,
    m.fields.length
      ? el("dl", { class: "fields" }, ...m.fields.flatMap((f) => [el("dt", { html: f.label_html }), el("dd", { html: f.value_html })]))
      : null,
    m.buttons.length
      ? el("div", { class: "buttons" }, ...m.buttons.map((b) => buttonNode(m, b)))
      : null,
    ...m.choices.map((c) => choiceNode(m, c)),
    m.context_html.length
      ? el("div", { class: "context" }, ...m.context_html.map((c) => el("span", { html: c })))
      : null
  );
}

function buttonNode(m, b) {
  return el("button", {
    class: "btn " + b.style,
    dataAction: b.action,
    dataValue: b.value,
    html: b.label_html,
    onclick: (e) => clickOnce(e, { type: "button", message: m.id, action: b.action, value: b.value }),
  });
}

function choiceNode(m, c) {
  return el(
    "div",
    { class: "choice", dataAction: c.action },
    c.label_html ? el("div", { class: "choice-label", html: c.label_html }) : null,
    el(
      "div",
      { class: "options" },
      ...c.options.map((o) =>
        el("button", {
          class: "btn option",
          dataAction: c.action,
          dataValue: o.value,
          html: o.label_html,
          onclick: (e) => clickOnce(e, { type: "choice", message: m.id, action: c.action, value: o.value }),
        })
      )
    )
  );
}

async function clickOnce(e, action) {
  const button = e.currentTarget;
  button.disabled = true;
  await act(action);
  button.disabled = false;
}

// ---- panes --------------------------------------------------------------------------------

function channelTitle(channel) {
  return channel.startsWith("dm:") ? state.bot : "# " + channel;
}

function renderChannel() {
  $("channel-title").textContent = channelTitle(state.channel);
  document.body.dataset.channel = state.channel;
  const list = [...state.messages.values()].filter((m) => m.channel === state.channel && !m.thread);
  const box = $("messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  box.replaceChildren(...list.map((m) => messageNode(m, { inThread: false })));
  if (!list.length) box.append(el("p", { class: "empty" }, t("no_messages")));
  if (atBottom || list.length < 4) box.scrollTop = box.scrollHeight;
  $("composer-text").placeholder = state.channel.startsWith("dm:")
    ? t("placeholder_dm", { bot: state.bot })
    : t("placeholder_channel", { channel: state.channel });
}

function openThread(rootId) {
  state.thread = rootId;
  render();
  $("thread-text").focus();
}

function renderThread() {
  const pane = $("thread-pane");
  const root = state.thread && state.messages.get(state.thread);
  pane.hidden = !root;
  document.body.dataset.thread = root ? root.id : "";
  if (!root) return;
  $("thread-where").textContent = channelTitle(root.channel);
  const box = $("thread-messages");
  box.replaceChildren(
    messageNode(root, { inThread: true }),
    el("div", { class: "divider" }, repliesLabel(repliesTo(root.id).length)),
    ...repliesTo(root.id).map((m) => messageNode(m, { inThread: true }))
  );
  box.scrollTop = box.scrollHeight;
}

function render() {
  renderSidebar();
  renderChannel();
  renderThread();
}

// ---- forms (dialogs) ----------------------------------------------------------------------

function openForm(form) {
  const dialog = $("form-dialog");
  const body = $("form-body");
  const inputs = form.inputs.map((i) => {
    const field =
      i.type === "select"
        ? el("select", { name: i.name, required: !i.optional }, ...i.options.map((o) => el("option", { value: o.value, html: o.label_html })))
        : i.multiline
          ? el("textarea", { name: i.name, rows: 4, required: !i.optional })
          : el("input", { name: i.name, type: "text", required: !i.optional });
    if (i.type !== "select" && i.initial) field.value = i.initial;
    return el("label", { class: "input" }, el("span", { html: i.label_html }), field);
  });
  body.replaceChildren(
    el("h2", { html: form.title_html }),
    ...inputs,
    el(
      "div",
      { class: "dialog-buttons" },
      el("button", { type: "button", class: "btn", onclick: () => { dialog.close(); act({ type: "dismiss", form: form.id }); } }, t("cancel")),
      el("button", { type: "submit", class: "btn primary", html: form.submit_html })
    )
  );
  body.dataset.form = form.form;
  body.onsubmit = async (e) => {
    e.preventDefault();
    const values = Object.fromEntries(new FormData(body).entries());
    if (await act({ type: "form", form: form.id, values })) dialog.close();
  };
  dialog.showModal();
}

// ---- composing ----------------------------------------------------------------------------

function wireComposer(formId, textId, thread) {
  const form = $(formId);
  const text = $(textId);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const value = text.value.trim();
    if (!value) return;
    const target = thread();
    text.value = "";
    const ok = await act({ type: "post", channel: target.channel, thread: target.thread, text: value });
    if (!ok) text.value = value;
  });
  text.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
}

function toast(text, kind = "info") {
  const node = el("div", { class: "toast " + kind, role: "alert" }, text);
  $("toasts").append(node);
  setTimeout(() => node.remove(), 6000);
}

async function switchPersona(id) {
  state.me = id;
  state.generation += 1;
  if (state.socket) state.socket.close();
  localStorage.setItem("playground.persona", id);
  const url = new URL(location.href);
  url.searchParams.set("as", id);
  history.replaceState(null, "", url);
  document.body.dataset.persona = id;
  state.unread.clear();
  await loadState();
  if (state.channel.startsWith("dm:")) state.channel = "dm:" + id;
  translatePage();
  render();
  connect();
}

async function start() {
  const params = new URLSearchParams(location.search);
  const personas = await fetch("/playground/api/personas").then((r) => r.json());
  const wanted = params.get("as") || localStorage.getItem("playground.persona");
  state.channel = params.get("channel") || "customers";
  $("persona").addEventListener("change", (e) => switchPersona(e.target.value));
  $("thread-close").addEventListener("click", () => { state.thread = null; render(); });
  wireComposer("composer", "composer-text", () => ({ channel: state.channel, thread: null }));
  wireComposer("thread-composer", "thread-text", () => {
    const root = state.messages.get(state.thread);
    return { channel: root.channel, thread: root.id };
  });
  await switchPersona(personas.some((p) => p.id === wanted) ? wanted : personas[0].id);
}

start();
