/*
 * PIN checker (SPEC R-E9). Runs only in the browser: the form has no action
 * and its inputs no names, submitting is prevented, and nothing is sent or
 * stored. The rules are the same as eligibility/rules.py.
 */
(function () {
  "use strict";
  var form = document.getElementById("pin-checker");
  var messages = document.getElementById("pin-messages");
  if (!form || !messages) { return; }
  var text = messages.dataset;

  function signatureProblem(pin) {
    if (!pin) { return text.empty; }
    if (/[a-z]/.test(pin) && /^[A-Za-z0-9]+$/.test(pin)) { return text.signatureLowercase; }
    if (!/^[A-Z0-9]+$/.test(pin)) { return text.signatureChars; }
    if (pin.length < 6 || pin.length > 16) { return text.signatureLength; }
    if (!/[A-Z]/.test(pin) || !/[0-9]/.test(pin)) { return text.signatureMix; }
    return null;
  }

  function fourDigitProblem(pin) {
    if (!pin) { return text.empty; }
    return /^[0-9]{4}$/.test(pin) ? null : text.fourDigits;
  }

  function show(input, problem, extra) {
    var out = document.getElementById(input.id + "-result");
    out.textContent = problem || (text.ok + (extra ? " " + extra : ""));
    out.className = "pin-result " + (problem ? (input.value ? "pin-bad" : "") : "pin-good");
  }

  var signature = document.getElementById("pin-signature");
  var user = document.getElementById("pin-user");
  var register = document.getElementById("pin-register");

  function check() {
    show(signature, signatureProblem(signature.value));
    show(user, fourDigitProblem(user.value));
    var same = register.value && register.value === user.value ? text.sameAsUser : "";
    show(register, fourDigitProblem(register.value), same);
  }

  form.addEventListener("input", check);
  form.addEventListener("submit", function (event) { event.preventDefault(); check(); });
  document.getElementById("pin-show").addEventListener("change", function (event) {
    var type = event.target.checked ? "text" : "password";
    [signature, user, register].forEach(function (input) { input.type = type; });
  });
  check();
})();
