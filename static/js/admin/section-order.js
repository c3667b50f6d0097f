/* Sections reordered in place: drag a section by its title bar, or use its "Move
 * up" / "Move down" buttons (keyboard users); the order fields are renumbered
 * 1, 2, 3… after each move and saved with the form. A section added with "Add
 * another" gets the next number, so it lands at the end where it appears.
 *
 * Dependency-free and inline-free, for the site's strict Content-Security-Policy.
 */
"use strict";
(function () {
  function start() {
    const group = document.getElementById("sections-group");
    const config = document.getElementById("section-editor");
    if (!group || !config) {
      return;
    }
    const labels = config.dataset;
    let dragged = null;

    function sectionForms() {
      return Array.from(group.querySelectorAll(".inline-related")).filter(
        (form) => form.id && !form.id.endsWith("-empty")
      );
    }

    function orderInput(form) {
      return form.querySelector("input[name='" + form.id + "-order']");
    }

    function renumber() {
      sectionForms().forEach((form, index) => {
        const input = orderInput(form);
        if (input && input.value !== String(index + 1)) {
          input.value = String(index + 1);
          input.dispatchEvent(new Event("change", {bubbles: true}));
        }
      });
    }

    function move(form, step) {
      const forms = sectionForms();
      const target = forms[forms.indexOf(form) + step];
      if (!target) {
        return;
      }
      if (step < 0) {
        target.before(form);
      } else {
        target.after(form);
      }
      renumber();
    }

    function button(text, handler) {
      const element = document.createElement("button");
      element.type = "button";
      element.className = "section-move";
      element.textContent = text;
      element.addEventListener("click", handler);
      return element;
    }

    function equip(form) {
      const title = form.querySelector("h3");
      if (!title || form.dataset.sortable) {
        return;
      }
      form.dataset.sortable = "true";
      title.draggable = true;
      title.classList.add("section-drag-handle");
      title.title = labels.dragLabel;
      title.append(
        button(labels.upLabel, () => move(form, -1)),
        button(labels.downLabel, () => move(form, 1))
      );
      title.addEventListener("dragstart", (event) => {
        dragged = form;
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", form.id);
      });
      title.addEventListener("dragend", () => {
        dragged = null;
      });
      // Both must be cancelled for the browser to allow a drop on this section.
      ["dragenter", "dragover"].forEach((type) => {
        form.addEventListener(type, (event) => {
          if (dragged && dragged !== form) {
            event.preventDefault();
          }
        });
      });
      form.addEventListener("drop", (event) => {
        if (!dragged || dragged === form) {
          return;
        }
        event.preventDefault();
        const forms = sectionForms();
        if (forms.indexOf(dragged) < forms.indexOf(form)) {
          form.after(dragged);
        } else {
          form.before(dragged);
        }
        dragged = null;
        renumber();
      });
    }

    sectionForms().forEach(equip);
    document.addEventListener("formset:added", (event) => {
      const form = event.target;
      if (!form || !group.contains(form)) {
        return;
      }
      equip(form);
      const input = orderInput(form);
      if (input) {
        const orders = sectionForms()
          .filter((other) => other !== form)
          .map((other) => Number((orderInput(other) || {}).value || 0));
        input.value = String(Math.max(0, ...orders) + 1);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
