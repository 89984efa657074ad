/* The inbox's keyboard shortcuts, row selection for bulk actions and the "N new" bar (presence: presence.js). */
(function () {
  "use strict";

  const rows = () => Array.from(document.querySelectorAll("[data-mention-row]"));
  const current = () => document.querySelector("[data-mention-row].is-current");

  function setCurrent(row, focus) {
    rows().forEach((r) => r.classList.toggle("is-current", r === row));
    if (row && focus !== false) {
      const link = row.querySelector("[data-row-link]");
      if (link) link.focus({ preventScroll: false });
    }
  }

  function move(step) {
    const all = rows();
    if (!all.length) return;
    const index = all.indexOf(current());
    const next = all[Math.min(all.length - 1, Math.max(0, index < 0 ? 0 : index + step))];
    setCurrent(next);
  }

  function openCurrent() {
    const row = current() || rows()[0];
    if (row) row.querySelector("[data-row-link]").click();
  }

  function toggleSelect() {
    const row = current();
    const box = row && row.querySelector("[data-row-select]");
    if (box) {
      box.checked = !box.checked;
      updateBulk();
    }
  }

  /* e, c and a act on the open mention; with none open they open the current one first. */
  function focusDetailControl(name) {
    const control = document.querySelector(`#mention-detail [data-shortcut="${name}"]`);
    if (control) {
      control.focus();
      return;
    }
    if (!document.querySelector("#mention-detail .detail-body")) {
      openCurrent();
      document.body.addEventListener("htmx:afterSettle", function once() {
        document.body.removeEventListener("htmx:afterSettle", once);
        const later = document.querySelector(`#mention-detail [data-shortcut="${name}"]`);
        if (later) later.focus();
      });
    }
  }

  function isTyping(target) {
    return target.closest("input, textarea, select, [contenteditable]") !== null;
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    const dialog = document.getElementById("shortcuts");
    if (event.key === "Escape") {
      if (isTyping(event.target)) {
        event.target.blur();
        const row = current();
        if (row) setCurrent(row);
      }
      return;
    }
    /* A select never submits its form on Enter; the triage controls e, c and a focus do. */
    if (event.key === "Enter" && event.target.matches("#mention-detail select[data-shortcut]")) {
      event.preventDefault();
      event.target.form?.requestSubmit();
      return;
    }
    if (isTyping(event.target) || (dialog && dialog.open)) return;
    const actions = {
      j: () => move(1),
      k: () => move(-1),
      o: openCurrent,
      x: toggleSelect,
      e: () => focusDetailControl("e"),
      c: () => focusDetailControl("c"),
      a: () => focusDetailControl("a"),
      "/": () => document.getElementById("search-q")?.focus(),
      "?": () => dialog?.showModal(),
    };
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });

  document.addEventListener("focusin", (event) => {
    const row = event.target.closest && event.target.closest("[data-mention-row]");
    if (row) setCurrent(row, false);
  });

  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-shortcuts-open]")) document.getElementById("shortcuts")?.showModal();
    if (event.target.closest("[data-bulk-clear]")) {
      document.querySelectorAll("[data-row-select]:checked").forEach((box) => (box.checked = false));
      updateBulk();
    }
    const link = event.target.closest("[data-row-link]");
    if (link) setCurrent(link.closest("[data-mention-row]"), false);
  });

  /* Bulk actions: the bar shows while something is selected; the action picks its value list. */
  function updateBulk() {
    const form = document.querySelector("[data-bulk]");
    if (!form) return;
    const count = document.querySelectorAll("[data-row-select]:checked").length;
    form.hidden = count === 0;
    const label = form.querySelector("[data-bulk-count]");
    const template = count === 1 ? form.dataset.one : form.dataset.many;
    if (label) label.textContent = (template || "%s").replace("%s", count);
    const action = form.querySelector("[data-bulk-action]").value;
    form.querySelectorAll("[data-bulk-for]").forEach((select) => {
      const active = select.dataset.bulkFor === action;
      select.hidden = !active;
      select.disabled = !active;
    });
  }
  document.addEventListener("change", (event) => {
    if (event.target.matches("[data-row-select], [data-bulk-action]")) updateBulk();
  });

  document.body.addEventListener("htmx:afterSettle", (event) => {
    const target = event.detail.target;
    if (!target) return;
    /* New mentions go straight in when the list is at its top and nothing is selected. */
    const bar = document.getElementById("mention-newer");
    if (target.id === "mention-newer" && bar && bar.classList.contains("has-newer")) {
      const atTop = window.scrollY < 40 && !document.querySelector("[data-row-select]:checked");
      if (atTop) bar.querySelector("[data-newer-show]")?.click();
    }
    if (target.id === "mention-list" || target.id === "inbox-panes") updateBulk();
    /* The list was read again (new mentions shown): the counts beside it follow. */
    if (target.id === "mention-list") document.body.dispatchEvent(new CustomEvent("mention-changed"));
    if (target.id === "mention-detail") {
      const panes = document.getElementById("inbox-panes");
      const opened = document.querySelector("#mention-detail .detail-body") !== null;
      if (panes && opened && !panes.classList.contains("has-detail")) {
        panes.classList.add("has-detail");
        if (window.matchMedia("(max-width: 980px)").matches) window.scrollTo(0, 0);
      }
      const match = location.pathname.match(/\/m\/(\d+)\//);
      const openRow = match && document.getElementById("mention-row-" + match[1]);
      if (openRow) setCurrent(openRow, false);
    }
  });

  /* On a narrow screen the counts fold away under "Filters", so the list comes first. */
  function foldFacets() {
    if (window.matchMedia("(max-width: 980px)").matches) {
      document.querySelectorAll("[data-facet-box]").forEach((box) => box.removeAttribute("open"));
    }
  }
  document.body.addEventListener("htmx:afterSettle", (event) => {
    if (event.detail.target && event.detail.target.id === "inbox-panes") foldFacets();
  });
  document.addEventListener("DOMContentLoaded", () => {
    updateBulk();
    foldFacets();
  });
})();
