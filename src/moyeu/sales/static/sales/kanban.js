// The kanban board: drag a card onto another column to move the opportunity there. The card
// is posted with htmx (the page's CSRF header) with its new stage and the version the page
// showed; the server answers the card as it now is — moved, or refused with the reason and
// a form for the missing fields — and the columns' totals out of band. A card always ends in
// the column of the stage it says it is in (data-stage). Without JavaScript, or with the
// keyboard, the card's title opens the opportunity, whose page moves it too.
(function () {
  "use strict";
  var dragged = null;

  function columnOf(stage) {
    return document.querySelector('.kanban-cards[data-stage="' + stage + '"]');
  }

  // Each card in its stage's column (after a swap, a refused move goes back).
  function place(card) {
    var body = columnOf(card.dataset.stage);
    if (body && card.parentElement !== body) {
      var hint = body.querySelector(".empty-column");
      if (hint) { hint.remove(); }
      body.insertBefore(card, body.firstChild);
    }
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".kanban-card[draggable=true]");
    if (!card) { return; }
    dragged = card;
    event.dataTransfer.setData("text/plain", card.id);
    event.dataTransfer.effectAllowed = "move";
    card.classList.add("dragging");
  });

  document.addEventListener("dragend", function () {
    if (dragged) { dragged.classList.remove("dragging"); }
    document.querySelectorAll(".kanban-column.drop-target").forEach(function (column) {
      column.classList.remove("drop-target");
    });
  });

  document.addEventListener("dragover", function (event) {
    var column = event.target.closest && event.target.closest(".kanban-column");
    if (!column || !dragged) { return; }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    column.classList.add("drop-target");
  });

  document.addEventListener("dragleave", function (event) {
    var column = event.target.closest && event.target.closest(".kanban-column");
    if (column && !column.contains(event.relatedTarget)) { column.classList.remove("drop-target"); }
  });

  document.addEventListener("drop", function (event) {
    var column = event.target.closest && event.target.closest(".kanban-column");
    if (!column || !dragged) { return; }
    event.preventDefault();
    column.classList.remove("drop-target");
    var card = dragged;
    dragged = null;
    var stage = column.dataset.stage;
    if (stage === card.dataset.stage) { return; }
    var body = column.querySelector(".kanban-cards");
    var hint = body.querySelector(".empty-column");
    if (hint) { hint.remove(); }
    body.insertBefore(card, body.firstChild);
    card.classList.add("is-moving");
    var values = { stage: stage, version: card.dataset.version };
    var board = document.getElementById("kanban");
    if (board && board.dataset.owner) { values.owner = board.dataset.owner; }
    window.htmx.ajax("POST", card.dataset.moveUrl, {
      target: "#" + card.id,
      swap: "outerHTML",
      values: values
    });
  });

  // A refused move (422), a conflict (409) or a denial (403) answers the card with the
  // reason: show it like any other answer.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var status = event.detail.xhr.status;
    if (target && target.classList && target.classList.contains("kanban-card") &&
        (status === 403 || status === 409 || status === 422)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.body.addEventListener("htmx:afterSettle", function (event) {
    var elt = event.detail.elt;
    if (elt && elt.classList && elt.classList.contains("kanban-card")) { place(elt); }
    document.querySelectorAll(".kanban-card").forEach(function (card) {
      if (card.parentElement && card.parentElement.dataset.stage !== card.dataset.stage) {
        place(card);
      }
    });
  });
})();
