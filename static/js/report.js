/* The report page: focus on the verdict when it loads (screen readers and keyboards start
   there), print and download buttons; while the check runs, the progress of each file and
   check polled from /jobs/<id>/progress, then the finished report in place (same address). */
(function () {
  "use strict";
  var verdict = document.getElementById("verdict") || document.getElementById("job-banner");
  if (verdict) { verdict.focus(); }

  var printButton = document.getElementById("print-report");
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }

  // on paper every technical detail is shown: open them for printing, close them again after
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll("details:not([open])"), function (d) {
      d.open = true; return true;
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });

  var job = document.getElementById("job");
  if (!job || !job.dataset.progressUrl || !window.fetch) { return; }
  var bar = document.getElementById("job-progress-bar");
  var status = document.getElementById("job-status");
  var title = document.getElementById("job-title");
  var list = document.getElementById("job-files");
  var labels = {};
  try { labels = JSON.parse(job.dataset.labels || "{}"); } catch (e) { labels = {}; }

  function render(p) {
    if (!p || !p.total) { return; }
    bar.style.width = Math.round(100 * p.done / p.total) + "%";
    bar.setAttribute("aria-valuemax", p.total);
    bar.setAttribute("aria-valuenow", p.done);
    status.textContent = job.dataset.textProgress.replace("%(done)s", p.done).replace("%(total)s", p.total);
    list.innerHTML = "";
    p.files.forEach(function (f) {
      if (!f.name) { return; }
      var li = document.createElement("li");
      li.className = "mb-2";
      var name = document.createElement("strong");
      name.textContent = f.name;
      li.appendChild(name);
      li.appendChild(document.createTextNode(": " + f.checks.map(function (c) {
        return (labels[c.check] || c.check) + (c.done ? " ✓" : " …");
      }).join(", ")));
      list.appendChild(li);
    });
  }

  function poll() {
    fetch(job.dataset.progressUrl, { headers: { "Accept": "application/json" }, cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : { state: "failed" }; })
      .then(function (s) {
        if (s.state === "done" || s.state === "failed") {
          window.location.replace(job.dataset.reportUrl);
          return;
        }
        if (s.state === "running" && title && job.dataset.state !== "running") {
          job.dataset.state = "running";
          title.textContent = job.dataset.textRunning;
        }
        render(s.progress);
        window.setTimeout(poll, 700);
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 300);
})();
