// A project's regions are rendered once per role and pushed alike to all its readers: what is
// a reader's own is applied here, from the page's #viewer (rendered for this reader alone,
// outside the regions). A style sheet built from it keeps applying to every region swapped in
// later; nothing in the regions is rewritten but the expiry of the edit window.
(() => {
  "use strict";
  const sheet = new CSSStyleSheet();
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];

  const quoted = (text) => `"${CSS.escape(text)}"`;

  function rules(viewer) {
    const me = quoted(viewer.dataset.reader);
    const out = [
      `[data-author=${me}] .own-only { display: contents; }`,
      `[data-author=${me}] .others-only { display: none; }`,
    ];
    if (viewer.dataset.supported) {
      out.push(".supported-note { display: block; }", ".support-form { display: none; }");
    }
    for (const id of (viewer.dataset.flagged || "").split(" ").filter(Boolean)) {
      const message = `#message-${CSS.escape(id)}`;
      out.push(`${message} .flagged-note { display: block; }`);
      out.push(`${message} .others-only { display: none; }`);
    }
    return out.join("\n");
  }

  // The edit window closes while the page is open: its control goes.
  function expire() {
    const now = Date.now() / 1000;
    for (const el of document.querySelectorAll("[data-edit-until]:not([data-expired])")) {
      if (Number(el.dataset.editUntil) <= now) el.dataset.expired = "";
    }
  }

  function apply() {
    const viewer = document.getElementById("viewer");
    sheet.replaceSync(viewer ? rules(viewer) : "");
    expire();
  }

  // A region pushed to many readers carries no one's CSRF token: a form sent without htmx
  // (which sends the page's token as a header) takes the page's.
  document.addEventListener(
    "submit",
    (event) => {
      const token = document.getElementById("viewer")?.dataset.csrf;
      const field = event.target.querySelector?.('input[name="csrf_token"]');
      if (token && field && !field.value) field.value = token;
    },
    true,
  );

  // What the reader is typing is theirs too. A pushed region replaces the markup it arrives
  // in: the drafts in live regions, the <details> they are open in and the focus are carried
  // over to the new region, so that nothing half-typed is ever wiped. The boxes the reader
  // folded or unfolded (a thread's replies) stay as they left them.
  const typed =
    "[data-live-channel] textarea[id], " +
    "[data-live-channel] input[id]:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=file])";
  // What a form held is no draft once its answer is being swapped in (its text was sent and
  // the answer decides what the box holds), even where a push has put the same form (same id)
  // in the page meanwhile: a form's id → how many of its answers are being swapped in.
  const answering = new Map();
  const pushes = new Set(); // what each push under way found, until it is put back

  function answer(form, by) {
    const count = (answering.get(form) ?? 0) + by;
    if (count > 0) answering.set(form, count);
    else answering.delete(form);
    for (const found of pushes) found.drafts = found.drafts.filter((d) => !answering.has(d.form));
  }

  function keep(sent) {
    const drafts = [...document.querySelectorAll(typed)]
      .filter((field) => !sent?.contains(field) && !answering.has(field.form?.id))
      .filter((field) => field.value !== field.defaultValue || field === document.activeElement)
      .map((field) => ({
        id: field.id,
        value: field.value,
        focused: field === document.activeElement,
        selection: [field.selectionStart, field.selectionEnd],
        form: field.form?.id,
      }));
    const folded = new Map(
      [...document.querySelectorAll("[data-live-channel] details[id]")].map((box) => [
        box.id,
        box.open,
      ]),
    );
    return { drafts, folded };
  }

  // The focus is carried over too when a swap takes away the element that had it (the message
  // just edited, a button): its replacement, the element with the same id, gets it, whichever
  // of overlapping swaps came last. A reader who moves the focus away leaves nothing to restore.
  let focusedId = null;
  document.addEventListener("focusin", (event) => {
    const el = event.target;
    focusedId = el.id && el.closest?.("[data-live-channel]") ? el.id : null;
  });
  document.addEventListener("focusout", (event) => {
    const el = event.target;
    setTimeout(() => {
      if (el.isConnected && focusedId === el.id && document.activeElement === document.body) {
        focusedId = null;
      }
    });
  });

  function refocus(id) {
    const el = id && document.getElementById(id);
    if (!el || el === document.activeElement) return;
    if (!el.matches("a[href], button, summary, input, select, textarea, [tabindex]")) el.tabIndex = -1;
    el.focus({ preventScroll: true });
  }

  function restore({ drafts, folded }) {
    for (const [id, open] of folded) {
      const box = document.getElementById(id);
      if (box?.matches("details")) box.open = open;
    }
    for (const draft of drafts) {
      const field = document.getElementById(draft.id);
      if (!field || !field.matches(typed)) continue;
      field.value = draft.value;
      for (let open = field.closest("details"); open; open = open.parentElement?.closest("details")) {
        open.open = true;
      }
      if (draft.focused) {
        field.focus({ preventScroll: true }); // the reader's place is kept by `release`
        if (draft.selection[0] !== null) field.setSelectionRange(...draft.selection);
      }
    }
    if (document.activeElement === document.body) refocus(focusedId);
  }

  // Where the reader reads stays where it is on the screen. A region is swapped by putting
  // the new one in before taking the old one out, and the browser's scroll anchoring follows
  // the old one down by the whole region's height: it is off while swaps are under way (a
  // push and an answer can overlap), and the first element the reader saw before the first
  // of them is put back where it was once the last is done.
  let swapping = 0;
  let seen = null;

  function hold() {
    swapping += 1;
    if (swapping > 1) return;
    document.documentElement.style.overflowAnchor = "none";
    seen = null;
    for (const el of document.querySelectorAll("[data-live-channel] [id]")) {
      const box = el.getBoundingClientRect();
      if (box.height > 0 && box.top >= 0 && box.top < window.innerHeight) {
        seen = { id: el.id, top: box.top };
        return;
      }
    }
  }

  function release() {
    swapping -= 1;
    if (swapping > 0) return;
    document.documentElement.style.overflowAnchor = "";
    const el = seen && document.getElementById(seen.id);
    if (el) window.scrollBy(0, el.getBoundingClientRect().top - seen.top);
    seen = null;
  }

  // A push and a form's answer can arrive while the other is being swapped in: what each
  // swap found is kept under its own key (the pushed message, the request), never shared.
  const before = new WeakMap();
  document.addEventListener("htmx:ws:before:message:incoming", (event) => {
    if (event.detail.cancelled) return; // a replay or a resync (live.js): nothing is swapped
    const found = keep(null);
    pushes.add(found);
    before.set(event.detail.message, found);
  });
  document.addEventListener("htmx:ws:after:message:incoming", (event) => {
    const found = before.get(event.detail.message);
    if (!found) return;
    pushes.delete(found);
    restore(found);
  });
  const held = new WeakSet(); // the swaps under way
  // A message form answered in place (static/js/discussion.js) swaps the regions too.
  htmx.registerExtension("ruche-drafts", {
    // A push may have replaced what the answer is aimed at (the sender's own message, pushed
    // before the answer came; the board a rename changed): htmx drops an answer whose target
    // is gone, so it goes to what is now in its place, the element with its id.
    htmx_after_request: (_element, detail) => {
      const ctx = detail.ctx;
      const target = ctx?.target;
      if (target instanceof Element && !target.isConnected && target.id) {
        ctx.target = `#${CSS.escape(target.id)}`;
      }
    },
    htmx_before_swap: (_element, detail) => {
      held.add(detail.ctx);
      hold();
      const form = detail.ctx?.sourceElement?.closest?.("form[hx-post]");
      if (!form) return;
      if (form.id) answer(form.id, +1);
      before.set(detail.ctx, { ...keep(form), sent: form.id });
    },
    htmx_after_swap: (_element, detail) => {
      const found = before.get(detail.ctx);
      if (found) restore(found);
      apply();
    },
    htmx_finally_swap: (_element, detail) => {
      const sent = before.get(detail.ctx)?.sent;
      if (sent) answer(sent, -1);
      if (held.delete(detail.ctx)) release();
    },
  });

  document.addEventListener("DOMContentLoaded", apply);
  setInterval(expire, 30_000);
})();
