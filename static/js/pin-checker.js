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

  // Allowed but easy to guess (a warning, never a refusal): the same digit
  // repeated (0000), two digits repeated (1212), a run up or down (1234, 9876),
  // a year from 1900 to this year (birth years).
  function weakFourDigits(pin) {
    if (!/^[0-9]{4}$/.test(pin)) { return false; }
    if (/^([0-9])\1{3}$/.test(pin) || /^([0-9]{2})\1$/.test(pin)) { return true; }
    if ("0123456789".indexOf(pin) >= 0 || "9876543210".indexOf(pin) >= 0) { return true; }
    var year = parseInt(pin, 10);
    return year >= 1900 && year <= new Date().getFullYear();
  }

  function warn(input) {
    var out = document.getElementById(input.id + "-warning");
    out.textContent = weakFourDigits(input.value) ? text.weak : "";
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
    warn(user);
    warn(register);
  }

  form.addEventListener("input", check);
  form.addEventListener("submit", function (event) { event.preventDefault(); check(); });
  document.getElementById("pin-show").addEventListener("change", function (event) {
    var type = event.target.checked ? "text" : "password";
    [signature, user, register].forEach(function (input) { input.type = type; });
  });
  check();
})();
