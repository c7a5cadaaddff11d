// Small behaviours of the Moyeu UI. No inline scripts: this file is the only one besides htmx.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-open-dialog]");
    if (opener) {
      var dialog = document.getElementById(opener.getAttribute("data-open-dialog"));
      if (dialog) {
        var query = dialog.querySelector("input[name=query]");
        if (query) { query.value = window.location.search; }
        dialog.showModal();
        var first = dialog.querySelector("input:not([type=hidden])");
        if (first) { first.focus(); }
      }
      return;
    }
    var closer = event.target.closest("[data-close-dialog]");
    if (closer) {
      closer.closest("dialog").close();
      return;
    }
    var toggle = event.target.closest(".menu-toggle");
    if (toggle) {
      var sidebar = document.getElementById("sidebar");
      var open = sidebar.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
  });

  // A saved view was stored: close the dialog that saved it.
  document.body.addEventListener("savedViewsChanged", function () {
    document.querySelectorAll("dialog[open]").forEach(function (dialog) { dialog.close(); });
  });

  // Keep list addresses short and shareable: drop empty filters, and the column choice when
  // it is the default one.
  document.body.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt.closest && event.detail.elt.closest("form[data-default-columns]");
    if (!form) { return; }
    var data = event.detail.formData;
    Array.from(new Set(Array.from(data.keys()))).forEach(function (key) {
      var kept = data.getAll(key).filter(function (value) { return value !== ""; });
      data.delete(key);
      kept.forEach(function (value) { data.append(key, value); });
    });
    if (data.getAll("col").join(" ") === form.getAttribute("data-default-columns")) {
      data.delete("col");
    }
  });

  // Global search: "/" focuses the header box; arrow keys walk its suggestions; Escape
  // closes them. Enter in the box opens the full results page (a plain form submit).
  var searchBox = document.getElementById("global-search-q");
  if (searchBox) {
    var panel = document.getElementById("global-search-suggestions");
    var links = function () { return Array.from(panel.querySelectorAll("a")); };
    var closePanel = function () {
      panel.innerHTML = "";
      searchBox.setAttribute("aria-expanded", "false");
    };
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target === panel) {
        searchBox.setAttribute("aria-expanded", panel.innerHTML.trim() ? "true" : "false");
      }
    });
    document.addEventListener("keydown", function (event) {
      var typing = event.target.closest("input, textarea, select, [contenteditable]");
      if (event.key === "/" && !typing) {
        event.preventDefault();
        searchBox.focus();
        searchBox.select();
        return;
      }
      if (!event.target.closest(".global-search")) { return; }
      var items = links();
      var index = items.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && items.length) {
        event.preventDefault();
        items[Math.min(index + 1, items.length - 1)].focus();
      } else if (event.key === "ArrowUp" && items.length) {
        event.preventDefault();
        if (index <= 0) { searchBox.focus(); } else { items[index - 1].focus(); }
      } else if (event.key === "Escape") {
        closePanel();
        searchBox.focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (!event.target.closest(".global-search")) { closePanel(); }
    });
  }

  // Confirm before destructive buttons that carry data-confirm.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = button && button.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
})();
