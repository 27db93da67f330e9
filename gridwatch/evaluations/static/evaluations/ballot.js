// The QR code on a ballot slip opens /evaluations/ballot/#CODE: the part after "#" never reaches the
// server; this fills it into the code field and clears it from the address bar.
(function () {
  "use strict";
  var field = document.getElementById("id_code");
  var code = window.location.hash.replace(/^#/, "");
  if (field && code && !field.value) {
    field.value = decodeURIComponent(code).slice(0, 20);
    history.replaceState(null, "", window.location.pathname);
  }
})();
