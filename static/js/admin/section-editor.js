/* The article form's section editor: a citation picker on "[@" and a live preview
 * of each section as readers will see it, numbers included.
 *
 * No dependency and nothing inline: the site's Content-Security-Policy refuses
 * inline scripts and style attributes. The URLs and labels come from the data
 * attributes of #section-editor; the server renders (and sanitises) the preview
 * with the public page's renderer and names the keys the library does not know.
 */
"use strict";
(function () {
  const PREVIEW_DELAY_MS = 400;
  const PICKER_DELAY_MS = 150;
  // The key being typed after "[@" or after "; @" inside a marker, up to the caret.
  const TYPED_KEY = /\[\s*@(?:[^\[\]\n]*[;,]\s*@)?([^\[\]\n;,@\s]*)$/;

  function start() {
    const config = document.getElementById("section-editor");
    const group = document.getElementById("sections-group");
    if (!config || !group) {
      return;
    }
    const labels = config.dataset;
    const csrfInput = document.querySelector("input[name=csrfmiddlewaretoken]");
    const picker = createPicker(labels);
    let previewTimer = null;
    let pickerTimer = null;
    let previewSequence = 0;
    // Once the form is sent, no preview: leaving a field for the save button
    // fires "change", and a preview would run beside the save.
    let submitting = false;

    function sectionForms() {
      return Array.from(group.querySelectorAll(".inline-related"))
        .filter((form) => form.id && !form.id.endsWith("-empty"))
        .filter((form) => {
          const deleted = form.querySelector("input[name$='-DELETE']");
          return !(deleted && deleted.checked);
        });
    }

    function field(form, name) {
      return form.querySelector("[name^='" + form.id + "-'][name$='-" + name + "']");
    }

    function orderedSections() {
      return sectionForms()
        .map((form, position) => ({form, position}))
        .sort((first, second) => {
          const orderOf = (item) => Number((field(item.form, "order") || {}).value || 0);
          return orderOf(first) - orderOf(second) || first.position - second.position;
        })
        .map((item) => item.form);
    }

    function previewBox(form) {
      let box = form.querySelector(".section-live-preview");
      if (!box) {
        box = document.createElement("div");
        box.className = "section-live-preview";
        const title = document.createElement("p");
        title.className = "section-live-preview-title";
        title.textContent = labels.previewLabel;
        const unknown = document.createElement("ul");
        unknown.className = "section-live-preview-unknown errorlist";
        const body = document.createElement("div");
        body.className = "section-live-preview-body";
        box.append(title, unknown, body);
        const bodyField = field(form, "body");
        const row = bodyField ? bodyField.closest(".form-row") : null;
        (row || form).after(box);
      }
      return box;
    }

    function referencesBox() {
      let box = document.getElementById("section-live-preview-references");
      if (!box) {
        box = document.createElement("ol");
        box.id = "section-live-preview-references";
        box.className = "section-live-preview-references";
        group.after(box);
      }
      return box;
    }

    function showPreview(forms, answer) {
      forms.forEach((form, index) => {
        const section = answer.sections[index];
        const box = previewBox(form);
        box.querySelector(".section-live-preview-body").innerHTML = section.html;
        const unknown = box.querySelector(".section-live-preview-unknown");
        unknown.replaceChildren(
          ...section.unknown_keys.map((key) => {
            const item = document.createElement("li");
            item.textContent = labels.unknownLabel + " " + key;
            return item;
          })
        );
      });
      referencesBox().replaceChildren(
        ...answer.references.map((reference) => {
          const item = document.createElement("li");
          item.value = reference.number;
          item.textContent = reference.text;
          return item;
        })
      );
    }

    function showPreviewUnavailable(forms) {
      forms.forEach((form) => {
        const unknown = previewBox(form).querySelector(".section-live-preview-unknown");
        const item = document.createElement("li");
        item.textContent = labels.unavailableLabel;
        unknown.replaceChildren(item);
      });
    }

    function refreshPreview() {
      if (submitting) {
        return;
      }
      const forms = orderedSections().filter((form) => field(form, "body"));
      if (!forms.length) {
        return;
      }
      const data = new URLSearchParams();
      data.append("csrfmiddlewaretoken", csrfInput ? csrfInput.value : "");
      forms.forEach((form) => {
        data.append("kind", (field(form, "kind") || {}).value || "general");
        data.append("heading", (field(form, "heading") || {}).value || "");
        data.append("body", field(form, "body").value);
      });
      const sequence = ++previewSequence;
      fetch(labels.previewUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: {"X-Requested-With": "fetch"},
      })
        .then((response) => {
          if (!response.ok) {
            throw new Error(response.statusText);
          }
          return response.json();
        })
        .then((answer) => {
          if (sequence === previewSequence) {
            showPreview(forms, answer);
          }
        })
        .catch(() => {
          if (sequence === previewSequence) {
            showPreviewUnavailable(forms);
          }
        });
    }

    function schedulePreview() {
      clearTimeout(previewTimer);
      previewTimer = setTimeout(refreshPreview, PREVIEW_DELAY_MS);
    }

    function typedKey(textarea) {
      const before = textarea.value.slice(0, textarea.selectionStart);
      const match = TYPED_KEY.exec(before);
      return match ? match[1] : null;
    }

    function lookUp(textarea) {
      const term = typedKey(textarea);
      if (term === null) {
        picker.close();
        return;
      }
      const url = labels.pickerUrl + "?term=" + encodeURIComponent(term);
      fetch(url, {credentials: "same-origin"})
        .then((response) => (response.ok ? response.json() : {results: []}))
        .then((answer) => {
          if (typedKey(textarea) === term) {
            picker.open(textarea, term, answer.results);
          }
        })
        .catch(() => picker.close());
    }

    group.addEventListener("input", (event) => {
      const target = event.target;
      if (target.matches("textarea")) {
        clearTimeout(pickerTimer);
        pickerTimer = setTimeout(() => lookUp(target), PICKER_DELAY_MS);
      }
      schedulePreview();
    });
    group.addEventListener("change", schedulePreview);
    const form = group.closest("form");
    if (form) {
      form.addEventListener("submit", () => {
        submitting = true;
        clearTimeout(previewTimer);
        clearTimeout(pickerTimer);
      });
    }
    group.addEventListener("keydown", (event) => picker.handleKey(event));
    group.addEventListener("focusout", (event) => {
      if (!group.contains(event.relatedTarget) || !event.relatedTarget) {
        picker.close();
      }
    });
    group.addEventListener("citation-picked", schedulePreview);
    document.addEventListener("formset:removed", schedulePreview);
    document.addEventListener("formset:added", schedulePreview);
    refreshPreview();
  }

  /* One list of matching references, shown under the textarea being typed in. */
  function createPicker(labels) {
    const list = document.createElement("ul");
    list.className = "citation-picker";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    let textarea = null;
    let term = "";
    let active = 0;

    function options() {
      return Array.from(list.querySelectorAll("[role=option]"));
    }

    function highlight(index) {
      const items = options();
      if (!items.length) {
        return;
      }
      active = (index + items.length) % items.length;
      items.forEach((item, position) => {
        item.setAttribute("aria-selected", position === active ? "true" : "false");
      });
    }

    function choose(key) {
      const caret = textarea.selectionStart;
      const start = caret - term.length;
      const after = textarea.value.slice(caret);
      const closing = /^\s*[\];,]/.test(after) ? "" : "]";
      textarea.value = textarea.value.slice(0, start) + key + closing + after;
      const position = start + key.length + closing.length;
      textarea.setSelectionRange(position, position);
      textarea.focus();
      close();
      textarea.dispatchEvent(new CustomEvent("citation-picked", {bubbles: true}));
    }

    function open(target, typed, results) {
      textarea = target;
      term = typed;
      list.replaceChildren();
      if (!results.length) {
        const empty = document.createElement("li");
        empty.className = "citation-picker-empty";
        empty.textContent = labels.noMatchLabel + " “" + typed + "”";
        list.append(empty);
      }
      results.forEach((reference) => {
        const item = document.createElement("li");
        item.setAttribute("role", "option");
        item.dataset.key = reference.key;
        const key = document.createElement("strong");
        key.textContent = reference.key;
        const details = document.createElement("span");
        details.textContent = [reference.title, reference.authors, reference.year]
          .filter(Boolean)
          .join(" · ");
        item.append(key, " ", details);
        item.addEventListener("mousedown", (event) => {
          event.preventDefault(); // keep the textarea's focus and caret
          choose(reference.key);
        });
        list.append(item);
      });
      // Under the field's row, so the textarea keeps its width.
      (textarea.closest(".flex-container") || textarea).after(list);
      list.hidden = false;
      highlight(0);
    }

    function close() {
      list.hidden = true;
    }

    function handleKey(event) {
      if (list.hidden || event.target !== textarea) {
        return;
      }
      const items = options();
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
        event.preventDefault();
      } else if ((event.key === "Enter" || event.key === "Tab") && items.length) {
        choose(items[active].dataset.key);
        event.preventDefault();
      } else if (event.key === "Escape") {
        close();
        event.preventDefault();
      }
    }

    return {open, close, handleKey};
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
