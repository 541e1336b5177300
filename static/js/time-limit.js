/* time-limit.js: a warning before a time limit ends, and a way to extend it (WCAG 2.2.1).
 *
 * Contract, for any page:
 *   data-time-limit-seconds="N"  on the element the limit applies to (usually <form> or
 *                                <main>): the seconds left when the page was rendered;
 *   data-time-limit-renew="URL"  optional: a POST endpoint that renews the limit and answers
 *                                JSON {"seconds": N}; the page's CSRF token (an input named
 *                                csrf_token) goes in the X-CSRFToken header;
 *   data-time-limit-warning / data-time-limit-expired  optional texts for this limit.
 * Default texts come from #time-limit-texts (templates/time_limits/_page.html).
 *
 * Two minutes before the end, a bar at the bottom of the window says so in a live region
 * (role="alert") with a real "More time" button. The focus moves to the button only if the
 * person is not typing in a field, and goes back where it was afterwards. Typing on the page
 * renews the limit too, at most once a minute. At the end the bar says the limit has passed.
 * Other open tabs of the site hear about a renewal (BroadcastChannel: nothing is stored).
 * Without this script, pages say their limit in words, and the server keeps what was sent.
 */
(function () {
  "use strict";

  var WARN_BEFORE = 2 * 60 * 1000;
  var TYPING_RENEWS_AFTER = 60 * 1000;
  var CHECK_EVERY = 1000;
  var channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("time-limit") : null;

  function defaultText(name, fallback) {
    var texts = document.getElementById("time-limit-texts");
    return (texts && texts.getAttribute("data-" + name)) || fallback;
  }

  function isTyping() {
    var el = document.activeElement;
    if (!el || el === document.body) return false;
    if (el.isContentEditable || el.tagName === "TEXTAREA" || el.tagName === "SELECT") return true;
    return el.tagName === "INPUT" &&
      !/^(button|submit|reset|checkbox|radio|file|image|hidden|range|color)$/i.test(el.type);
  }

  function csrfToken(element) {
    var input = element.querySelector("input[name=csrf_token]") ||
      document.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }

  function TimeLimit(element) {
    this.element = element;
    this.renewUrl = element.getAttribute("data-time-limit-renew");
    this.texts = {
      warning: element.getAttribute("data-time-limit-warning") ||
        defaultText("warning", "The time limit of this page ends in 2 minutes."),
      expired: element.getAttribute("data-time-limit-expired") ||
        defaultText("expired", "The time limit of this page has passed."),
      more: defaultText("more", "More time"),
      renewed: defaultText("renewed", "You have more time now."),
      failed: defaultText("failed", "More time could not be given.")
    };
    this.state = "running";
    this.renewing = false;
    this.renewals = 0;
    this.lastRenewal = Date.now();
    this.returnFocusTo = null;  // where the focus was when the bar took it, or was clicked
    this.setDeadline(parseInt(element.getAttribute("data-time-limit-seconds"), 10) || 0);
    this.build();
    var self = this;
    document.addEventListener("focusin", function (event) {
      if (!self.bar.contains(event.target)) self.returnFocusTo = event.target;
    });
    window.setInterval(function () { self.check(); }, CHECK_EVERY);
    document.addEventListener("visibilitychange", function () { self.check(); });
    if (this.renewUrl) {
      document.addEventListener("input", function () { self.typed(); }, true);
      if (channel) {
        channel.addEventListener("message", function (event) { self.heard(event.data); });
        channel.postMessage({renew: this.renewUrl, until: this.deadline});  // this page renewed it
      }
    }
  }

  TimeLimit.prototype.setDeadline = function (seconds) {
    this.deadline = Date.now() + seconds * 1000;
  };

  TimeLimit.prototype.build = function () {
    var bar = document.createElement("div");
    bar.className = "time-limit";
    var message = document.createElement("p");
    message.className = "time-limit-message";
    message.setAttribute("role", "alert");
    bar.appendChild(message);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "time-limit-more primary";
    button.textContent = this.texts.more;
    button.hidden = true;
    var self = this;
    button.addEventListener("click", function () { self.renew(true); });
    bar.appendChild(button);
    document.body.appendChild(bar);
    this.bar = bar;
    this.message = message;
    this.button = button;
  };

  TimeLimit.prototype.show = function (text, withButton) {
    this.bar.classList.add("time-limit-shown");
    this.message.textContent = text;
    this.button.hidden = !withButton;
    // Keep focused fields clear of the bar when the page scrolls to them.
    document.documentElement.style.scrollPaddingBottom = this.bar.offsetHeight + "px";
    document.body.style.paddingBottom = this.bar.offsetHeight + "px";
  };

  TimeLimit.prototype.hide = function () {
    this.bar.classList.remove("time-limit-shown");
    this.message.textContent = "";
    this.button.hidden = true;
    document.documentElement.style.scrollPaddingBottom = "";
    document.body.style.paddingBottom = "";
  };

  TimeLimit.prototype.check = function () {
    var left = this.deadline - Date.now();
    if (left <= 0 && this.state !== "expired") {
      this.state = "expired";
      this.giveFocusBack();
      this.show(this.texts.expired, false);
    } else if (left > 0 && left <= WARN_BEFORE && this.state === "running") {
      this.state = "warning";
      this.show(this.texts.warning, Boolean(this.renewUrl));
      if (this.renewUrl && !isTyping()) this.button.focus();
    }
  };

  TimeLimit.prototype.giveFocusBack = function () {
    var target = this.returnFocusTo;
    if (document.activeElement === this.button) {
      if (target && target !== document.body && document.contains(target)) {
        target.focus();
      } else {
        this.element.focus();
      }
    }
  };

  TimeLimit.prototype.renewed = function (seconds, byPerson) {
    this.setDeadline(seconds);
    this.bar.setAttribute("data-renewals", String(++this.renewals));  // for tests and curious people
    this.lastRenewal = Date.now();
    var wasWarning = this.state === "warning";
    this.state = "running";
    this.giveFocusBack();
    if (wasWarning || byPerson) {
      this.show(this.texts.renewed, false);
      var self = this;
      window.setTimeout(function () { if (self.state === "running") self.hide(); }, 10000);
    }
  };

  TimeLimit.prototype.renew = function (byPerson) {
    if (!this.renewUrl || this.renewing || this.state === "expired") return;
    this.renewing = true;
    var self = this;
    fetch(this.renewUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {"X-CSRFToken": csrfToken(this.element), "Accept": "application/json"}
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    }).then(function (data) {
      self.renewing = false;
      self.renewed(Number(data.seconds) || 0, byPerson);
      if (channel) channel.postMessage({renew: self.renewUrl, until: self.deadline});
    }).catch(function () {
      self.renewing = false;
      if (byPerson) {
        self.state = "expired";
        self.giveFocusBack();
        self.show(self.texts.failed, false);
      }
    });
  };

  TimeLimit.prototype.typed = function () {
    if (this.state !== "expired" && Date.now() - this.lastRenewal > TYPING_RENEWS_AFTER) {
      this.renew(false);
    }
  };

  TimeLimit.prototype.heard = function (data) {
    if (!data || data.renew !== this.renewUrl || this.state === "expired" || !(data.until > this.deadline)) return;
    this.deadline = data.until;
    if (this.state === "warning" && this.deadline - Date.now() > WARN_BEFORE) {
      this.state = "running";
      this.giveFocusBack();
      this.hide();
    }
  };

  function start() {
    document.querySelectorAll("[data-time-limit-seconds]").forEach(function (element) {
      new TimeLimit(element);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
