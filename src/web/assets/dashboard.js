// vignette: the facilitator's dashboard follows the session live (server-
// sent events) and carries out its buttons without leaving the page.
(function () {
  "use strict";
  var main = document.getElementById("dashboard");
  if (!main) return;
  var banner = document.getElementById("connection");

  function reload() {
    fetch("/dashboard/grid", { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.text();
    }).then(function (html) {
      var open = {};
      main.querySelectorAll("details[open] summary").forEach(function (s) { open[s.textContent] = true; });
      var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("grid");
      if (!fresh) return;
      fresh.querySelectorAll("details summary").forEach(function (s) {
        if (open[s.textContent]) s.parentNode.open = true;
      });
      document.getElementById("grid").replaceWith(document.importNode(fresh, true));
      banner.hidden = true;
    }).catch(function () { banner.hidden = false; });
  }

  document.addEventListener("submit", function (ev) {
    var f = ev.target;
    if (f.closest("#grid") === null) return;
    ev.preventDefault();
    if (f.classList.contains("confirm") && !window.confirm(f.dataset.confirm)) return;
    var data = new URLSearchParams(new FormData(f));
    data.append("js", "1");
    fetch(f.action, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: data.toString(),
      credentials: "same-origin"
    }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      reload();
    }).catch(function () { banner.hidden = false; });
  });

  if (window.EventSource) {
    var source = new EventSource("/dashboard/events");
    source.addEventListener("change", reload);
    source.onopen = function () { banner.hidden = true; };
    source.onerror = function () { banner.hidden = false; };
  }
})();
