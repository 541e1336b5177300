/* The receipt page's "Copy the code" button (shown only when the clipboard can be used). */
(function () {
  "use strict";
  var button = document.querySelector(".copy-receipt");
  var status = document.querySelector(".copy-status");
  if (!button || !navigator.clipboard || !window.isSecureContext) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
      if (status) { status.textContent = button.getAttribute("data-copied"); }
    });
  });
})();
