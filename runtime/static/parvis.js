// Small comforts on top of pages that work without scripts.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // After a failed "continue", the error summary takes the focus, so screen readers read it.
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
    // A second click on "send" while the first is under way would only wait for the same receipt.
    document.querySelectorAll("form").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        var once = form.querySelector("[data-once]");
        if (!once) { return; }
        if (form.dataset.sent) { event.preventDefault(); return; }
        form.dataset.sent = "1";
        once.setAttribute("aria-disabled", "true");
      });
    });
    document.querySelectorAll(".live").forEach(liveRefresh);
  });

  // The live refresh of conditions (form.html: htmx posts the page on each change and swaps
  // in the slots the server sends back) is a guest in the citizen's page. The server sends
  // only the slots whose visibility changed; here, a slot the citizen is in, or has touched
  // since the request left, is kept as it is, and an answer overtaken by a later one is
  // dropped. Which questions show is decided on the server alone.
  function liveRefresh(live) {
    var edits = 0;        // each keystroke, tick or pick in the page counts one
    var sent = 0;         // requests sent, and the number of the last one swapped in
    var swapped = 0;
    var since = null;     // the edit count when the answer being swapped in was asked for
    var keptAt = null;    // a slot was kept back when request number `keptAt` was the last

    function touched(event) {
      edits += 1;
      var slot = event.target.closest ? event.target.closest(".slot") : null;
      if (slot) { slot.dataset.edits = String(edits); }
    }
    // Capture: counted before htmx (listening on .live) sends the change it was told of.
    live.addEventListener("input", touched, true);
    live.addEventListener("change", touched, true);

    live.addEventListener("htmx:confirm", function (event) {
      var trigger = event.detail.triggeringEvent;
      // Conditions look at answers, never at files: a file picked asks nothing.
      if (trigger && trigger.target && trigger.target.type === "file") { event.preventDefault(); }
    });
    live.addEventListener("htmx:beforeRequest", function (event) {
      sent += 1;
      event.detail.xhr.parvisNumber = sent;
      event.detail.xhr.parvisEdits = edits;
    });
    live.addEventListener("htmx:beforeSwap", function (event) {
      var xhr = event.detail.xhr;
      if (xhr.parvisNumber === undefined) { return; }
      if (xhr.parvisNumber <= swapped) { event.detail.shouldSwap = false; return; }
      swapped = xhr.parvisNumber;
      since = xhr.parvisEdits;
    });
    live.addEventListener("htmx:oobBeforeSwap", function (event) {
      var slot = event.detail.target;
      if (since === null || !slot.classList.contains("slot")) { return; }
      if (slot.contains(document.activeElement) || Number(slot.dataset.edits || 0) > since) {
        event.detail.shouldSwap = false;
        keptAt = sent;
      }
    });
    // A slot kept back is asked for again once the citizen leaves it, unless leaving a
    // changed field has already sent a request (the browser fires "change" before "focusout").
    live.addEventListener("focusout", function () {
      if (keptAt !== null && keptAt === sent) {
        keptAt = null;
        htmx.trigger(live, "change");
      }
    });
  }
})();
