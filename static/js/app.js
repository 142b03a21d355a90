/* PEC Precheck page behaviour. Everything works without it; it only adds comfort. */
(function () {
  "use strict";

  // Bootstrap Italia 2 loads its web fonts from a path we give it.
  if (window.bootstrap && typeof window.bootstrap.loadFonts === "function") {
    window.bootstrap.loadFonts(document.body.dataset.fonts);
  }

  // Error summary: move focus there so screen readers announce it first.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }

  // Recipient hint follows the chosen office's protocol address.
  var profile = document.getElementById("profile");
  var recipient = document.getElementById("recipient");
  if (profile && recipient) {
    profile.addEventListener("change", function () {
      var opt = profile.options[profile.selectedIndex];
      recipient.placeholder = (opt && opt.dataset.address) || "protocollo@pec.ente.it";
    });
  }

  // "Altro" document type: show the free-text field only when chosen.
  var docType = document.getElementById("doc_type");
  var otherWrap = document.getElementById("doc-type-other-wrap");
  function syncOther() { if (docType && otherWrap) { otherWrap.hidden = docType.value !== "altro"; } }
  if (docType) { docType.addEventListener("change", syncOther); syncOther(); }

  // Main document: a select filled from the chosen files replaces the text field.
  var files = document.getElementById("files");
  var selectWrap = document.getElementById("main-select-wrap");
  var select = document.getElementById("main-select");
  var textWrap = document.getElementById("main-text-wrap");
  var text = document.getElementById("main");
  function fillMain() {
    var names = Array.prototype.map.call(files.files || [], function (f) { return f.name; });
    var previous = select.value || (text && text.value) || "";
    select.innerHTML = "";
    names.forEach(function (name) {
      var opt = document.createElement("option");
      opt.value = name; opt.textContent = name;
      if (name === previous) { opt.selected = true; }
      select.appendChild(opt);
    });
    var useSelect = names.length > 0;
    selectWrap.hidden = !useSelect;
    select.disabled = !useSelect;
    textWrap.hidden = useSelect;
    if (text) { text.disabled = useSelect; }
  }
  if (files && select && textWrap) {
    files.addEventListener("change", fillMain);
    if (files.files && files.files.length) { fillMain(); }
  }

  // Result page: download the same JSON the page was rendered from.
  var button = document.getElementById("download-json");
  var embedded = document.getElementById("report-json");
  if (button && embedded) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var blob = new Blob([embedded.textContent], { type: "application/json" });
      var url = URL.createObjectURL(blob);
      var a = document.createElement("a");
      a.href = url; a.download = button.dataset.filename || "pec-precheck.json";
      document.body.appendChild(a); a.click(); a.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    });
  }
})();
