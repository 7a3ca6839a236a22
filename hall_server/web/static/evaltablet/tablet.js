// The window's evaluation tablet (hall_server/web/evaltablet.py): follows the hall's events,
// asks the resident to rate each ticket its window finishes (一次一评), posts the rating with
// channel "web" and one request_id per rating (reused on every retry, so it counts once),
// and reports 未评 when nobody rates in time or the resident declines.
(function () {
  "use strict";
  const cfg = JSON.parse(document.getElementById("config").textContent);
  const token = new URLSearchParams(location.search).get("token") || "";
  const $ = (id) => document.getElementById(id);
  const PAGES = ["idle", "ask", "reasons", "thanks"];
  let prompt = null;          // {id, number, level, reasons: Set, left, requestId}
  let ticker = null;
  let home = null;

  function requestId() {      // crypto.randomUUID needs a secure context; a hall LAN is plain http
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function call(method, path, body) {
    return fetch("/api/v1" + path, {
      method, headers: {"Authorization": "Bearer " + token, "Content-Type": "application/json"},
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  // Retry network failures and 5xx with the same body (same request_id); settle on any 2xx/4xx.
  async function deliver(method, path, body) {
    for (let attempt = 0; attempt < 8; attempt += 1) {
      try {
        const reply = await call(method, path, body);
        if (reply.status < 500) return reply;
      } catch (error) { /* offline: try again */ }
      await new Promise((done) => setTimeout(done, Math.min(8000, 500 * 2 ** attempt)));
    }
    return null;
  }

  function show(page) {
    PAGES.forEach((name) => { $(name).hidden = name !== page; });
  }

  function idle() {
    clearInterval(ticker);
    prompt = null;
    show("idle");
  }

  function ask(id, number) {
    clearTimeout(home);
    clearInterval(ticker);
    prompt = {id, number, level: null, reasons: new Set(), left: cfg.timeout_s, requestId: requestId()};
    $("number").textContent = number;
    $("comment").value = "";
    render();
    show("ask");
    ticker = setInterval(tick, 1000);
  }

  function tick() {
    if (!prompt) return;
    prompt.left -= 1;
    if (prompt.left <= 0) {
      unrated("timeout");
      return;
    }
    render();
  }

  function render() {
    if (!prompt) return;
    $("countdown").textContent = prompt.left + " 秒后自动结束 · closes in " + prompt.left + " s";
    const level = cfg.levels.find((l) => l.level === prompt.level);
    $("chosen").textContent = level ? "您的评价：" + "★".repeat(level.level) + " " + level.zh : "";
    document.querySelectorAll(".reason").forEach((button) => {
      button.setAttribute("aria-pressed", prompt.reasons.has(button.dataset.reason) ? "true" : "false");
    });
    const missing = prompt.level !== null && prompt.level <= 2 && prompt.reasons.size === 0;
    $("hint").textContent = missing ? "请至少选择一个原因 · choose at least one reason" : "";
    $("submit").disabled = missing;
  }

  function choose(level) {
    if (!prompt) return;
    prompt.level = level;
    if (level > 2) {
      prompt.reasons.clear();
      send();
    } else {
      render();
      show("reasons");
    }
  }

  async function send() {
    const sent = prompt;
    prompt = null;
    clearInterval(ticker);
    show("thanks");
    home = setTimeout(idle, cfg.thanks_s * 1000);
    const body = {ticket_id: sent.id, level: sent.level, reasons: Array.from(sent.reasons), channel: "web",
                  request_id: sent.requestId};
    const comment = $("comment").value.trim();
    if (comment) body.comment = comment;
    await deliver("POST", "/evaluations", body);
  }

  async function unrated(reason) {
    const missed = prompt;
    idle();
    if (missed) {
      await deliver("POST", "/evaluations/" + encodeURIComponent(missed.id) + "/unrated",
                    {reason, channel: "web", request_id: missed.requestId + "-unrated"});
    }
  }

  async function loadClerk() {
    try {
      const reply = await call("GET", "/counter/duty");
      if (!reply.ok) return;
      const person = (await reply.json()).on_duty;
      if (!person) return;
      const name = person.display_name || person.username;
      $("clerk-name").textContent = name;
      $("avatar").textContent = name.charAt(0);
      $("clerk-meta").textContent = "工号 " + (person.staff_no || "—") + " · " + cfg.window.name;
    } catch (error) { /* keeps the window's name */ }
  }

  async function follow() {
    let since = 0;
    try {
      const reply = await call("GET", "/queue");
      if (reply.ok) since = (await reply.json()).seq || 0;
    } catch (error) { /* start from 0: EventSource retries */ }
    const stream = new EventSource("/api/v1/events?since=" + since + "&access_token=" + encodeURIComponent(token));
    stream.onopen = () => { $("link").className = "ok"; $("link").textContent = "● 已连接"; };
    stream.onerror = () => { $("link").className = "lost"; $("link").textContent = "● 连接中断，重连中"; };
    stream.addEventListener("ticket.done", (event) => {
      const data = (JSON.parse(event.data) || {}).data || {};
      if (data.window_id === cfg.window.id && data.id) ask(data.id, data.number || "");
    });
    stream.addEventListener("window.clerk", (event) => {
      const data = (JSON.parse(event.data) || {}).data || {};
      if (data.window_id === cfg.window.id) loadClerk();
    });
  }

  document.querySelectorAll(".level").forEach((button) => {
    button.addEventListener("click", () => choose(Number(button.dataset.level)));
  });
  document.querySelectorAll(".reason").forEach((button) => {
    button.addEventListener("click", () => {
      if (!prompt) return;
      const reason = button.dataset.reason;
      if (prompt.reasons.has(reason)) prompt.reasons.delete(reason); else prompt.reasons.add(reason);
      render();
    });
  });
  $("submit").addEventListener("click", () => { if (prompt && !$("submit").disabled) send(); });
  $("back").addEventListener("click", () => { if (prompt) { prompt.level = null; prompt.reasons.clear(); render(); show("ask"); } });
  $("decline").addEventListener("click", () => unrated("declined"));
  loadClerk();
  follow();
})();
