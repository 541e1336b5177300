/* The message preview without a round trip: the chosen files stay chosen. Without
   JavaScript the Preview button asks the server, which shows the same block. */
(function () {
  "use strict";
  var form = document.querySelector("form.message-form");
  var region = document.getElementById("message-preview");
  var template = document.getElementById("message-preview-template");
  if (!form || !region || !template) { return; }
  var button = form.querySelector("button[name=preview]");
  var text = form.querySelector("textarea");
  button.addEventListener("click", function (event) {
    if (!text.value.trim()) { return; }  /* the server explains what is missing */
    event.preventDefault();
    var preview = template.content.cloneNode(true);
    preview.querySelector(".preview-text").textContent = text.value.trim();
    region.replaceChildren(preview);
    region.querySelector(".message-preview").focus();
  });
})();
