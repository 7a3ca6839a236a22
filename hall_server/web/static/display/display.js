/* Hall display: snapshot first, then the event stream from the snapshot's seq.
 *
 * - Auth: the display token comes from this page's URL (?token=); fetch sends it as
 *   a bearer header, EventSource (which cannot send headers) as access_token.
 * - Resume: EventSource reconnects by itself and sends Last-Event-ID, so the server
 *   replays every event missed during a blip. If the browser gives up (the server
 *   answered with an error while restarting) the stream is reopened here with
 *   since=<last seq>, with backoff. A periodic snapshot also checks that no call
 *   was missed (a stalled connection that looks open) and reopens the stream if so.
 * - Every call is flashed; a recall flashes again and says 再次呼叫.
 * - Zones: ?zone=CODE keeps only that zone's categories and windows.
 * Text goes in with textContent only: nothing from the server is parsed as HTML.
 */
(function () {
  "use strict";

  var cfg = JSON.parse(document.getElementById("hall-config").textContent);
  var params = new URLSearchParams(location.search);
  var token = params.get("token") || "";
  var zone = cfg.zone ? cfg.zone.code : null;
  var settings = cfg.display;
  var windowsById = {};
  cfg.windows.forEach(function (w) { windowsById[w.id] = w; });
  var zoneWindows = cfg.windows.filter(function (w) { return !zone || w.zone === zone; });
  var zoneCategories = cfg.categories.filter(function (c) { return !zone || c.zone === zone; });
  var EVENT_TYPES = ["ticket.issued", "ticket.called", "ticket.recalled", "ticket.serving", "ticket.suspended",
    "ticket.done", "ticket.no_show", "ticket.requeued", "ticket.transferred", "ticket.cancelled",
    "window.state", "window.categories", "window.clerk"];

  var state = {
    seq: 0,              // last event seq handled (any type)
    callSeq: 0,          // last call event seq seen, any zone: the stall check compares it
    calls: [],           // newest first: {seq, number, window_id, window_number, recalled, at}
    waiting: {},         // category code -> {waiting, est_wait_min}
    windows: {},         // window id -> snapshot view
    offsetMs: 0,         // server time minus this TV's clock
    source: null,
    retryMs: 1000,
    started: false
  };

  function $(id) { return document.getElementById(id); }

  function inZone(windowId) {
    var w = windowsById[windowId];
    return !zone || (w && w.zone === zone);
  }

  function fill(template, number, windowNumber) {
    return template.split("{number}").join(number).split("{window}").join(String(windowNumber));
  }

  // ---- server ---------------------------------------------------------------
  function AuthError() {}

  function api(path) {
    return fetch("/api/v1" + path, { headers: { Authorization: "Bearer " + token }, cache: "no-store" })
      .then(function (r) {
        if (r.status === 401 || r.status === 403) { throw new AuthError(); }
        if (!r.ok) { throw new Error("HTTP " + r.status); }
        return r.json();
      });
  }

  function showOverlay(zh, en) {
    $("overlay-zh").textContent = zh;
    $("overlay-en").textContent = en;
    $("overlay").hidden = false;
  }

  function setLink(status) {
    document.body.dataset.stream = status;
    $("link-state").textContent = { live: "实时", reconnecting: "重新连接中…", connecting: "连接中…" }[status] || status;
  }

  // ---- snapshot -----------------------------------------------------------------
  function loadSnapshot() {
    return api("/queue").then(applySnapshot);
  }

  function applySnapshot(snap) {
    state.offsetMs = Date.parse(snap.time) - Date.now();
    snap.categories.forEach(function (c) { state.waiting[c.code] = c; });
    snap.windows.forEach(function (w) { state.windows[w.id] = w; });
    var serverNow = Date.now() + state.offsetMs, stalled = false;
    var missed = snap.recent_calls.filter(function (c) { return c.seq > state.callSeq; });
    if (!state.started) {
      state.seq = snap.seq;
      missed.slice().reverse().forEach(function (c) { addCall(callOf(c), false); });
    } else if (missed.some(function (c) { return serverNow - Date.parse(c.at) > 3000; })) {
      // Calls went by seconds ago and the stream did not bring them: it has stalled
      // though it looks open. Show them now and reopen the stream from our seq.
      missed.slice().reverse().forEach(function (c) { addCall(callOf(c), true); });
      stalled = true;
    }
    renderWaiting();
    renderWindows();
    return stalled;
  }

  function refresh() {
    loadSnapshot().then(function (stalled) {
      if (stalled && state.source) { reconnect(0); }
    }).catch(function () {});
  }

  function callOf(c) {
    return { seq: c.seq, number: c.number, window_id: c.window_id, window_number: c.window_number,
      recalled: !!c.recalled, at: c.at };
  }

  // ---- event stream -------------------------------------------------------------
  function connect() {
    var url = "/api/v1/events?since=" + state.seq + "&access_token=" + encodeURIComponent(token);
    if (state.source) { state.source.close(); }
    var source = new EventSource(url);
    state.source = source;
    source.onopen = function () { state.retryMs = 1000; setLink("live"); };
    source.onerror = function () {
      if (state.source !== source) { return; }
      setLink("reconnecting");
      if (source.readyState === EventSource.CLOSED) { reconnect(state.retryMs); }
    };
    EVENT_TYPES.forEach(function (type) { source.addEventListener(type, onEvent); });
  }

  function reconnect(delay) {
    if (state.source) { state.source.close(); state.source = null; }
    state.retryMs = Math.min(state.retryMs * 2, 15000);
    setTimeout(function () {
      // Through the snapshot first: it tells a revoked token from a server still down.
      loadSnapshot().then(function () {
        state.retryMs = 1000 + Math.random() * 1000;   // the server answers: retry the stream soon
        connect();
      }).catch(function (error) {
        if (error instanceof AuthError) {
          showOverlay("显示屏令牌无效或已停用，请联系管理员", "The display token is not valid; ask the hall administrator");
        } else {
          reconnect(state.retryMs);
        }
      });
    }, delay);
  }

  function onEvent(message) {
    var event;
    try { event = JSON.parse(message.data); } catch (e) { return; }
    if (typeof event.seq !== "number" || event.seq <= state.seq) { return; }   // replayed
    state.seq = event.seq;
    document.body.dataset.seq = String(event.seq);
    setLink("live");
    var data = event.data || {};
    if ((event.type === "ticket.called" || event.type === "ticket.recalled") && event.seq > state.callSeq) {
      state.callSeq = event.seq;   // not above: already shown from a snapshot
      if (inZone(data.window_id)) {
        addCall({ seq: event.seq, number: data.number, window_id: data.window_id, window_number: data.window_number,
          recalled: event.type === "ticket.recalled", at: event.at }, true);
      }
    }
    countWaiting(event.type, data);
    followWindow(event.type, data);
  }

  // Waiting counts move with the events that certainly change them; the periodic
  // snapshot corrects the rest and brings the estimated waits. (Asking for a
  // snapshot on every event would make a hall of displays hammer the server.)
  var WAITING_DELTA = { "ticket.issued": 1, "ticket.called": -1, "ticket.requeued": 1, "ticket.transferred": 1 };

  function countWaiting(type, data) {
    var figures = state.waiting[data.category];
    if (!figures || !WAITING_DELTA[type]) { return; }
    figures.waiting = Math.max(0, figures.waiting + WAITING_DELTA[type]);
    renderWaiting();
  }

  function followWindow(type, data) {
    var view = state.windows[type === "ticket.transferred" ? data.from_window : data.window_id];
    if (!view) { return; }
    var ticket = view.current_ticket;
    if (type === "ticket.called" || type === "ticket.recalled") {
      view.current_ticket = { number: data.number, state: "called" };
    } else if (type === "ticket.serving" && ticket) {
      ticket.state = "serving";
    } else if (/^ticket\.(done|no_show|cancelled|transferred)$/.test(type) && ticket && ticket.number === data.number) {
      view.current_ticket = null;
    } else if (type === "window.state") {
      view.state = data.state;
    } else {
      return;
    }
    renderWindows();
  }

  // ---- calls --------------------------------------------------------------------
  function addCall(call, flash) {
    state.callSeq = Math.max(state.callSeq, call.seq);
    if (!inZone(call.window_id)) { return; }
    state.calls = state.calls.filter(function (c) { return c.number !== call.number; });
    state.calls.unshift(call);
    state.calls = state.calls.slice(0, settings.recent_calls);
    renderNow(flash);
    renderRecent(flash);
  }

  function restartAnimation(element, className) {
    element.classList.remove(className);
    void element.offsetWidth;   // reflow, so the same class starts the animation again
    element.style.setProperty("--flash-count", String(settings.flash_seconds));
    element.classList.add(className);
  }

  function renderNow(flash) {
    var call = state.calls[0];
    if (!call) { return; }
    $("now-empty").hidden = true;
    $("now-call").hidden = false;
    $("now-number").textContent = call.number;
    $("now-window").textContent = String(call.window_number);
    $("recall-badge").hidden = !call.recalled;
    $("caption").textContent = fill(cfg.call_text, call.number, call.window_number);
    $("now").dataset.number = call.number;
    $("now").dataset.seq = String(call.seq);
    fitNow();
    if (flash) { restartAnimation($("now"), "flash"); }
  }

  function renderRecent(flash) {
    var list = $("recent");
    list.textContent = "";
    if (!state.calls.length) {
      var empty = document.createElement("li");
      empty.className = "recent-empty";
      empty.textContent = "暂无叫号";
      list.appendChild(empty);
      return;
    }
    state.calls.forEach(function (call, index) {
      var row = document.createElement("li");
      row.dataset.number = call.number;
      var num = document.createElement("span");
      num.className = "num";
      num.textContent = call.number;
      if (call.recalled) {
        var tag = document.createElement("span");
        tag.className = "tag";
        tag.textContent = "重呼";
        num.appendChild(tag);
      }
      var win = document.createElement("span");
      win.className = "win";
      win.textContent = String(call.window_number);
      var unit = document.createElement("small");
      unit.textContent = "号窗口";
      win.appendChild(unit);
      row.appendChild(num);
      row.appendChild(win);
      list.appendChild(row);
      if (flash && index === 0) { restartAnimation(row, "flash-row"); }
    });
    fitRecent();
  }

  // ---- waiting and windows ---------------------------------------------------------
  function renderWaiting() {
    var list = $("waiting");
    list.textContent = "";
    zoneCategories.forEach(function (category) {
      var figures = state.waiting[category.code] || { waiting: 0, est_wait_min: 0 };
      var item = document.createElement("li");
      item.dataset.category = category.code;
      item.dataset.waiting = String(figures.waiting);
      var title = span("title", "");
      title.appendChild(span("prefix", category.prefix));
      title.appendChild(span("name", category.name));
      item.appendChild(title);
      var line = span("figures", "");
      line.appendChild(figure("等候", figures.waiting, "人"));
      line.appendChild(figure("约", figures.est_wait_min, "分钟"));
      item.appendChild(line);
      list.appendChild(item);
    });
    fitNames(list);
  }

  // A long name or a three-digit wait gets a smaller font before it is cut off.
  function fitNames(list) {
    Array.prototype.forEach.call(list.querySelectorAll(".name, .figures"), function (name) {
      var size = parseFloat(getComputedStyle(name).fontSize), floor = window.innerHeight * 0.02;
      while (name.scrollWidth > name.clientWidth && size > floor) {
        size -= 1;
        name.style.fontSize = size + "px";
      }
    });
  }

  function renderWindows() {
    var panel = $("windows");
    if (!zone || zoneWindows.length > 8) { return; }
    document.body.classList.add("has-windows");
    panel.hidden = false;
    panel.textContent = "";
    zoneWindows.forEach(function (w) {
      var view = state.windows[w.id] || {};
      var ticket = view.current_ticket;
      var tile = document.createElement("div");
      var status = view.state === "paused" ? "paused" : view.state === "closed" ? "closed" : ticket ? "busy" : "idle";
      tile.className = "window-tile " + status;
      tile.dataset.window = w.id;
      tile.appendChild(span("wn", w.number + " 号窗口"));
      var text = { paused: "暂停服务", closed: "未开放", idle: "空闲" }[status] || ticket.number;
      tile.appendChild(span("wt", text));
      panel.appendChild(tile);
    });
  }

  function span(className, text) {
    var element = document.createElement("span");
    element.className = className;
    element.textContent = text;
    return element;
  }

  function figure(before, value, after) {
    var element = document.createElement("span");
    var number = document.createElement("b");
    number.textContent = String(value);
    element.appendChild(document.createTextNode(before));
    element.appendChild(number);
    element.appendChild(document.createTextNode(after));
    return element;
  }

  // Shrink the current call to fit its panel (a 3-digit window, a long number).
  function fitNow() {
    var call = $("now-call");
    call.style.setProperty("--fit", "1");
    var need = 0, gap = parseFloat(getComputedStyle(call).columnGap) || 0;
    Array.prototype.forEach.call(call.children, function (child) { need += child.offsetWidth + gap; });
    var room = $("now").clientWidth * 0.92;
    if (need > room) { call.style.setProperty("--fit", String(room / need)); }
  }

  // Drop the rows of the recent list that would be cut off at the bottom.
  function fitRecent() {
    var list = $("recent");
    while (list.children.length > 1 && list.scrollHeight > list.clientHeight + 3) {   // 3 px: sub-pixel borders
      list.removeChild(list.lastChild);
    }
  }

  // ---- clock and ticker -----------------------------------------------------------
  var WEEKDAYS = ["日", "一", "二", "三", "四", "五", "六"];

  function hallOffsetMinutes() {
    var m = /^([+-])(\d\d):(\d\d)$/.exec(cfg.hall.timezone || "+08:00");
    return m ? (m[1] === "-" ? -1 : 1) * (parseInt(m[2], 10) * 60 + parseInt(m[3], 10)) : 480;
  }

  function tick() {
    var t = new Date(Date.now() + state.offsetMs + hallOffsetMinutes() * 60000);
    function two(n) { return (n < 10 ? "0" : "") + n; }
    $("date").textContent = t.getUTCFullYear() + "年" + (t.getUTCMonth() + 1) + "月" + t.getUTCDate() + "日 星期" +
      WEEKDAYS[t.getUTCDay()];
    $("time").textContent = two(t.getUTCHours()) + ":" + two(t.getUTCMinutes()) + ":" + two(t.getUTCSeconds());
  }

  function startTicker() {
    var text = $("ticker-text");
    text.textContent = (cfg.hall.notices || []).join("　　◆　　");
    var distance = text.scrollWidth;   // its width includes the lead-in of one ticker width
    var duration = Math.max(10, distance / settings.ticker_speed);
    text.style.setProperty("--ticker-duration", duration + "s");
    // Start with the first notice already on screen rather than an empty bar.
    text.style.setProperty("--ticker-delay", -($("ticker").clientWidth * 0.85 / settings.ticker_speed) + "s");
  }

  // ---- start --------------------------------------------------------------------
  function start() {
    tick();
    setInterval(tick, 1000);
    startTicker();
    renderWaiting();
    renderRecent(false);
    if (!token) {
      showOverlay("显示屏未授权：请在地址后加上 ?token=显示屏令牌", "Display not authorised: add ?token=<display token> to the address");
      return;
    }
    var attempt = function (delay) {
      loadSnapshot().then(function () {
        state.started = true;
        connect();
        setInterval(refresh, settings.refresh_seconds * 1000);
      }).catch(function (error) {
        if (error instanceof AuthError) {
          showOverlay("显示屏令牌无效或已停用，请联系管理员", "The display token is not valid; ask the hall administrator");
          return;
        }
        setLink("reconnecting");
        setTimeout(function () { attempt(Math.min(delay * 2, 15000)); }, delay);
      });
    };
    attempt(1000);
  }

  start();
})();
