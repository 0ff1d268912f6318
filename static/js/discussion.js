// A project's discussion reads like a chat. A message sent from the page is answered in
// place (the page stays where it is): its box comes back emptied, open and focused, or with
// why it was refused and what was typed. Messages pushed while the reader reads higher up
// are counted on a button that takes them to the first one; at the bottom, they just appear.
(() => {
  "use strict";

  // --- the box a message was sent from, focused again ---------------------------------

  // The form's `data-refocus` names where the focus goes once it is answered: the edited
  // message; empty, its own box (a reply, a new message). Refused, the focus stays in the
  // box, next to why.
  // Keyed by the request: a push swapped in meanwhile has its own swap events. The form may
  // have been replaced by a push before its answer came (static/js/viewer.js sends the
  // answer to the one now in its place): it is found again by its id.
  const sentFrom = new WeakMap(); // a request being answered → the form's id and where to go

  function refocus(form) {
    const box = form?.querySelector("textarea");
    if (!box) return;
    for (let open = box.closest("details"); open; open = open.parentElement?.closest("details")) {
      open.open = true;
    }
    box.focus({ preventScroll: true });
    box.setSelectionRange(box.value.length, box.value.length);
  }

  function focusOn(element) {
    if (!element) return;
    element.tabIndex = -1;
    element.focus({ preventScroll: true });
  }

  htmx.registerExtension("ruche-refocus", {
    htmx_before_swap: (_element, detail) => {
      const form = detail.ctx?.sourceElement?.closest?.("form[data-refocus]");
      if (form?.id) sentFrom.set(detail.ctx, { id: form.id, next: form.dataset.refocus });
    },
    htmx_after_swap: (_element, detail) => {
      const sent = sentFrom.get(detail.ctx);
      if (!sent) return;
      const form = document.getElementById(sent.id);
      if (!sent.next || form?.querySelector("[aria-invalid=true]")) refocus(form);
      else focusOn(document.getElementById(sent.next));
    },
  });

  // --- new messages, while the reader reads higher up ---------------------------------

  const list = () => document.querySelector("ol.messages[data-live-channel]");
  const messageIds = () =>
    new Set([...(list()?.querySelectorAll(".message[id]") || [])].map((m) => m.id));
  const me = () => document.getElementById("viewer")?.dataset.reader;
  const SLACK = 48; // px: near enough to the bottom to be reading the latest

  const before = new WeakMap(); // a pushed message → what the page showed: ids, reader at the bottom
  let waiting = []; // the ids of the messages the reader has not seen yet, in page order

  function atBottom() {
    const shown = list();
    return !shown || shown.getBoundingClientRect().bottom <= window.innerHeight + SLACK;
  }

  function button() {
    return document.getElementById("new-messages");
  }

  function show() {
    const note = button();
    if (!note) return;
    waiting = waiting.filter((id) => document.getElementById(id));
    note.hidden = waiting.length === 0;
    const n = waiting.length;
    note.textContent = n === 1 ? note.dataset.one : (note.dataset.many || "").replace("{n}", n);
  }

  document.addEventListener("htmx:ws:before:message:incoming", (event) => {
    before.set(event.detail.message, { ids: messageIds(), bottom: atBottom() });
  });

  document.addEventListener("htmx:ws:after:message:incoming", (event) => {
    const shown = before.get(event.detail.message);
    if (!shown) return;
    const { ids, bottom } = shown;
    const arrived = [...(list()?.querySelectorAll(".message[id]") || [])].filter(
      (m) => !ids.has(m.id) && m.dataset.author !== me(),
    );
    if (arrived.length === 0 || bottom) return;
    waiting = [...new Set([...waiting, ...arrived.map((m) => m.id)])];
    const order = [...messageIds()];
    waiting.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    show();
  });

  // A message counts as seen once it has been on the screen.
  function seen() {
    if (waiting.length === 0) return;
    waiting = waiting.filter((id) => {
      const top = document.getElementById(id)?.getBoundingClientRect().top;
      return top !== undefined && (top < 0 || top > window.innerHeight - SLACK);
    });
    if (atBottom()) waiting = [];
    show();
  }

  document.addEventListener("scroll", seen, { passive: true });

  document.addEventListener("click", (event) => {
    const note = event.target.closest?.("#new-messages");
    if (!note || waiting.length === 0) return;
    const first = document.getElementById(waiting[0]);
    waiting = [];
    show();
    if (!first) return;
    first.tabIndex = -1;
    first.scrollIntoView({ block: "center" });
    first.focus({ preventScroll: true });
  });
})();
