/* The reply editor: start from a template with its placeholders filled in, warn about flagged phrases
   while typing, and count down the characters left near a field's limit. */
(function () {
  "use strict";

  const readJson = (id) => {
    const element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  };
  const phrases = readJson("flagged-phrases") || [];
  const values = readJson("placeholder-values") || {};
  const aliases = { name: "naam", staff: "medewerker", organisation: "organisatie", phone: "telefoon" };

  /* Case and accents ignored, punctuation as spaces: the same folding as the server's check. */
  const fold = (text) =>
    " " +
    text
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[^\p{L}\p{N}_\s]/gu, " ")
      .split(/\s+/)
      .filter(Boolean)
      .join(" ") +
    " ";

  function fill(body) {
    return body.replace(/\{([^{}\s]{1,40})\}/g, (whole, name) => {
      const key = aliases[name.toLowerCase()] || name.toLowerCase();
      return values[key] || whole;
    });
  }

  function warn(textarea, box) {
    const text = fold(textarea.value);
    box.replaceChildren();
    phrases.forEach(([phrase, advice]) => {
      const needle = fold(phrase).trim();
      if (needle && text.includes(" " + needle + " ")) {
        const item = document.createElement("p");
        item.className = "phrase-warning";
        item.setAttribute("role", "alert");
        const strong = document.createElement("strong");
        strong.textContent = "“" + phrase + "”";
        item.append(strong, " — " + advice);
        box.append(item);
      }
    });
  }

  document.querySelectorAll("[data-composer]").forEach((form) => {
    const textarea = form.querySelector("[data-reply-text]");
    const box = form.querySelector("[data-phrase-warnings]");
    const picker = form.querySelector("[data-template-picker]");
    textarea.addEventListener("input", () => warn(textarea, box));
    picker.addEventListener("change", () => {
      const option = picker.selectedOptions[0];
      if (!option || !option.dataset.body) return;
      /* Only what the writer typed is worth a question; a template's own text is simply replaced. */
      const edited = textarea.value.trim() && textarea.value !== textarea.dataset.filled;
      if (edited && !window.confirm(picker.dataset.replace || "")) return;
      textarea.value = textarea.dataset.filled = fill(option.dataset.body);
      warn(textarea, box);
      textarea.focus();
    });
    /* A template that fits the complaint's assessment is chosen already: start from its text. */
    const fitting = picker.querySelector("option[data-fits]");
    if (fitting && fitting.selected && !textarea.value.trim()) {
      textarea.value = textarea.dataset.filled = fill(fitting.dataset.body);
      warn(textarea, box);
    }
    form.addEventListener("submit", () => {
      form.querySelectorAll("button[type=submit]").forEach((button) => (button.disabled = true));
    });
  });

  /* A field with a maxlength and data-counter (its text, with {left} and {limit}) shows how much is left
     once it is within a tenth of its limit; screen readers hear it when they have a moment. */
  function counted(field) {
    const limit = parseInt(field.getAttribute("maxlength"), 10);
    if (!(limit > 0)) return;
    const counter = document.createElement("p");
    counter.className = "char-counter";
    counter.id = (field.id || "field") + "-counter";
    counter.setAttribute("aria-live", "polite");
    counter.hidden = true;
    field.after(counter);
    const update = () => {
      const left = limit - field.value.length;
      const near = left <= Math.ceil(limit / 10);
      counter.hidden = !near;
      counter.classList.toggle("is-over", left <= 0);
      counter.textContent = near
        ? field.dataset.counter.replace("{left}", Math.max(left, 0)).replace("{limit}", limit)
        : "";
    };
    field.addEventListener("input", update);
    /* A template put in by script fires no input event. */
    field.addEventListener("change", update);
    field.form?.addEventListener("reset", () => window.setTimeout(update, 0));
    update();
    return update;
  }
  const updates = Array.from(document.querySelectorAll("textarea[maxlength][data-counter], input[maxlength][data-counter]"))
    .map(counted)
    .filter(Boolean);
  document.addEventListener("change", (event) => {
    if (event.target.matches && event.target.matches("[data-template-picker]")) updates.forEach((update) => update());
  });
})();
