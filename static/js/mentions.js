// @mentions completed as one types: a message box (textarea[data-mentions], a WAI-ARIA 1.2
// combobox) offers the project's seated members (but oneself) whose name starts with what
// follows "@", from the team list the page already shows ([data-mention]: the name to
// mention, and the full name). Arrows move, Enter or Tab picks, Escape closes; picking writes "@Firstname ",
// the form community/projects/discussion.py looks for.
(() => {
  "use strict";

  const MOST = 8;
  const typing = /(?:^|\s)@([\p{L}\p{N}_-]*)$/u;
  const folded = (text) =>
    text
      .normalize("NFD")
      .replace(/\p{M}/gu, "")
      .toLocaleLowerCase();

  let box = null; // the textarea completing, while the list is open
  let options = []; // [{mention, name}]
  let active = -1;

  const listbox = () => document.getElementById("mention-options");

  function members() {
    const seen = new Map();
    const me = document.getElementById("viewer")?.dataset.reader;
    for (const person of document.querySelectorAll("[data-mention]")) {
      if (person.dataset.person === me) continue;
      seen.set(person.dataset.name, { mention: person.dataset.mention, name: person.dataset.name });
    }
    return [...seen.values()];
  }

  function asked(field) {
    const found = typing.exec(field.value.slice(0, field.selectionStart));
    return found ? found[1] : null;
  }

  function close() {
    const list = listbox();
    if (list) {
      list.hidden = true;
      list.replaceChildren();
    }
    if (box) {
      box.setAttribute("aria-expanded", "false");
      box.removeAttribute("aria-activedescendant");
    }
    box = null;
    options = [];
    active = -1;
  }

  function place(list, field) {
    const at = field.getBoundingClientRect();
    Object.assign(list.style, {
      top: `${at.bottom + window.scrollY}px`,
      left: `${at.left + window.scrollX}px`,
      width: `${at.width}px`,
    });
  }

  function open(field, query) {
    const list = listbox();
    const words = folded(query);
    const found = members()
      .filter(({ mention, name }) =>
        [mention, ...name.split(/\s+/)].some((word) => folded(word).startsWith(words)),
      )
      .slice(0, MOST);
    if (!list || found.length === 0) return close();
    box = field;
    options = found;
    active = -1;
    list.replaceChildren(
      ...found.map(({ name }, index) => {
        const option = document.createElement("li");
        option.id = `mention-option-${index}`;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = name;
        return option;
      }),
    );
    // Out of the page's flow, positioned over the document wherever the box is.
    if (list.parentElement !== document.body) document.body.append(list);
    list.hidden = false;
    place(list, field);
    field.setAttribute("aria-expanded", "true");
    field.removeAttribute("aria-activedescendant");
  }

  function highlight(index) {
    active = (index + options.length) % options.length;
    const list = listbox();
    for (const [at, option] of [...list.children].entries()) {
      option.setAttribute("aria-selected", at === active ? "true" : "false");
    }
    box.setAttribute("aria-activedescendant", `mention-option-${active}`);
    list.children[active].scrollIntoView({ block: "nearest" });
  }

  function pick(index) {
    const field = box;
    const { mention } = options[index];
    const caret = field.selectionStart;
    const start = field.value.slice(0, caret).lastIndexOf("@");
    const inserted = `@${mention} `;
    field.setRangeText(inserted, start, caret, "end");
    close();
    field.focus();
  }

  document.addEventListener("input", (event) => {
    const field = event.target;
    if (!field.matches?.("textarea[data-mentions]")) return;
    const query = asked(field);
    if (query === null) close();
    else open(field, query);
  });

  document.addEventListener(
    "keydown",
    (event) => {
      if (!box || event.target !== box) return;
      const moves = { ArrowDown: active + 1, ArrowUp: active < 0 ? -1 : active - 1 };
      if (event.key in moves) {
        highlight(moves[event.key]);
      } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
        pick(active);
      } else if (event.key === "Escape") {
        close();
      } else {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
    },
    true,
  );

  // A click on an option picks it; the box keeps the focus meanwhile.
  document.addEventListener("mousedown", (event) => {
    const option = event.target.closest?.("#mention-options [role=option]");
    if (!option) return;
    event.preventDefault();
    pick([...option.parentElement.children].indexOf(option));
  });

  document.addEventListener("focusout", (event) => {
    if (box && event.target === box) close();
  });
  // A pushed region replaces the box: the list it was open for goes with it.
  document.addEventListener("htmx:ws:before:message:incoming", close);
  window.addEventListener("resize", () => box && place(listbox(), box));
})();
