/* Solves the proof of work of a public form while the person writes (services/abuse.py):
   a form with data-proof="<worker URL>" carries proof_challenge; the answer goes into
   proof_nonce. If Send is pressed before the answer is found, the page says it is still
   preparing (data-proof-wait) and sends as soon as it is ready. Without this script (or
   without Web Workers) the form still works: the server then asks for a short wait instead. */
(function () {
  "use strict";
  document.querySelectorAll("form[data-proof]").forEach(function (form) {
    var challenge = form.querySelector("input[name=proof_challenge]");
    var nonce = form.querySelector("input[name=proof_nonce]");
    var status = form.querySelector("[data-proof-status]");
    if (!challenge || !nonce || !window.Worker) { return; }
    var parts = challenge.value.split(".");  // v1.purpose.issued.bits.salt.mac
    var ready = nonce.value !== "" || parts.length !== 6;
    var waiting = false, sending = false;
    if (!ready) {
      try {
        var worker = new Worker(form.getAttribute("data-proof"));
        worker.onmessage = function (event) {
          nonce.value = event.data;
          ready = true;
          worker.terminate();
          if (waiting) {
            if (status) { status.textContent = ""; }
            sending = true;
            form.submit();
          }
        };
        worker.onerror = function () { ready = true; };  // the server's no-script path takes over
        worker.postMessage({salt: parts[4], bits: parseInt(parts[3], 10)});
      } catch (error) {
        ready = true;
      }
    }
    window.addEventListener("pageshow", function () { sending = false; });  // back to this page
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      if (submitter && submitter.hasAttribute("formaction")) { return; }  // the language menu
      if (sending) { event.preventDefault(); return; }  // a second press while sending
      if (ready) { sending = true; return; }
      event.preventDefault();
      waiting = true;
      if (status) { status.textContent = form.getAttribute("data-proof-wait") || ""; }
    });
  });
})();
