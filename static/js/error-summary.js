/* The error summary of a form that came back with errors (templates/macros.html).
 * On load it takes the focus, so it is read first and Tab goes to its links. Following a link
 * puts the focus in the control (a group's chosen or first option) with its label, or its
 * group's question, in view. Without this script the links still lead to each field (a group's
 * fieldset, question first) and role="alert" announces the summary. */
(function () {
  "use strict";

  function controlOf(target) {
    if (target.matches("input, select, textarea")) return target;
    return target.querySelector("input:checked") || target.querySelector("input, select, textarea");
  }

  function headingOf(target, control) {
    if (target.tagName === "FIELDSET") return target.querySelector("legend") || target;
    return (control.id && document.querySelector("label[for='" + control.id + "']")) || control;
  }

  function start() {
    var summary = document.getElementById("error-summary");
    if (!summary) return;
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var target = link && document.getElementById(link.getAttribute("href").slice(1));
      var control = target && controlOf(target);
      if (!control) return;
      event.preventDefault();
      headingOf(target, control).scrollIntoView({block: "center"});
      control.focus({preventScroll: true});
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
