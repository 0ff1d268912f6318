// A skill suggested for the need being typed (templates/_skill_suggestions.html) is chosen in
// the form's list only when the learner presses it. A suggestion reads as pressed while the
// list holds its skill, however it was chosen, so screen readers hear what is chosen.
(() => {
  "use strict";

  const list = (form) => form?.querySelector('select[name="skill_id"]');

  document.addEventListener("click", (event) => {
    const button = event.target.closest?.("[data-pick-skill]");
    const skills = list(button?.closest("form"));
    if (!skills) return;
    skills.value = button.dataset.pickSkill;
    skills.dispatchEvent(new Event("change", { bubbles: true }));
  });

  document.addEventListener("change", (event) => {
    const skills = event.target;
    if (!skills.matches?.('select[name="skill_id"]')) return;
    for (const button of skills.form.querySelectorAll("[data-pick-skill]")) {
      button.setAttribute("aria-pressed", String(button.dataset.pickSkill === skills.value));
    }
  });
})();
