// Live progress of the jobs on the page: each unfinished job's status URL is
// asked every two seconds; when one finishes the page reloads to show its
// result (download link or the reason it failed).
(function () {
  "use strict";
  function poll(row) {
    var url = row.getAttribute("data-status-url");
    if (!url) { return; }
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) { return; }
        if (state.finished) { window.location.reload(); return; }
        var bar = row.querySelector("progress");
        var label = row.querySelector(".job-state");
        if (bar) { bar.value = state.percent; }
        if (label) {
          label.textContent = state.status_label + (state.total ? " · " + state.done + " / " + state.total : "");
        }
        window.setTimeout(function () { poll(row); }, 2000);
      })
      .catch(function () { window.setTimeout(function () { poll(row); }, 5000); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-status-url]").forEach(function (row) {
      window.setTimeout(function () { poll(row); }, 1000);
    });
  });
})();
