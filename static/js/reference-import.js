// Previews an import in place: the form is sent with fetch and the server's preview
// (the same HTML as without JavaScript) replaces the area below it, so the editor
// pastes, checks and saves on one page. Without JavaScript the form posts as usual.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("import-form");
  const area = document.getElementById("import-preview-area");
  if (!form || !area || !window.fetch || !window.FormData) {
    return;
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("[type=submit]");
    button.disabled = true;
    area.setAttribute("aria-busy", "true");
    area.textContent = form.dataset.waiting;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
      });
      // Rendered by the server's templates, which escape every value.
      area.innerHTML = await response.text();
    } catch (error) {
      area.textContent = form.dataset.failed;
    } finally {
      button.disabled = false;
      area.removeAttribute("aria-busy");
    }
  });
});
