// The console's only script besides htmx (no inline script: the CSP allows none).
"use strict";

document.addEventListener("click", function (event) {
  // A suggestion's button puts its answer in the reply box, to be edited before sending.
  var button = event.target.closest(".use-suggestion");
  if (!button) return;
  var box = document.getElementById("reply-text");
  if (!box) return;
  box.value = button.dataset.answer || "";
  box.focus();
});

document.addEventListener("keydown", function (event) {
  // Ctrl+Enter (Cmd+Enter on a Mac) in a reply box sends the reply.
  if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
  var form = event.target.closest && event.target.closest("form[data-ctrl-enter]");
  if (!form) return;
  event.preventDefault();
  if (form.reportValidity()) form.requestSubmit();
});
