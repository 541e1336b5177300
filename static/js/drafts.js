/* Drafts kept in this browser tab only (sessionStorage), so a reload or a closed session
   loses nothing. A form with data-drafts="<key>" saves its text fields and choices as the
   person types, and restores them into empty fields when the page opens again. The copy is
   deleted when the server confirms the form was sent (data-drafts-sent="<key>" on the next
   page), when a form with data-drafts-clear is sent (close my case), and with the tab. */
(function () {
  "use strict";
  var PREFIX = "complaints-draft:";
  var store;
  try { store = window.sessionStorage; store.getItem(PREFIX); } catch (error) { return; }

  function forget(key) {
    if (key === "*") {
      Object.keys(store).forEach(function (name) { if (name.indexOf(PREFIX) === 0) { store.removeItem(name); } });
    } else {
      store.removeItem(PREFIX + key);
    }
  }

  document.querySelectorAll("[data-drafts-sent]").forEach(function (element) {
    element.getAttribute("data-drafts-sent").split(" ").forEach(forget);
  });
  document.querySelectorAll("form[data-drafts-clear]").forEach(function (form) {
    form.addEventListener("submit", function () { forget("*"); });
  });

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrf_token" && el.name.indexOf("proof_") !== 0 &&
        ["hidden", "file", "password", "submit", "button"].indexOf(el.type) < 0;
    });
  }

  document.querySelectorAll("form[data-drafts]").forEach(function (form) {
    var key = PREFIX + form.getAttribute("data-drafts");
    var note = form.querySelector("[data-drafts-note]");
    if (note) { note.hidden = false; }
    var saved = {};
    try { saved = JSON.parse(store.getItem(key) || "{}"); } catch (error) { saved = {}; }
    var typed = fields(form).some(function (el) {
      return ["text", "email", "textarea"].indexOf(el.type) >= 0 && el.value.trim() !== "";
    });
    if (!typed) {  // the server's own copy (a form sent back with errors) always wins
      fields(form).forEach(function (el) {
        if (!(el.name in saved)) { return; }
        if (el.type === "checkbox" || el.type === "radio") {
          el.checked = [].concat(saved[el.name]).indexOf(el.value) >= 0;
        } else if (el.tagName === "SELECT" && el.multiple) {
          Array.prototype.forEach.call(el.options, function (o) { o.selected = [].concat(saved[el.name]).indexOf(o.value) >= 0; });
        } else {
          el.value = saved[el.name];
        }
      });
    }
    function save() {
      var values = {};
      fields(form).forEach(function (el) {
        if (el.type === "checkbox" || el.type === "radio") {
          if (!(el.name in values)) { values[el.name] = []; }
          if (el.checked) { values[el.name].push(el.value); }
        } else if (el.tagName === "SELECT" && el.multiple) {
          values[el.name] = Array.prototype.filter.call(el.options, function (o) { return o.selected; })
            .map(function (o) { return o.value; });
        } else {
          values[el.name] = el.value;
        }
      });
      try { store.setItem(key, JSON.stringify(values)); } catch (error) { /* full: nothing to do */ }
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);
  });
})();
