// Suggestions as you type for the municipality box (the home page and /kunnat/): the WAI-ARIA
// combobox pattern over the box's own form. Without this script the form works as before:
// it sends the text to the municipality finder.
//
// The input names the suggestions' address in data-place-suggest; the answer is
// {"results": [{"name", "region", "kind", "url"}]} (directory.views.municipality_suggestions).
(() => {
  "use strict";

  const DELAY_MS = 150;
  let instances = 0;

  function countText(count) {
    if (count === 0) return gettext("Ei ehdotuksia.");
    const text = ngettext(
      "%s ehdotus. Valitse nuolinäppäimillä.",
      "%s ehdotusta. Valitse nuolinäppäimillä.",
      count,
    );
    return interpolate(text, [count]);
  }

  function enhance(input) {
    const id = "place-suggest-" + ++instances;
    const list = document.createElement("ul");
    list.id = id + "-list";
    list.className = "place-suggest-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", gettext("Ehdotukset"));
    list.hidden = true;
    const status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.after(list, status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");

    let results = [];
    let active = -1;
    let timer = null;
    let asked = 0;

    function options() {
      return list.querySelectorAll("[role=option]");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function activate(index) {
      const all = options();
      if (!all.length) return;
      active = (index + all.length) % all.length;
      all.forEach((option, n) => option.setAttribute("aria-selected", String(n === active)));
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }

    function choose(index) {
      const place = results[index];
      if (place) window.location.assign(place.url);
    }

    function show(found) {
      results = found;
      list.replaceChildren();
      found.forEach((place, n) => {
        const option = document.createElement("li");
        option.id = id + "-option-" + n;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        const name = document.createElement("span");
        name.textContent = place.name;
        const where = document.createElement("span");
        where.className = "muted";
        where.textContent = " (" + (place.region || place.kind) + ")";
        option.append(name, where);
        // mousedown, not click: the input keeps its focus, so the list is not closed first.
        option.addEventListener("mousedown", (event) => {
          event.preventDefault();
          choose(n);
        });
        list.append(option);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      status.textContent = countText(found.length);
      const open = found.length > 0;
      list.hidden = !open;
      input.setAttribute("aria-expanded", String(open));
    }

    async function suggest() {
      const text = input.value.trim();
      const ask = ++asked;
      if (!text) {
        close();
        status.textContent = "";
        return;
      }
      try {
        const url = input.dataset.placeSuggest + "?" + new URLSearchParams({ q: text });
        const response = await fetch(url, { headers: { Accept: "application/json" } });
        if (!response.ok) return;
        const answer = await response.json();
        // An answer to older text, arriving late, is dropped.
        if (ask === asked) show(answer.results || []);
      } catch {
        close(); // Offline or a broken answer: the form still works.
      }
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(suggest, DELAY_MS);
    });

    input.addEventListener("keydown", (event) => {
      const open = !list.hidden;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!open) {
          if (results.length) show(results);
          else return;
        }
        event.preventDefault();
        activate(event.key === "ArrowDown" ? active + 1 : active - 1);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape") {
        if (open) {
          event.preventDefault();
          close();
        } else {
          input.value = "";
        }
      }
    });

    input.addEventListener("blur", close);
  }

  for (const input of document.querySelectorAll("input[data-place-suggest]")) {
    enhance(input);
  }
})();
