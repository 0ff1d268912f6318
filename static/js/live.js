// Live regions: resume after every (re)connection, drop what was already applied,
// and fetch a region again when the server can no longer replay what it missed.
//
// A live region carries data-live-channel and data-live-seq (the last event it reflects).
// htmx's hx-ws opens the socket and swaps each message's content; this script keeps the
// cursors and speaks the resume protocol (see realtime/endpoint.py).
(() => {
  "use strict";
  const cursors = new Map();

  const regions = (channel) =>
    [...document.querySelectorAll("[data-live-channel]")].filter(
      (el) => channel === undefined || el.dataset.liveChannel === channel,
    );

  function currentCursors() {
    const out = {};
    for (const el of regions()) {
      const channel = el.dataset.liveChannel;
      const rendered = Number.parseInt(el.dataset.liveSeq || "0", 10) || 0;
      const seen = Math.max(rendered, cursors.get(channel) ?? 0);
      cursors.set(channel, seen);
      out[channel] = seen;
    }
    return out;
  }

  function send(connection, cursorsToSend) {
    const socket = connection.socket;
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type: "resume", cursors: cursorsToSend }));
    }
  }

  async function refetch(channel, connection) {
    for (const el of regions(channel)) {
      if (!el.id) continue;
      await htmx.ajax("GET", location.pathname, {
        target: `#${CSS.escape(el.id)}`,
        select: `#${CSS.escape(el.id)}`,
        swap: "outerHTML",
      });
    }
    const fresh = regions(channel)[0];
    cursors.set(channel, Number.parseInt(fresh?.dataset.liveSeq || "0", 10) || 0);
    send(connection, { [channel]: cursors.get(channel) });
  }

  document.addEventListener("htmx:ws:after:connection", (event) => {
    send(event.detail.connection, currentCursors());
  });

  document.addEventListener("htmx:ws:before:message:incoming", (event) => {
    const detail = event.detail;
    let message;
    try {
      message = JSON.parse(detail.message.data);
    } catch {
      return;
    }
    if (message.type === "resync") {
      detail.cancelled = true;
      refetch(message.ch, detail.connection);
    } else if (message.type === "denied") {
      detail.cancelled = true;
    } else if (typeof message.seq === "number") {
      if (message.seq <= (cursors.get(message.ch) ?? 0)) {
        detail.cancelled = true; // already applied: a replay after reconnect
        return;
      }
      cursors.set(message.ch, message.seq);
    }
  });

  // A pushed nudge fetches a region again; while someone is typing in that region (a reply,
  // a report, a form left open) the new version waits until they leave it, so nothing
  // half-typed is ever wiped.
  const typing = (el) =>
    el.matches("textarea, input:not([type=hidden]):not([type=radio]):not([type=checkbox])");
  const busy = (region) =>
    (region.contains(document.activeElement) && typing(document.activeElement)) ||
    [...region.querySelectorAll("textarea, input")].some(
      (el) => typing(el) && el.value !== el.defaultValue,
    );

  document.addEventListener("htmx:before:swap", (event) => {
    const ctx = event.detail.ctx;
    const nudge = ctx.sourceElement;
    if (!nudge?.closest?.("#live-nudges")) return;
    nudge.remove(); // its work is this one fetch
    const region = ctx.target;
    if (!(region instanceof Element) || !busy(region)) return;
    event.preventDefault();
    const retry = () => {
      if (busy(region)) return;
      region.removeEventListener("focusout", later);
      region.removeEventListener("input", later);
      htmx.ajax("GET", ctx.request.action, {
        target: `#${CSS.escape(region.id)}`,
        select: `#${CSS.escape(region.id)}`,
        swap: "outerHTML",
      });
    };
    const later = () => setTimeout(retry, 50);
    region.addEventListener("focusout", later);
    region.addEventListener("input", later);
  });

  // A region swapped in by the page itself (navigation, re-fetch) brings its own cursor.
  document.addEventListener("htmx:after:swap", () => {
    for (const el of regions()) {
      const rendered = Number.parseInt(el.dataset.liveSeq || "0", 10) || 0;
      if (rendered > (cursors.get(el.dataset.liveChannel) ?? 0)) {
        cursors.set(el.dataset.liveChannel, rendered);
      }
    }
  });
})();
