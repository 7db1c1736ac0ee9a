// Suggests, once, the page in the browser's language when the site has it and the page is in
// another. Never redirects: the visitor chose this address, and the switcher is always there.
(function () {
  "use strict";
  var KEY = "keko-language-suggested";
  try {
    if (window.localStorage.getItem(KEY)) {
      return;
    }
  } catch (error) {
    return; // No storage: "once" cannot be kept, so do not suggest at all.
  }
  var pageLanguage = document.documentElement.lang;
  var browserLanguages = navigator.languages || [navigator.language || ""];
  document.addEventListener("DOMContentLoaded", function () {
    var suggestion = null;
    for (var i = 0; i < browserLanguages.length && !suggestion; i += 1) {
      var code = browserLanguages[i].toLowerCase().split("-")[0];
      if (code === pageLanguage) {
        return; // The page is already in a language the browser asks for.
      }
      suggestion = document.querySelector('[data-language-suggestion="' + code + '"]');
    }
    if (!suggestion) {
      return;
    }
    suggestion.hidden = false;
    window.localStorage.setItem(KEY, "1");
    suggestion.querySelector("[data-language-suggestion-close]").addEventListener("click", function () {
      suggestion.hidden = true;
    });
  });
})();
