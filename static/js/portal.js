// The portal's only scripts, kept in this file so that the Content-Security-Policy can forbid
// inline ones (script-src 'self'). Each behaviour is switched on by a data- attribute.
(function () {
  "use strict";

  // The language switch submits itself (a button stays for browsers without scripts).
  document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // A document whose file is being made reloads itself, unless the user has started typing.
  if (document.querySelector("[data-refresh]")) {
    var typed = false;
    document.addEventListener("input", function () { typed = true; });
    setTimeout(function check() {
      if (!typed) { window.location.reload(); } else { setTimeout(check, 3000); }
    }, 3000);
  }

  // A roster being checked: its progress bar follows the worker, then the page reloads.
  var progress = document.querySelector("progress[data-progress-url]");
  if (progress) {
    var url = progress.getAttribute("data-progress-url");
    var poll = function () {
      fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (data) {
        progress.value = data.progress;
        // Past a few minutes the page says how long the work has waited for a worker.
        var waiting = document.getElementById("waiting");
        if (waiting) { waiting.textContent = data.waiting || ""; waiting.hidden = !data.waiting; }
        if (data.done) { window.location.reload(); } else { setTimeout(poll, 700); }
      }).catch(function () { setTimeout(poll, 2000); });
    };
    setTimeout(poll, 500);
  }
})();
