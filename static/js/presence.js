/* Presence: an open mention pane or case page says whether its person is looking, writing a reply or
   writing a note, and takes itself off the list on leaving. The box ([data-presence]) reports itself
   through htmx; this file only sets the state it sends and says goodbye. */
(function () {
  "use strict";

  /* A field marked data-writing="replying" or "noting" tells colleagues what is being written while it has
     focus, and for as long as it holds text. */
  function reportState(state) {
    const input = document.querySelector("[data-presence-state]");
    if (!input || input.value === state) return;
    input.value = state;
    document.body.dispatchEvent(new CustomEvent("presence-now"));
  }
  function writingNow() {
    const active = document.activeElement;
    if (active && active.matches && active.matches("[data-writing]")) return active.dataset.writing;
    const started = Array.from(document.querySelectorAll("[data-writing]")).find((field) => field.value.trim());
    return started ? started.dataset.writing : "viewing";
  }
  document.addEventListener("focusin", (event) => {
    if (event.target.matches && event.target.matches("[data-writing]")) reportState(event.target.dataset.writing);
  });
  document.addEventListener("focusout", (event) => {
    if (event.target.matches && event.target.matches("[data-writing]")) {
      /* Focus moves on after this event: look once it has landed. */
      window.setTimeout(() => reportState(writingNow()), 0);
    }
  });

  function leave(box) {
    if (!box || !navigator.sendBeacon) return;
    const data = new FormData();
    data.append("state", "left");
    try {
      data.append("csrfmiddlewaretoken", JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]);
    } catch (error) {
      return;
    }
    navigator.sendBeacon(box.getAttribute("hx-post"), data);
  }
  window.addEventListener("pagehide", () => document.querySelectorAll("[data-presence]").forEach(leave));
  /* Another mention opened in the same pane: leave the one that is being replaced. */
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    if (!target || event.detail.requestConfig.verb !== "get" || target.matches("[data-presence]")) return;
    target.querySelectorAll("[data-presence]").forEach(leave);
  });
})();
