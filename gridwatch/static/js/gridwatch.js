// Small progressive enhancements; every page works without them (CSP forbids inline scripts).
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("select[data-autosubmit]")) { el.form.submit(); }
});
