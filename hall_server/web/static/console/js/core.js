// Shared by every console page: messages, the API client, the session, formatting
// and a small DOM builder. No data is ever written with innerHTML.

const STRINGS = JSON.parse(document.getElementById("i18n").textContent);
export const LANG = document.documentElement.lang;

/** The catalogue text of `key`, `{name}` placeholders filled from `params`. */
export function t(key, params = {}) {
  let text = STRINGS[key];
  if (text === undefined) {
    console.warn("missing message", key);
    text = key;
  }
  for (const [name, value] of Object.entries(params)) text = text.split(`{${name}}`).join(String(value));
  return text;
}

/** `t(key)` if the catalogue has it, else `fallback`. */
export function tOr(key, fallback, params = {}) {
  return key in STRINGS ? t(key, params) : fallback;
}

// -- session --------------------------------------------------------------
const KEY = "hallterm.console.session";

export const session = {
  get() {
    try { return JSON.parse(sessionStorage.getItem(KEY)) || null; } catch { return null; }
  },
  set(value) { sessionStorage.setItem(KEY, JSON.stringify(value)); },
  clear() { sessionStorage.removeItem(KEY); },
  token() { return this.get()?.token || null; },
};

export function toLogin() {
  const next = encodeURIComponent(location.pathname + location.search);
  location.replace(`/console/login?next=${next}`);
}

// -- API ---------------------------------------------------------------------
export class ApiError extends Error {
  constructor(status, body) {
    const err = body?.error || {};
    super(LANG === "en" ? (err.message_en || err.message || `HTTP ${status}`) : (err.message || `HTTP ${status}`));
    this.status = status;
    this.code = err.code || "http_" + status;
  }
}

let counter = 0;
/** A fresh idempotency key for one user action (retries of it reuse the key). */
export function requestId(action) {
  counter += 1;
  return `console-${action}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Call the hall API with the session token; 401 sends the user to the login page. */
export async function api(method, path, body, { raw = false } = {}) {
  const headers = { Accept: raw ? "*/*" : "application/json" };
  const token = session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  const init = { method, headers };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(`/api/v1${path}`, init);
  } catch {
    throw new ApiError(0, { error: { message: t("error.network"), message_en: t("error.network") } });
  }
  if (response.status === 401 && !path.startsWith("/auth/login")) {
    session.clear();
    toLogin();
  }
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));
  return raw ? response : response.json();
}

// -- formatting ---------------------------------------------------------------
export const fmt = {
  minutes(seconds) {
    return seconds === null || seconds === undefined ? "—" : t("unit.minutes", { n: (seconds / 60).toFixed(1) });
  },
  count(n) { return n === null || n === undefined ? "—" : String(n); },
  percent(fraction) { return fraction === null || fraction === undefined ? "—" : `${(fraction * 100).toFixed(1)}%`; },
  time(iso) { return iso ? iso.slice(11, 16) : "—"; },
  dateTime(iso) { return iso ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : "—"; },
};

// -- DOM ---------------------------------------------------------------------
/** Build an element: h("td", {class: "x", onclick: fn}, "text", child...). */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export function replaceChildren(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

/** A short message at the bottom of the screen; errors stay longer. */
export function toast(message, kind = "info") {
  const box = document.getElementById("toast");
  const item = h("div", { class: `toast-item ${kind}`, role: kind === "error" ? "alert" : "status" }, message);
  box.append(item);
  setTimeout(() => item.remove(), kind === "error" ? 8000 : 3500);
}

/** Run an action, report its error as a toast, return whether it succeeded. */
export async function attempt(action, doneMessage) {
  try {
    await action();
    if (doneMessage) toast(doneMessage, "ok");
    return true;
  } catch (err) {
    toast(err.message, "error");
    return false;
  }
}

/** Open a <dialog>; resolves with the submitted FormData, or null when cancelled. */
export function ask(dialog) {
  const form = dialog.querySelector("form");
  form.reset();
  dialog.querySelectorAll(".form-error").forEach((e) => (e.textContent = ""));
  return new Promise((resolve) => {
    const close = () => { dialog.removeEventListener("close", close); resolve(dialog.returnValue === "ok" ? new FormData(form) : null); };
    dialog.addEventListener("close", close);
    dialog.returnValue = "";
    dialog.showModal();
  });
}

// The language links keep the page's other query parameters (a report's date, the
// login page's `next`); the server remembers the choice in a cookie.
for (const link of document.querySelectorAll("a.lang")) {
  const url = new URL(location.href);
  url.searchParams.set("lang", link.getAttribute("lang"));
  link.href = url.pathname + url.search;
}

/** Ask a yes/no question in the page's confirm dialog; resolves true on yes. */
export async function confirmed(title, text) {
  const dialog = document.getElementById("confirm-dialog");
  dialog.querySelector(".dialog-title").textContent = title;
  dialog.querySelector(".confirm-text").textContent = text;
  return (await ask(dialog)) !== null;
}
