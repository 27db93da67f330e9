// Small progressive enhancements; every page works without them (CSP forbids inline scripts).
(function () {
  "use strict";

  // The language switch (and any select marked data-autosubmit) submits its form when changed.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]")) { el.form.submit(); }
  });

  // An htmx request whose session ended is redirected to the sign-in page: go there as a whole page,
  // coming back to this page afterwards, instead of swapping the sign-in form into a fragment.
  var SIGN_IN = /^\/accounts\/(login|two-factor)\//;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (!xhr || !xhr.responseURL) { return; }
    var target = new URL(xhr.responseURL, window.location.href);
    if (target.origin === window.location.origin && SIGN_IN.test(target.pathname)) {
      event.detail.shouldSwap = false;
      window.location.assign(target.pathname + "?next=" +
        encodeURIComponent(window.location.pathname + window.location.search));
    }
  });

  // A failed htmx request says so where messages appear, in the page's language (text from <body>).
  function showError() {
    var text = document.body.getAttribute("data-request-failed");
    var main = document.getElementById("main");
    if (!text || !main) { return; }
    var box = main.querySelector(":scope > .messages");
    if (!box) {
      box = document.createElement("ul");
      box.className = "messages";
      box.setAttribute("role", "alert");
      main.insertBefore(box, main.firstChild);
    }
    var item = document.createElement("li");
    item.className = "msg error";
    item.textContent = text;
    box.appendChild(item);
    box.scrollIntoView({block: "nearest"});
  }
  document.addEventListener("htmx:responseError", showError);
  document.addEventListener("htmx:sendError", showError);
})();
