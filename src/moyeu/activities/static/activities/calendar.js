// Drag a meeting onto another hour of the week grid to move it (same length). The server
// checks the version the page showed: if someone changed it since, it says so and the grid
// is reloaded. Without JavaScript, a meeting is moved from its edit form.
(function () {
  "use strict";
  function headers() {
    var raw = document.body.getAttribute("hx-headers");
    return raw ? JSON.parse(raw) : {};
  }
  function reload() {
    window.htmx.ajax("GET", window.location.href, { target: "#calendar", swap: "innerHTML" });
  }
  document.addEventListener("dragstart", function (event) {
    var item = event.target.closest && event.target.closest(".cal-item[data-move]");
    if (!item) return;
    event.dataTransfer.setData("text/plain", item.dataset.move + " " + item.dataset.version);
    event.dataTransfer.effectAllowed = "move";
  });
  document.addEventListener("dragover", function (event) {
    if (event.target.closest && event.target.closest("td[data-slot]")) event.preventDefault();
  });
  document.addEventListener("drop", function (event) {
    var cell = event.target.closest && event.target.closest("td[data-slot]");
    if (!cell) return;
    event.preventDefault();
    var parts = event.dataTransfer.getData("text/plain").split(" ");
    if (parts.length !== 2) return;
    var body = new FormData();
    body.append("start", cell.dataset.slot);
    body.append("version", parts[1]);
    fetch(parts[0], { method: "POST", body: body, headers: headers(), credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 204) return reload();
        return response.text().then(function (message) {
          window.alert(message);
          reload();
        });
      });
  });
})();
