// Forms marked data-outbox (a session feedback, a project message) sent without a connection
// are kept on this device (IndexedDB) and sent when it returns: on the `online` event and at
// the next page load. Each is kept for the person signed in when it was written, and only a
// page of that same person sends it: on a shared computer nobody's text leaves under another
// account. Signing out drops that person's queue.
(() => {
  "use strict";
  const STORE = "forms";

  const opened = new Promise((resolve, reject) => {
    const request = indexedDB.open("ruche-outbox", 1);
    request.onupgradeneeded = () =>
      request.result.createObjectStore(STORE, { keyPath: "key" }).createIndex("owner", "owner");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

  // One IndexedDB transaction, resolved with what `work` put in `out.value` once committed.
  async function within(mode, work) {
    const db = await opened;
    return new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const out = { value: undefined };
      work(tx.objectStore(STORE), out);
      tx.oncomplete = () => resolve(out.value);
      tx.onerror = () => reject(tx.error);
    });
  }

  const owner = () => document.querySelector(".page")?.dataset.outboxOwner || "";
  const entriesOf = (who) =>
    within("readonly", (store, out) => {
      const request = store.index("owner").getAll(who);
      request.onsuccess = () => (out.value = request.result);
    });
  const save = (entry) => within("readwrite", (store) => store.put(entry));
  const remove = (key) => within("readwrite", (store) => store.delete(key));

  function newKey() {
    const bytes = crypto.getRandomValues(new Uint8Array(18));
    return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_");
  }

  // ---- What the page says -------------------------------------------------------------

  function region() {
    return document.getElementById("outbox");
  }

  function say(text, entry) {
    const box = region();
    if (!box) return;
    const line = document.createElement("p");
    line.className = "notice";
    line.textContent = text;
    if (entry) line.dataset.entry = entry.key;
    box.append(line);
  }

  function showRefused(entry) {
    const box = region();
    if (!box || box.querySelector(`[data-entry="${CSS.escape(entry.key)}"]`)) return;
    const block = document.createElement("div");
    block.className = "form-alert outbox-refused";
    block.dataset.entry = entry.key;
    const why = document.createElement("p");
    why.textContent = entry.refused;
    const text = document.createElement("textarea");
    text.readOnly = true;
    text.value = entry.text;
    text.setAttribute("aria-label", entry.refused);
    const dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.className = "secondary outline compact";
    dismiss.textContent = box.dataset.dismiss;
    dismiss.addEventListener("click", () => remove(entry.key).then(() => block.remove()));
    block.append(why, text, dismiss);
    box.append(block);
  }

  async function showKept() {
    const who = owner();
    if (!who || !region()) return;
    for (const entry of await entriesOf(who)) {
      if (entry.state === "refused") showRefused(entry);
      else if (!region().querySelector(`[data-entry="${CSS.escape(entry.key)}"]`)) say(entry.kept, entry);
    }
  }

  function forget(entry) {
    region()?.querySelector(`[data-entry="${CSS.escape(entry.key)}"]`)?.remove();
  }

  // ---- Keeping ------------------------------------------------------------------------

  async function keep(form, body) {
    const fields = [...body].filter(([name, value]) => name !== "csrf_token" && typeof value === "string");
    const entry = {
      key: body.get("idem"),
      owner: owner(),
      action: form.action,
      page: location.href,
      fields,
      text: [...form.querySelectorAll("textarea")].map((area) => area.value).filter(Boolean).join("\n\n"),
      kept: form.dataset.outboxKept,
      sent: form.dataset.outboxSent,
      refused: form.dataset.outboxRefused,
      state: "queued",
    };
    await save(entry);
    form.reset();
    say(entry.kept, entry);
  }

  // Every sending carries a key, the same if it is kept and sent again: the server makes
  // one message of it, whatever became of the first try.
  document.addEventListener("htmx:config:request", (event) => {
    const { form, body } = event.detail.ctx.request;
    if (!form?.matches?.("[data-outbox]") || !owner()) return;
    if (!body.get("idem")) body.set("idem", newKey());
    if (!navigator.onLine) {
      event.preventDefault();
      keep(form, body);
    }
  });

  // A network error (no answer at all), not a refusal: the server's answers show as usual.
  document.addEventListener("htmx:error", (event) => {
    const request = event.detail.ctx?.request;
    if (request?.form?.matches?.("[data-outbox]") && event.detail.error instanceof TypeError && owner()) {
      keep(request.form, request.body);
    }
  });

  // Signing out drops what this person kept: the next one on this computer finds nothing.
  document.addEventListener("submit", (event) => {
    const who = owner();
    if (!event.target.matches?.("[data-outbox-clear]") || !who) return;
    entriesOf(who).then((entries) => Promise.all(entries.map((entry) => remove(entry.key))));
  }, true);

  // ---- Sending ------------------------------------------------------------------------

  // The form's page, fetched now: whose session this browser holds, and its CSRF token.
  async function freshSession(url) {
    const response = await fetch(url, { credentials: "same-origin" });
    const page = new DOMParser().parseFromString(await response.text(), "text/html").querySelector(".page");
    const headers = JSON.parse(page?.getAttribute("hx-headers:inherited") || "{}");
    return { who: page?.dataset.outboxOwner || "", token: headers["X-CSRF-Token"] || "" };
  }

  async function send(entry) {
    let session;
    try {
      session = await freshSession(entry.page);
    } catch {
      return; // still no network: it stays queued
    }
    if (session.who !== entry.owner) return; // not this person's session any more
    const body = new URLSearchParams(entry.fields);
    body.set("csrf_token", session.token);
    let response;
    try {
      response = await fetch(entry.action, {
        method: "POST", body, credentials: "same-origin", redirect: "manual",
        headers: { "X-CSRF-Token": session.token },
      });
    } catch {
      return;
    }
    forget(entry);
    // A redirect is what a form that went through answers; anything else is a refusal.
    if (response.type === "opaqueredirect" || response.ok) {
      await remove(entry.key);
      say(entry.sent);
    } else {
      const refused = { ...entry, state: "refused" };
      await save(refused);
      showRefused(refused);
    }
  }

  // One tab sends at a time (a Web Lock, which a closed tab releases): never the same form
  // twice, and no form left behind by a page that went away while sending.
  function flush() {
    const who = owner();
    if (!who || !navigator.onLine) return;
    navigator.locks.request("ruche-outbox", { ifAvailable: true }, async (lock) => {
      if (!lock) return;
      for (const entry of await entriesOf(who)) {
        if (entry.state === "queued") await send(entry);
      }
    });
  }

  window.addEventListener("online", flush);
  // A boosted navigation brings a new page (an empty #outbox, maybe another person signed
  // in): what is kept shows again, and leaves if it is this person's.
  document.addEventListener("htmx:after:settle", () => showKept().then(flush));
  showKept().then(flush);
})();
