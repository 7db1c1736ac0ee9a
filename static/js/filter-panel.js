// The actor list's filters on a narrow screen: folded on arrival, so that the results are on
// the first screen and the summary ("Rajaa hakua (0 valittu)") opens them. Without this
// script they stay open when nothing is chosen, which works too. The width is the one at
// which static/css/site.css puts the filters above the results. Only a panel the page sent
// open is folded: one the visitor opened before this deferred script ran stays open.
const FOLDED_ON_NARROW_SCREENS = "details.filter-panel[open][data-fold-on-narrow-screen]";
if (window.matchMedia("(max-width: 48rem)").matches) {
  for (const panel of document.querySelectorAll(FOLDED_ON_NARROW_SCREENS)) {
    panel.open = false;
  }
}

// A long list of choices (every municipality) gets a box that narrows it as one types: no
// scrolling through 300 names. The box only hides items; every checkbox stays in the form.
const LONG_LIST = 12;
for (const fieldset of document.querySelectorAll(".filter-panel fieldset")) {
  const items = [...fieldset.querySelectorAll("li")];
  if (items.length <= LONG_LIST) continue;
  const legend = fieldset.querySelector("legend").textContent.trim();
  const id = `${fieldset.querySelector("input").name}-narrow`;
  const field = document.createElement("div");
  field.className = "narrow-list";
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = interpolate(gettext("Etsi listasta: %s"), [legend]);
  const box = document.createElement("input");
  box.type = "search";
  box.id = id;
  box.autocomplete = "off";
  field.append(label, box);
  fieldset.querySelector("legend").after(field);
  box.addEventListener("input", () => {
    const text = box.value.trim().toLocaleLowerCase("fi");
    for (const item of items) {
      item.hidden = text !== "" && !item.textContent.toLocaleLowerCase("fi").includes(text);
    }
  });
}
