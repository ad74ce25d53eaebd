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
  });
})();
