/* PEC Precheck: the triage table's sort and filters, the rules' search. Without this script
   the pages show everything (the table complete, every rule); the controls stay hidden. */
(function () {
  "use strict";

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return String(values[key]); });
  }

  // --- triage: filter by status, class, receipt type and problem; sort by a column
  var table = document.getElementById("triage-table");
  var controls = document.getElementById("triage-controls");
  if (table && controls) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.querySelectorAll("tr.triage-row"));
    var details = {};
    Array.prototype.forEach.call(body.querySelectorAll("tr.triage-detail"), function (tr) {
      details[tr.dataset.for] = tr;
    });
    var filters = Array.prototype.slice.call(controls.querySelectorAll("select[data-filter]"));
    var sortKey = document.getElementById("sort-key");
    var sortDir = document.getElementById("sort-dir");
    var shown = document.getElementById("triage-shown");
    var sortValue = {
      status: function (r) { return r.dataset.statusOrder; },
      "class": function (r) { return r.dataset.classLabel.toLowerCase(); },
      receipt: function (r) { return (r.dataset.receiptLabel || "\uffff").toLowerCase(); },
      date: function (r) { return r.dataset.date || "\uffff"; },
      sender: function (r) { return r.dataset.sender || "\uffff"; },
      file: function (r) { return r.dataset.file; }
    };
    var headerFor = {};
    Array.prototype.forEach.call(table.tHead.querySelectorAll("th[data-sort]"), function (th) {
      headerFor[th.dataset.sort] = th;
      // the heading is a button too (mouse or keyboard): a first press sorts by the column,
      // the next reverses; the selects above follow, so both say the same
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () {
        if (sortKey.value === th.dataset.sort) {
          sortDir.value = sortDir.value === "asc" ? "desc" : "asc";
        } else {
          sortKey.value = th.dataset.sort;
          sortDir.value = "asc";
        }
        apply();
      });
    });

    var matches = function (row) {
      return filters.every(function (select) {
        var want = select.value;
        if (!want) { return true; }
        switch (select.dataset.filter) {
          case "status": return row.dataset.status === want;
          case "class": return row.dataset["class"] === want;
          case "receipt": return row.dataset.receipt === want;
          case "alert": return (" " + row.dataset.alerts + " ").indexOf(" " + want + " ") >= 0;
        }
        return true;
      });
    };

    var apply = function () {
      var key = sortKey.value;
      var direction = sortDir.value === "desc" ? -1 : 1;
      var ordered = rows.slice();
      if (key && sortValue[key]) {
        ordered.sort(function (a, b) {
          var x = sortValue[key](a), y = sortValue[key](b);
          if (x < y) { return -direction; }
          if (x > y) { return direction; }
          return Number(a.dataset.index) - Number(b.dataset.index);
        });
      }
      var count = 0;
      ordered.forEach(function (row) {
        var visible = matches(row);
        row.hidden = !visible;
        var detail = details[row.id];
        if (detail) { detail.hidden = !visible; }
        body.appendChild(row);
        if (detail) { body.appendChild(detail); }
        if (visible) { count += 1; }
      });
      Object.keys(headerFor).forEach(function (name) {
        if (name === key) {
          headerFor[name].setAttribute("aria-sort", direction === 1 ? "ascending" : "descending");
        } else {
          headerFor[name].removeAttribute("aria-sort");
        }
      });
      table.dataset.sorted = key ? key + ":" + sortDir.value : "";
      shown.textContent = fill(shown.dataset.template, {shown: count, total: rows.length});
    };

    filters.concat([sortKey, sortDir]).forEach(function (select) {
      select.addEventListener("change", apply);
    });
    controls.hidden = false;
    apply();
  }

  // --- rules: search by code or words, in the page's language
  var search = document.getElementById("rules-search");
  var searchWrap = document.getElementById("rules-search-wrap");
  if (search && searchWrap) {
    var rules = Array.prototype.slice.call(document.querySelectorAll("article.rule[data-search]"));
    var groups = Array.prototype.slice.call(document.querySelectorAll("section.rules-group"));
    var count = document.getElementById("rules-count");
    var none = document.getElementById("rules-none");
    var normalise = function (text) {
      return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    };
    var haystacks = rules.map(function (r) { return normalise(r.dataset.search); });
    var run = function () {
      var words = normalise(search.value).split(/\s+/).filter(Boolean);
      var visible = 0;
      rules.forEach(function (rule, i) {
        var ok = words.every(function (w) { return haystacks[i].indexOf(w) >= 0; });
        rule.hidden = !ok;
        if (ok) { visible += 1; }
      });
      groups.forEach(function (g) { g.hidden = !g.querySelector("article.rule:not([hidden])"); });
      none.hidden = visible > 0;
      count.textContent = fill(count.dataset.template, {shown: visible, total: rules.length});
    };
    var timer = null;
    search.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(run, 120);
    });
    searchWrap.hidden = false;
    run();
  }
}());
