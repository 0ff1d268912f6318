// Live regions: resume after every (re)connection, drop what was already applied,
// and fetch a region again when nudged or when the server can no longer replay what it missed.
//
// A live region carries data-live-channel and data-live-seq (the last event it reflects).
// htmx's hx-ws opens the socket and swaps each message's content; this script keeps the
// cursors, speaks the resume protocol (see realtime/endpoint.py) and runs the re-fetches.
(() => {
  "use strict";

  // After a restart every page comes back: full jitter spreads them over the whole delay
  // instead of one wave. hx-ws waits min(base·2^(n-1), max) ± jitter; a jitter of 1 makes that
  // uniform in [0, 2·min(…)]: the first retry within 1 s, none later than 14 s.
  Object.assign((htmx.config.ws ??= {}), {
    reconnectDelay: 500,
    reconnectMaxDelay: 7000,
    reconnectJitter: 1,
  });

  const cursors = new Map();

  const regions = (channel) =>
    [...document.querySelectorAll("[data-live-channel]")].filter(
      (el) => channel === undefined || el.dataset.liveChannel === channel,
    );

  const seqOf = (el) => Number.parseInt(el?.dataset.liveSeq || "0", 10) || 0;

  function currentCursors() {
    const out = {};
    for (const el of regions()) {
      const channel = el.dataset.liveChannel;
      const seen = Math.max(seqOf(el), cursors.get(channel) ?? 0);
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

  // Re-fetches, one region at a time. Fetches of one region started side by side would each
  // replace the element the first one already replaced, and the newest answer could be the one
  // dropped. So a region has at most one fetch in flight; a nudge that comes meanwhile asks for
  // one more, started after it; and a burst costs one fetch per WINDOW, whatever its size.
  const WINDOW = 150; // ms
  const refetches = new Map(); // region id → {url, partial, started, timer, running, again, …}

  function want(id, url, partial) {
    let state = refetches.get(id);
    if (!state) {
      state = { started: -Infinity, timer: 0, running: false, again: false, failures: 0, done: [] };
      refetches.set(id, state);
    }
    Object.assign(state, { url, partial, again: true });
    const settled = new Promise((resolve) => state.done.push(resolve));
    if (!state.running && !state.timer) plan(id, state);
    return settled;
  }

  // After a failed fetch (network down, server restarting) the region is asked for again,
  // later each time (1, 2, 4… up to 14 s): the nudge that asked for it will not come twice.
  function plan(id, state) {
    const backoff = state.failures ? Math.min(1000 * 2 ** (state.failures - 1), 14000) : 0;
    const wait = Math.max(backoff, state.started + WINDOW - performance.now());
    state.timer = setTimeout(() => run(id, state), wait);
  }

  async function run(id, state) {
    Object.assign(state, { timer: 0, running: true, again: false, started: performance.now() });
    const waiting = state.done.splice(0);
    let seq = null;
    try {
      seq = await refresh(id, state.url, state.partial);
      state.failures = 0;
    } catch {
      state.failures += 1;
      state.again = true;
    } finally {
      state.running = false;
      for (const resolve of waiting) resolve(seq);
      if (state.again) plan(id, state);
    }
  }

  // Fetch the region and swap it in, found by id when the answer is there: the element seen
  // when the fetch started may have been replaced since (a pushed fragment, the page's own
  // request). Returns the data-live-seq of what was fetched, null when there is nothing to show;
  // throws when no answer came.
  async function refresh(id, url, partial) {
    if (!document.getElementById(id)) return null; // the page moved on meanwhile
    const headers = { "HX-Request": "true", "HX-Request-Type": partial ? "partial" : "full" };
    const response = await fetch(url, { headers, cache: "no-store" });
    if (response.status >= 500) throw new Error(`${response.status} for ${url}`);
    if (!response.ok) return null; // gone, or no longer allowed: keep what is shown
    const html = await response.text();
    const fresh = new DOMParser().parseFromString(html, "text/html").getElementById(id);
    if (!fresh) return null;
    const region = document.getElementById(id);
    // Older than what a push already put there: keep the newer one.
    if (region && seqOf(fresh) >= seqOf(region)) await place(region, fresh, url, partial);
    return seqOf(fresh);
  }

  // While someone is typing in a region (a reply, a report, a form left open) its new version
  // waits until they leave it, so nothing half-typed is ever wiped.
  const typing = (el) =>
    el.matches("textarea, input:not([type=hidden]):not([type=radio]):not([type=checkbox])");
  const busy = (region) =>
    (region.contains(document.activeElement) && typing(document.activeElement)) ||
    [...region.querySelectorAll("textarea, input")].some(
      (el) => typing(el) && el.value !== el.defaultValue,
    );
  const held = new WeakSet();

  async function place(region, fresh, url, partial) {
    if (!busy(region)) {
      await htmx.swap({ target: region, text: fresh.outerHTML, swap: "outerHTML", transition: false });
      return;
    }
    if (held.has(region)) return; // already waiting for them to leave it
    held.add(region);
    const later = () =>
      setTimeout(() => {
        if (busy(region)) return;
        region.removeEventListener("focusout", later);
        region.removeEventListener("input", later);
        held.delete(region);
        want(region.id, url, partial); // what is newest by then, not what was held
      }, 50);
    region.addEventListener("focusout", later);
    region.addEventListener("input", later);
  }

  // The server can no longer replay what this page missed: fetch the channel's regions as the
  // page shows them, then resume from the oldest of what came back.
  async function resync(channel, connection) {
    const page = location.pathname + location.search;
    const ids = regions(channel).map((el) => el.id).filter(Boolean);
    const seqs = await Promise.all(ids.map((id) => want(id, page, false)));
    const fetched = seqs.filter((seq) => seq !== null);
    cursors.set(channel, fetched.length ? Math.min(...fetched) : 0);
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
      resync(message.ch, detail.connection);
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

  // A nudge (community/templating.py refetch_nudge) lands in #live-nudges: its work is one
  // re-fetch of its region, by the address it names.
  document.addEventListener("htmx:ws:after:message:incoming", () => {
    for (const nudge of document.querySelectorAll("#live-nudges > [data-refetch]")) {
      nudge.remove();
      want(nudge.dataset.refetch, nudge.dataset.url, true);
    }
  });

  // A region swapped in by the page itself (navigation, re-fetch) brings its own cursor.
  document.addEventListener("htmx:after:swap", () => {
    for (const el of regions()) {
      const rendered = seqOf(el);
      if (rendered > (cursors.get(el.dataset.liveChannel) ?? 0)) {
        cursors.set(el.dataset.liveChannel, rendered);
      }
    }
  });
})();
