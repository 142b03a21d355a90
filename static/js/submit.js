/* The check form sent by XMLHttpRequest: upload progress (bytes), the button disabled and the
   form aria-busy while it travels, a live region saying where it is; then the report's own
   address (the 303 the server answers). A 400 puts its error summary and field errors into
   THIS page, so the chosen files stay chosen. Without JavaScript the form posts as usual. */
(function () {
  "use strict";
  var form = document.getElementById("check-form");
  var box = document.getElementById("submit-progress");
  if (!form || !box || !window.XMLHttpRequest || !window.FormData || !window.DOMParser) { return; }
  var button = form.querySelector("button[type=submit]");
  var bar = document.getElementById("upload-progress");
  var status = document.getElementById("upload-status");
  var text = box.dataset;

  function say(message) { status.textContent = message; }
  function busy(on) {
    form.setAttribute("aria-busy", on ? "true" : "false");
    if (button) { button.disabled = on; button.setAttribute("aria-disabled", on ? "true" : "false"); }
    box.hidden = !on && !status.textContent;
  }
  function percent(loaded, total) { return total ? Math.floor(100 * loaded / total) : 0; }
  function mb(bytes) { return (bytes / 1048576).toFixed(1).replace(".", text.decimal || ","); }

  // Copy the field states of the server's answer (a 400 page) onto this page's fields.
  function mergeErrors(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.getElementById("check-form");
    if (!fresh) { return false; }
    var oldSummary = document.getElementById("error-summary");
    var newSummary = doc.getElementById("error-summary");
    if (oldSummary) { oldSummary.remove(); }
    Array.prototype.forEach.call(form.querySelectorAll(".invalid-feedback"), function (el) { el.remove(); });
    Array.prototype.forEach.call(fresh.querySelectorAll("input[id], select[id], textarea[id]"), function (el) {
      var mine = document.getElementById(el.id);
      if (!mine || !form.contains(mine)) { return; }
      ["class", "aria-invalid", "aria-describedby"].forEach(function (name) {
        if (el.hasAttribute(name)) { mine.setAttribute(name, el.getAttribute(name)); } else { mine.removeAttribute(name); }
      });
    });
    Array.prototype.forEach.call(fresh.querySelectorAll(".invalid-feedback[id]"), function (el) {
      var copy = document.importNode(el, true);
      var before = el.previousElementSibling;
      var anchor = (before && before.id && document.getElementById(before.id)) ||
                   document.getElementById(el.id.replace(/-error$/, ""));
      if (anchor && anchor.parentNode) { anchor.parentNode.insertBefore(copy, anchor.nextSibling); }
      else { form.appendChild(copy); }
    });
    var token = fresh.querySelector("input[name=csrf_token]");
    var mineToken = form.querySelector("input[name=csrf_token]");
    if (token && mineToken) { mineToken.value = token.value; }
    if (newSummary) {
      var summary = document.importNode(newSummary, true);
      form.parentNode.insertBefore(summary, form);
      summary.focus();
    }
    return true;
  }

  // Any other answer that is not the report (413, 503, an expired form): show its content here.
  function showPage(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var main = doc.getElementById("content");
    var mine = document.getElementById("content");
    if (!main || !mine) { return; }
    mine.innerHTML = main.innerHTML;
    document.title = doc.title;
    var heading = mine.querySelector("h1");
    if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") { return; }
    var data = new FormData(form);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-Pec-Precheck-Poll", "1");   // the report page answers at once
    bar.value = 0; bar.max = 100; bar.hidden = false;
    say(text.start);
    busy(true);
    var last = -1;
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) { return; }
      var p = percent(e.loaded, e.total);
      bar.max = e.total; bar.value = e.loaded;
      bar.setAttribute("aria-valuetext", p + "%");
      if (p >= last + 10 || p === 100) {   // the live region speaks every 10 %, not every event
        last = p;
        say(text.uploading.replace("%%", "%").replace("%(percent)s", p).replace("%(sent)s", mb(e.loaded)).replace("%(total)s", mb(e.total)));
      }
    });
    xhr.upload.addEventListener("load", function () { say(text.checking); });
    xhr.addEventListener("load", function () {
      var url = xhr.responseURL || "";
      if (xhr.status === 400 && mergeErrors(xhr.responseText)) {
        say(""); bar.hidden = true; busy(false); return;
      }
      if (xhr.status < 400 && /\/jobs\/[^/]+\/report/.test(url)) {
        say(text.done);
        window.location.assign(url);
        return;
      }
      bar.hidden = true; say(""); busy(false);
      showPage(xhr.responseText);
    });
    xhr.addEventListener("error", function () { bar.hidden = true; busy(false); say(text.failed); });
    xhr.send(data);
  });
})();
