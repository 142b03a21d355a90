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

  // The chosen office: the recipient hint shows its protocol address, and its rules (every
  // office's are in the page, templates/index.html) are the ones shown. The file input's
  // accept and limits follow in upload-list.js; the list itself lives there too.
  var profile = document.getElementById("profile");
  var recipient = document.getElementById("recipient");
  function syncOffice() {
    var opt = profile.options[profile.selectedIndex];
    if (recipient) { recipient.placeholder = (opt && opt.dataset.address) || "protocollo@pec.ente.it"; }
    Array.prototype.forEach.call(document.querySelectorAll(".office-rules-panel"), function (panel) {
      panel.hidden = panel.dataset.office !== profile.value;
    });
  }
  if (profile) {
    profile.addEventListener("change", syncOffice);
    syncOffice();  // a reload may bring back another choice than the page was rendered with
  }

  // "Altro" document type: show the free-text field only when chosen.
  var docType = document.getElementById("doc_type");
  var otherWrap = document.getElementById("doc-type-other-wrap");
  function syncOther() { if (docType && otherWrap) { otherWrap.hidden = docType.value !== "altro"; } }
  if (docType) { docType.addEventListener("change", syncOther); syncOther(); }

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
