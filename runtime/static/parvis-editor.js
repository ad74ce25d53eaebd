// The procedure editor's comforts on top of forms that work without scripts: drag and drop
// of elements (SortableJS), posting the editor's own "move" operation through htmx; the
// refused answers (409, 422) swapped in like the others; focus kept after a swap. On the
// dashboard: the new procedure's address made from its title as it is typed.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function root() { return document.getElementById("editor-root"); }

  function postMove(list, from, to) {
    var editor = root();
    var values = {
      op: "move", revision: editor.dataset.revision, edit_lang: editor.dataset.editLang,
      page: list.dataset.page, to: String(to)
    };
    if (list.dataset.group !== undefined) {
      values.element = list.dataset.group;
      values.sub = String(from);
    } else {
      values.element = String(from);
    }
    htmx.ajax("POST", editor.dataset.editUrl, {
      source: editor, values: values, target: "#editor-root", select: "#editor-root", swap: "outerHTML settle:0ms"
    });
  }

  function sortable(scope) {
    if (typeof Sortable === "undefined") { return; }
    scope.querySelectorAll("ol.elements").forEach(function (list) {
      if (list.dataset.sortable) { return; }
      list.dataset.sortable = "1";
      Sortable.create(list, {
        handle: ".drag-handle", draggable: ".element", animation: 150,
        ghostClass: "element-ghost", forceFallback: true, fallbackOnBody: true,
        onEnd: function (event) {
          if (event.from !== list || event.oldDraggableIndex === event.newDraggableIndex) { return; }
          postMove(list, event.oldDraggableIndex, event.newDraggableIndex);
        }
      });
    });
  }

  var lastTrigger = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    var submitter = trigger && trigger.submitter;
    // Element buttons say "up:12": the operation, then the element.
    lastTrigger = submitter ? { op: submitter.value.split(":")[0], name: submitter.name } : null;
  });
  // A refused change comes back as 409 or 422 with the problems next to the element:
  // swap it in like a success, as the page without scripts shows it.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if ((status === 409 || status === 422) && root()) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("htmx:afterSettle", function () {
    var editor = root();
    if (!editor) { return; }
    var summary = editor.querySelector(".error-summary");
    if (summary) { summary.focus(); return; }
    // Keyboard users moving an element with its arrows keep their place on the arrow.
    if (lastTrigger && (lastTrigger.op === "up" || lastTrigger.op === "down")) {
      var selected = editor.querySelector(".element-selected");
      var button = selected && (selected.querySelector('.element-actions button[value^="' + lastTrigger.op + ':"]')
                                || selected.querySelector('.element-actions button[value="' + lastTrigger.op + '"]'));
      if (button && !button.disabled) { button.focus(); return; }
    }
    var title = editor.querySelector("#properties-title");
    if (title && editor.querySelector(".element-selected")) {
      title.setAttribute("tabindex", "-1");
      title.focus({ preventScroll: true });
    }
  });

  // A new procedure's address follows its title, accents removed, until the person types one
  // (the server makes the same one from the title when the field is left empty).
  function slugOf(title) {
    return title.toLowerCase().replace(/œ/g, "oe").replace(/æ/g, "ae").normalize("NFKD")
      .replace(/\p{M}/gu, "").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 63).replace(/-+$/, "");
  }
  function slugFields(scope) {
    scope.querySelectorAll("input[data-slug-from]").forEach(function (slug) {
      var title = document.getElementById(slug.dataset.slugFrom);
      if (!title || slug.dataset.follows) { return; }
      slug.dataset.follows = slug.value === "" || slug.value === slugOf(title.value) ? "1" : "0";
      slug.addEventListener("input", function () { slug.dataset.follows = slug.value === "" ? "1" : "0"; });
      title.addEventListener("input", function () {
        if (slug.dataset.follows === "1") { slug.value = slugOf(title.value); }
      });
    });
  }

  if (typeof htmx !== "undefined") {
    htmx.onLoad(function (element) { sortable(element); });  // each swapped editor
  }
  document.addEventListener("DOMContentLoaded", function () { sortable(document); slugFields(document); });
})();
