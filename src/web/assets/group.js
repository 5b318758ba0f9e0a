// vignette: the group's page saves answers as the group types (debounced),
// shows whether each one is saved, retries without losing text, and shows
// newly revealed stages without a reload. Without this script the forms
// post as usual.
(function () {
  "use strict";
  var main = document.getElementById("group");
  if (!main) return;
  var words = main.dataset;
  var pending = {};   // key -> timer
  var failing = {};   // key -> retry delay
  var sent = {};      // key -> number of the latest save sent
  var banner = document.getElementById("connection");

  function promptOf(el) { return el.closest(".prompt"); }
  function formOf(el) { return el.closest("form"); }
  function keyOf(p, f) { return f.elements.vignette.value + "/" + p.dataset.prompt; }
  function setStatus(p, text, cls) {
    var s = p.querySelector(".status");
    s.textContent = text;
    s.className = "status" + (cls ? " " + cls : "");
  }

  // The fields of one prompt, encoded as the plain form would send them.
  function body(p, f) {
    var data = new URLSearchParams();
    data.append("csrf", f.elements.csrf.value);
    data.append("vignette", f.elements.vignette.value);
    data.append("stage", f.elements.stage.value);
    data.append("only", p.dataset.prompt);
    data.append("js", "1");
    p.querySelectorAll("textarea, input, select").forEach(function (el) {
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      data.append(el.name, el.value);
    });
    return data;
  }

  function ready(p) {
    var kind = p.dataset.kind;
    if (kind === "text") return p.querySelector("textarea").value.trim() !== "";
    if (kind === "rank") {
      // Places 1, 2, 3, … each once: every option's, or at least the top
      // data-ranked where the prompt takes a partial ranking.
      var seen = {}, ok = true, count = 0;
      p.querySelectorAll("select").forEach(function (s) {
        if (!s.value) return;
        if (seen[s.value]) ok = false;
        seen[s.value] = true;
        count += 1;
      });
      for (var n = 1; n <= count; n++) if (!seen[n]) ok = false;
      return ok && count >= Number(p.dataset.ranked);
    }
    if (kind === "multi") return true;
    return !!p.querySelector("input:checked");
  }

  function save(p, f) {
    var key = keyOf(p, f);
    delete pending[key];
    if (!ready(p)) {
      setStatus(p, p.dataset.kind === "rank" ? words.distinct : words.unsaved, "");
      return;
    }
    setStatus(p, words.saving, "");
    var number = (sent[key] || 0) + 1;
    sent[key] = number;
    fetch("/group/answer", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json" },
      body: body(p, f).toString(),
      credentials: "same-origin"
    }).then(function (r) {
      return r.json().then(function (j) { return { ok: r.ok, status: r.status, json: j }; });
    }).then(function (r) {
      banner.hidden = true;
      // A later edit is waiting or on its way: its own save reports, and
      // until it does the prompt must not say it is saved.
      if (superseded(key, number)) return;
      if (r.ok) {
        delete failing[key];
        setStatus(p, words.saved, "ok");
      } else if (r.status >= 500) {
        retry(p, f, key);
      } else {
        setStatus(p, r.json.error || words.failed, "fail");
      }
    }).catch(function () {
      banner.hidden = false;
      if (!superseded(key, number)) retry(p, f, key);
    });
  }

  // Whether save `number` of `key` is no longer the latest word on it.
  function superseded(key, number) {
    return sent[key] !== number || key in pending;
  }

  function retry(p, f, key) {
    setStatus(p, words.failed, "fail");
    var delay = Math.min((failing[key] || 1000) * 2, 15000);
    failing[key] = delay;
    schedule(p, f, delay);
  }

  function schedule(p, f, delay) {
    var key = keyOf(p, f);
    clearTimeout(pending[key]);
    pending[key] = setTimeout(function () { save(p, f); }, delay);
  }

  function edited(ev) {
    var p = promptOf(ev.target), f = formOf(ev.target);
    if (!p || !f) return;
    setStatus(p, words.unsaved, "");
    schedule(p, f, ev.type === "input" && ev.target.tagName === "TEXTAREA" ? 800 : 150);
  }

  document.addEventListener("input", edited);
  document.addEventListener("change", edited);
  document.addEventListener("submit", function (ev) {
    var f = ev.target;
    if (!f.classList.contains("answers")) return;
    ev.preventDefault();
    f.querySelectorAll(".prompt").forEach(function (p) {
      if (ready(p)) schedule(p, f, 0);
    });
  });
  window.addEventListener("beforeunload", function (ev) {
    if (Object.keys(pending).length || Object.keys(failing).length) {
      ev.preventDefault();
      ev.returnValue = "";
    }
  });

  // New stages and locks, from the server, without touching what is typed.
  function refresh() {
    fetch("/group", { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.text();
    }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html");
      var freshMain = fresh.getElementById("group");
      if (!freshMain) return;
      freshMain.querySelectorAll("article.vignette").forEach(function (art) {
        var mine = document.getElementById(art.id);
        if (!mine) { main.appendChild(document.importNode(art, true)); return; }
        var h = art.querySelector("h1"), myH = mine.querySelector("h1");
        if (h && myH) myH.textContent = h.textContent;
        art.querySelectorAll("section.stage").forEach(function (st) {
          var have = document.getElementById(st.id);
          if (!have) {
            mine.querySelector(".stages").appendChild(document.importNode(st, true));
          } else if (st.dataset.locked === "true" && have.dataset.locked !== "true") {
            have.replaceWith(document.importNode(st, true));
          }
        });
        var wait = mine.querySelector(".waiting");
        if (wait && !art.querySelector(".waiting")) wait.remove();
      });
      var closed = fresh.getElementById("closed");
      if (closed && !document.getElementById("closed")) {
        main.insertBefore(document.importNode(closed, true), main.firstChild);
        document.querySelectorAll("form.answers fieldset").forEach(function (fs) {
          if (!fs.classList.contains("choice")) fs.disabled = true;
        });
      }
    }).catch(function () { banner.hidden = false; });
  }

  if (window.EventSource) {
    var source = new EventSource("/group/events");
    source.addEventListener("change", refresh);
    source.onopen = function () { banner.hidden = true; };
    source.onerror = function () { banner.hidden = false; };
  }
})();
