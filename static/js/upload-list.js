/* The form's files (templates/index.html): Bootstrap Italia's upload list on top of the plain
   <input type=file id=files>, which keeps working without this script.

   - the chosen files are listed with name and size, each with a remove button;
   - choosing again, or dropping files on the area, ADDS to the list (a file with the same name
     replaces the earlier one); #files.files always holds exactly the listed files (set through a
     DataTransfer), so a plain submit or `new FormData(form)` sends them;
   - the main-document select follows the list;
   - the chosen office sets the input's `accept` and its limits;
   - before uploading: the count (the server's MAX_FILES), the request size (its
     MAX_CONTENT_LENGTH) and the estimated message size (the office's limit, with the
     estimate of checker/pecsize.py) are checked; a breach is shown next to the list and the
     submission is stopped. The server still checks everything. */
(function () {
  "use strict";

  var input = document.getElementById("files");
  var area = document.getElementById("upload-area");
  var settingsNode = document.getElementById("upload-settings");
  var form = document.getElementById("check-form");
  if (!input || !area || !settingsNode || !form || typeof DataTransfer === "undefined") { return; }

  var settings = JSON.parse(settingsNode.textContent);
  var msg = settings.messages;
  var lang = document.documentElement.lang || "it";
  var drop = document.getElementById("upload-drop");
  var list = document.getElementById("file-list");
  var total = document.getElementById("files-total");
  var problemsBox = document.getElementById("files-problems");
  var blocked = document.getElementById("submit-blocked");
  var profile = document.getElementById("profile");
  var formatsText = area.querySelector(".upload-formats");
  var chosen = [];   // the File objects in the list, in order

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
    });
  }

  var oneDecimal = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  function size(bytes) {
    // decimal units, as the offices and PEC providers state their limits
    if (bytes < 1000) { return bytes + " " + msg.byte; }
    if (bytes < 1000000) { return oneDecimal.format(bytes / 1000) + " kB"; }
    return oneDecimal.format(bytes / 1000000) + " MB";
  }

  // An estimate over a limit is rounded up, so "about 30.1 MB" never reads as "30 MB of 30 MB".
  function sizeUp(bytes) {
    if (bytes < 1000000) { return size(bytes); }
    return oneDecimal.format(Math.ceil(bytes / 100000) / 10) + " MB";
  }

  // The server's upload limit is set in MiB and its own pages say "100 MB": the same unit here.
  function sizeServer(bytes) {
    return oneDecimal.format(Math.ceil(bytes / 1048576 * 10) / 10) + " MB";
  }

  function office() {
    var id = (profile && profile.value) || area.dataset.office;
    return settings.offices[id] || settings.offices[Object.keys(settings.offices)[0]];
  }

  // checker/pecsize.py estimate(): base64 with CRLF every 76 characters, part headers,
  // message headers, subject twice, the body as text and HTML, the PEC envelope.
  function base64Size(n) {
    var encoded = Math.ceil(n / 3) * 4;
    return encoded + 2 * Math.ceil(encoded / 76);
  }
  function utf8Length(text) { return new TextEncoder().encode(text || "").length; }
  function messageEstimate() {
    var e = settings.estimate;
    var subject = document.getElementById("subject");
    var body = document.getElementById("body");
    var parts = chosen.reduce(function (sum, f) { return sum + base64Size(f.size) + e.partHeader; }, 0);
    var bodyBytes = 2 * (base64Size(utf8Length(body && body.value)) + e.partHeader);
    return e.messageHeader + 2 * utf8Length(subject && subject.value) + bodyBytes + parts + e.envelope;
  }
  function filesBytes() { return chosen.reduce(function (sum, f) { return sum + f.size; }, 0); }

  // What the browser sends: the files plus the multipart framing and the other fields.
  function requestEstimate() {
    var fields = Array.prototype.reduce.call(form.elements, function (sum, el) {
      return sum + (el.type === "file" || !el.name ? 0 : utf8Length(el.value) + 200);
    }, 0);
    return filesBytes() + chosen.reduce(function (sum, f) { return sum + utf8Length(f.name) + 200; }, 0) + fields;
  }

  function problems() {
    var out = [];
    var o = office();
    if (chosen.length > settings.maxFiles) {
      out.push({ kind: "count", block: true, text: fill(msg.countOver, {
        count: chosen.length, max: settings.maxFiles, extra: chosen.length - settings.maxFiles }) });
    }
    if (settings.maxRequestBytes && requestEstimate() > settings.maxRequestBytes) {
      out.push({ kind: "request", block: true, text: fill(msg.requestOver, {
        size: sizeServer(requestEstimate()),
        max: settings.maxRequestLabel }) });
    }
    var estimate = messageEstimate();
    if (chosen.length && estimate > o.maxMessageBytes) {
      out.push({ kind: "office", block: true, text: fill(msg.officeOver, {
        size: sizeUp(estimate), office: o.name, max: size(o.maxMessageBytes) }) });
    }
    if (chosen.length > o.maxFiles && chosen.length <= settings.maxFiles) {
      out.push({ kind: "office-count", block: false, text: fill(msg.officeCount, {
        office: o.name, max: o.maxFiles, count: chosen.length }) });
    }
    return out;
  }

  function showProblems() {
    var found = problems();
    problemsBox.textContent = "";
    if (found.length) {
      var ul = document.createElement("ul");
      ul.className = "mb-0";
      found.forEach(function (p) {
        var li = document.createElement("li");
        li.textContent = p.text;
        li.dataset.problem = p.kind;
        li.className = p.block ? "text-danger" : "";
        ul.appendChild(li);
      });
      problemsBox.appendChild(ul);
    }
    problemsBox.hidden = !found.length;
    var blocking = found.some(function (p) { return p.block; });
    problemsBox.classList.toggle("is-blocking", blocking);
    input.setAttribute("aria-invalid", blocking ? "true" : "false");
    if (!blocking) { blocked.hidden = true; }
    return blocking;
  }

  function extensionOf(name) {
    var dot = name.lastIndexOf(".");
    return dot > 0 ? name.slice(dot).toLowerCase() : "";
  }
  function accepted(file) {
    var accept = office().accept.split(",");
    return accept.indexOf(extensionOf(file.name)) !== -1 || accept.indexOf(file.type) !== -1;
  }

  function icon(name, extra) {
    var svgNS = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(svgNS, "svg");
    svg.setAttribute("class", "icon icon-sm" + (extra ? " " + extra : ""));
    svg.setAttribute("aria-hidden", "true");
    var use = document.createElementNS(svgNS, "use");
    use.setAttribute("href", area.dataset.sprite + name);
    svg.appendChild(use);
    return svg;
  }

  function renderList() {
    list.textContent = "";
    chosen.forEach(function (file, index) {
      var li = document.createElement("li");
      li.className = "upload-file success";
      li.dataset.name = file.name;
      li.appendChild(icon("it-file"));
      var p = document.createElement("p");
      var label = document.createElement("span");
      label.className = "visually-hidden";
      label.textContent = msg.fileLabel + " ";
      var name = document.createElement("span");
      name.className = "upload-file-name";
      name.textContent = file.name;
      var weight = document.createElement("span");
      weight.className = "upload-file-weight";
      weight.textContent = size(file.size);
      p.appendChild(label); p.appendChild(name); p.appendChild(weight);
      if (!accepted(file)) {
        var note = document.createElement("span");
        note.className = "upload-file-note d-block";
        note.textContent = fill(msg.notAccepted, { office: office().name });
        p.appendChild(note);
      }
      li.appendChild(p);
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "upload-file-remove";
      remove.dataset.index = String(index);
      var removeText = document.createElement("span");
      removeText.className = "visually-hidden";
      removeText.textContent = fill(msg.remove, { name: file.name });
      remove.appendChild(removeText);
      remove.appendChild(icon("it-close"));
      remove.addEventListener("click", function () { removeAt(index); });
      li.appendChild(remove);
      list.appendChild(li);
    });
    list.hidden = !chosen.length;
    total.textContent = chosen.length
      ? fill(msg.total, { count: chosen.length, size: size(filesBytes()) }) + " " +
        fill(msg.estimate, { size: sizeUp(messageEstimate()), max: size(office().maxMessageBytes), office: office().name })
      : msg.empty;
  }

  // The main-document select follows the list (the text field is for pages without scripts).
  function fillMain() {
    var wrap = document.getElementById("main-select-wrap");
    var select = document.getElementById("main-select");
    var textWrap = document.getElementById("main-text-wrap");
    var text = document.getElementById("main");
    if (!wrap || !select || !textWrap) { return; }
    var previous = select.value || (text && text.value) || "";
    select.textContent = "";
    chosen.forEach(function (f) {
      var opt = document.createElement("option");
      opt.value = f.name; opt.textContent = f.name;
      if (f.name === previous) { opt.selected = true; }
      select.appendChild(opt);
    });
    var useSelect = chosen.length > 0;
    wrap.hidden = !useSelect;
    select.disabled = !useSelect;
    textWrap.hidden = useSelect;
    if (text) { text.disabled = useSelect; }
  }

  function sync() {
    var transfer = new DataTransfer();
    chosen.forEach(function (f) { transfer.items.add(f); });
    input.files = transfer.files;
    renderList();
    fillMain();
    showProblems();
  }

  function add(files) {
    Array.prototype.forEach.call(files || [], function (file) {
      var same = chosen.findIndex(function (f) { return f.name === file.name; });
      if (same === -1) { chosen.push(file); } else { chosen[same] = file; }
    });
    sync();
  }

  function removeAt(index) {
    var removed = chosen.splice(index, 1)[0];
    sync();
    total.textContent = fill(msg.removed, { name: removed.name }) + " " + total.textContent;
    // keep the keyboard in the list: the next file's button, else the previous, else the picker
    var buttons = list.querySelectorAll(".upload-file-remove");
    var next = buttons[Math.min(index, buttons.length - 1)];
    (next || input).focus();
  }

  // The enhanced look: Bootstrap Italia's upload button over the input, a drop area.
  input.classList.remove("form-control");
  input.classList.add("upload");
  Array.prototype.forEach.call(area.querySelectorAll(".js-only"), function (el) { el.hidden = false; });
  drop.classList.add("is-enhanced");
  chosen = Array.prototype.slice.call(input.files || []);

  input.addEventListener("change", function () {
    // the picker replaced input.files with the new choice: add it to the list instead
    var picked = Array.prototype.slice.call(input.files || []);
    var known = chosen.length === picked.length && picked.every(function (f, i) { return f === chosen[i]; });
    if (!known) { add(picked); }
  });

  ["dragenter", "dragover"].forEach(function (type) {
    drop.addEventListener(type, function (e) {
      e.preventDefault();
      if (e.dataTransfer) { e.dataTransfer.dropEffect = "copy"; }
      drop.classList.add("dragover");
    });
  });
  ["dragleave", "dragend"].forEach(function (type) {
    drop.addEventListener(type, function () { drop.classList.remove("dragover"); });
  });
  drop.addEventListener("drop", function (e) {
    e.preventDefault();
    drop.classList.remove("dragover");
    if (e.dataTransfer && e.dataTransfer.files.length) { add(e.dataTransfer.files); }
  });

  function officeChanged() {
    var o = office();
    input.setAttribute("accept", o.accept);
    var formats = document.getElementById("files-formats");
    if (formats && formatsText) {
      formats.firstChild.textContent = fill(msg.formatsOf, { office: o.name }) + " ";
      formatsText.textContent = o.formats;
    }
    renderList();
    showProblems();
  }
  if (profile) { profile.addEventListener("change", officeChanged); }
  ["subject", "body"].forEach(function (id) {
    var field = document.getElementById(id);
    if (field) { field.addEventListener("change", function () { if (chosen.length) { renderList(); showProblems(); } }); }
  });

  // Stop a submission that cannot pass, before any byte is sent. Capture on the document runs
  // before any other submit handler (the form's own, a script that uploads with XHR).
  document.addEventListener("submit", function (e) {
    if (e.target !== form || !showProblems()) { return; }
    e.preventDefault();
    e.stopImmediatePropagation();
    blocked.textContent = msg.blocked;
    blocked.hidden = false;
    problemsBox.setAttribute("tabindex", "-1");
    problemsBox.focus();
  }, true);

  if (chosen.length) { sync(); } else { renderList(); fillMain(); }
  officeChanged();
})();
