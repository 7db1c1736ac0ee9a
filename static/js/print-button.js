// The print page's "Tulosta" button: hidden until this script shows it, since printing from
// a button needs a script (the browser's own print command works without).
for (const button of document.querySelectorAll("[data-print-button]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
