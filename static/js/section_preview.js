// A "Preview" button under each section body in the article admin: the server
// renders the typed Markdown with the public page's code and the answer is shown
// beside the editor. Nothing is saved.
(function () {
  "use strict";
  var config = document.getElementById("section-preview-config");
  if (!config) {
    return;
  }
  var url = config.dataset.url;
  var label = config.dataset.label;

  function fieldOf(bodyField, name) {
    var id = bodyField.id.replace(/-body$/, "-" + name);
    return document.getElementById(id);
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function addButton(bodyField) {
    if (bodyField.id.indexOf("__prefix__") !== -1 || bodyField.dataset.preview) {
      return;
    }
    bodyField.dataset.preview = "1";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button section-preview-button";
    button.textContent = label;
    var output = document.createElement("div");
    output.className = "section-preview-output";
    output.setAttribute("aria-live", "polite");
    button.addEventListener("click", function () {
      var data = new FormData();
      data.append("body", bodyField.value);
      var kind = fieldOf(bodyField, "kind");
      var heading = fieldOf(bodyField, "heading");
      data.append("kind", kind ? kind.value : "general");
      data.append("heading", heading ? heading.value : "");
      fetch(url, {
        method: "POST",
        body: data,
        headers: { "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
      })
        .then(function (response) {
          // 400 carries the section's errors as a fragment; anything else is
          // not a preview (signed out, a server error).
          if (!response.ok && response.status !== 400) {
            throw new Error(config.dataset.failed + " (" + response.status + ")");
          }
          return response.text();
        })
        .then(function (html) {
          // Rendered and sanitised by the server, like the public page.
          output.innerHTML = html;
        })
        .catch(function (error) {
          output.textContent = error.message;
        });
    });
    bodyField.insertAdjacentElement("afterend", output);
    bodyField.insertAdjacentElement("afterend", button);
  }

  function addButtons(root) {
    root.querySelectorAll("textarea[id$='-body']").forEach(addButton);
  }

  addButtons(document);
  document.addEventListener("formset:added", function (event) {
    addButtons(event.target);
  });
})();
