/* Passkeys (WebAuthn): adding one on the security page, and signing in with one.
   Buttons carry data-passkey="register" or "sign-in", data-options and data-finish URLs and
   their messages (translated by the server). Without JavaScript or WebAuthn the buttons
   stay hidden and the page says so; the six-digit code always works. */
(function () {
  "use strict";

  function fromB64url(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) { base64 += "="; }
    var raw = atob(base64), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes.buffer;
  }

  function toB64url(buffer) {
    var bytes = new Uint8Array(buffer), raw = "";
    for (var i = 0; i < bytes.length; i++) { raw += String.fromCharCode(bytes[i]); }
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().then(function (data) { data.ok = response.ok; return data; });
    });
  }

  function creationOptions(options) {
    options.challenge = fromB64url(options.challenge);
    options.user.id = fromB64url(options.user.id);
    (options.excludeCredentials || []).forEach(function (c) { c.id = fromB64url(c.id); });
    return options;
  }

  function requestOptions(options) {
    options.challenge = fromB64url(options.challenge);
    (options.allowCredentials || []).forEach(function (c) { c.id = fromB64url(c.id); });
    return options;
  }

  function registrationJSON(credential) {
    var r = credential.response;
    return {id: credential.id, rawId: toB64url(credential.rawId), type: credential.type,
            response: {clientDataJSON: toB64url(r.clientDataJSON),
                       attestationObject: toB64url(r.attestationObject),
                       transports: r.getTransports ? r.getTransports() : []},
            clientExtensionResults: credential.getClientExtensionResults()};
  }

  function assertionJSON(credential) {
    var r = credential.response;
    return {id: credential.id, rawId: toB64url(credential.rawId), type: credential.type,
            response: {clientDataJSON: toB64url(r.clientDataJSON),
                       authenticatorData: toB64url(r.authenticatorData),
                       signature: toB64url(r.signature),
                       userHandle: r.userHandle ? toB64url(r.userHandle) : null},
            clientExtensionResults: credential.getClientExtensionResults()};
  }

  function run(button) {
    var status = document.getElementById(button.getAttribute("aria-describedby") || "");
    var say = function (text) { if (status) { status.textContent = text; } };
    var nameInput = document.getElementById(button.dataset.nameInput || "");
    button.disabled = true;
    say(button.dataset.msgWorking);
    var registering = button.dataset.passkey === "register";
    post(button.dataset.options).then(function (options) {
      if (!options.ok) { throw new Error(options.error || ""); }
      return registering
        ? navigator.credentials.create({publicKey: creationOptions(options)})
        : navigator.credentials.get({publicKey: requestOptions(options)});
    }).then(function (credential) {
      var body = {credential: registering ? registrationJSON(credential) : assertionJSON(credential)};
      if (nameInput) { body.name = nameInput.value; }
      return post(button.dataset.finish, body);
    }).then(function (answer) {
      if (answer.redirect && answer.ok) { window.location.assign(answer.redirect); return; }
      throw new Error(answer.error || "");
    }).catch(function (error) {
      say((error && error.message) || button.dataset.msgFailed);
      button.disabled = false;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var supported = !!(window.PublicKeyCredential && navigator.credentials);
    document.querySelectorAll("[data-passkey]").forEach(function (button) {
      var block = button.closest("[data-passkey-block]");
      if (!supported) { return; }
      if (block) { block.hidden = false; }
      var fallback = document.querySelector("[data-passkey-fallback]");
      if (fallback) { fallback.hidden = true; }
      button.addEventListener("click", function () { run(button); });
    });
  });
}());
