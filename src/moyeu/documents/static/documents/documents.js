// Drag and drop onto a documents upload form ([data-dropzone]): the dropped file is put in
// the form's file input and the form is sent (htmx). Loaded by the panel; listens once.
(function () {
  "use strict";
  if (window.moyeuDocuments) { return; }
  window.moyeuDocuments = true;

  function zoneOf(event) {
    return event.target && event.target.closest ? event.target.closest("[data-dropzone]") : null;
  }
  function showName(zone, files) {
    var label = zone.querySelector("[data-file-name]");
    if (label) { label.textContent = files.length ? "— " + files[0].name : ""; }
  }
  document.addEventListener("dragover", function (event) {
    var zone = zoneOf(event);
    if (!zone) { return; }
    event.preventDefault();
    zone.classList.add("dragging");
  });
  document.addEventListener("dragleave", function (event) {
    var zone = zoneOf(event);
    if (zone && !zone.contains(event.relatedTarget)) { zone.classList.remove("dragging"); }
  });
  document.addEventListener("drop", function (event) {
    var zone = zoneOf(event);
    if (!zone) { return; }
    event.preventDefault();
    zone.classList.remove("dragging");
    var input = zone.querySelector("input[type=file]");
    if (!input || !event.dataTransfer || !event.dataTransfer.files.length) { return; }
    input.files = event.dataTransfer.files;
    showName(zone, input.files);
    zone.requestSubmit();
  });
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.matches && input.matches("[data-dropzone] input[type=file]")) {
      showName(input.closest("[data-dropzone]"), input.files);
    }
  });
})();
