// The marketplace's client-side search: the cards are in the page; this
// hides, shows and reorders them by the rules of `acc-plugins search`.
// Registry text is never parsed as HTML here: the script only moves the
// elements the generator already escaped, and writes text with
// textContent.
"use strict";

(function () {
  const WEIGHTS = { name: 8, keywords: 4, description: 2, publisher: 1 };
  const NAME_PREFIX = 4;
  const NAME_EXACT = 16;

  const dataBlock = document.getElementById("catalog");
  const list = document.getElementById("results");
  const form = document.getElementById("controls");
  const box = document.getElementById("q");
  const category = document.getElementById("category");
  const sort = document.getElementById("sort");
  const count = document.getElementById("count");
  const more = document.getElementById("more");
  if (
    !dataBlock ||
    !list ||
    !form ||
    !box ||
    !category ||
    !sort ||
    !count ||
    !more
  ) {
    return;
  }
  // Only so many cards are in the list at once: with thousands of plugins,
  // putting every match in the page on each key would take a second.
  const STEP = 100;
  let limit = STEP;
  let hits = [];
  const plugins = JSON.parse(dataBlock.textContent).plugins;
  const cards = new Map();
  for (const card of list.querySelectorAll("li[data-name]")) {
    cards.set(card.dataset.name, card);
  }
  for (const plugin of plugins) {
    plugin.haystack = plugin.fields.join("\n");
  }

  function normalise(text) {
    return text.normalize("NFKC").toLowerCase();
  }

  function words(query) {
    return [...new Set(normalise(query).split(/\s+/).filter(Boolean))];
  }

  function score(plugin, found, phrase) {
    const [name, keywords, description] = plugin.fields;
    let total = name === phrase ? NAME_EXACT : 0;
    for (const word of found) {
      if (name.includes(word)) {
        total += WEIGHTS.name + (name.startsWith(word) ? NAME_PREFIX : 0);
      } else if (keywords.includes(word)) {
        total += WEIGHTS.keywords;
      } else if (description.includes(word)) {
        total += WEIGHTS.description;
      } else {
        total += WEIGHTS.publisher;
      }
    }
    return total;
  }

  const byName = (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const ORDERS = {
    downloads: (a, b) => b.downloads - a.downloads || byName(a, b),
    rating: (a, b) =>
      b.rating[0] - a.rating[0] ||
      b.rating[1] - a.rating[1] ||
      b.downloads - a.downloads ||
      byName(a, b),
    updated: (a, b) => b.updated - a.updated || byName(a, b),
  };

  function matching() {
    const found = words(box.value);
    const kind = category.value;
    // The data comes most downloaded first: the order relevance ties keep.
    const hits = plugins.filter(
      (p) =>
        (!kind || p.kind === kind) &&
        found.every((word) => p.haystack.includes(word)),
    );
    if (sort.value in ORDERS) {
      hits.sort(ORDERS[sort.value]);
    } else if (found.length) {
      const phrase = found.join(" ");
      const scores = new Map(hits.map((p) => [p, score(p, found, phrase)]));
      hits.sort((a, b) => scores.get(b) - scores.get(a));
    }
    return hits;
  }

  let said = "";
  function announce(total, shown) {
    let text =
      total === 0
        ? "No plugins match."
        : total === 1
          ? "1 plugin"
          : `${total} plugins`;
    if (shown < total) {
      text += `, the first ${shown} shown`;
    }
    if (text !== said) {
      count.textContent = text;
      said = text;
    }
  }

  function remember() {
    const params = new URLSearchParams();
    if (box.value) params.set("q", box.value);
    if (category.value) params.set("category", category.value);
    if (sort.value !== "relevance") params.set("sort", sort.value);
    const query = params.toString();
    try {
      history.replaceState(null, "", query ? `?${query}` : location.pathname);
    } catch (error) {
      // Some file:// pages refuse; the search works all the same.
    }
  }

  function show() {
    const shown = hits.slice(0, limit);
    // Emptying the list in one step is far faster than letting
    // replaceChildren remove thousands of cards one by one.
    list.textContent = "";
    list.append(...shown.map((p) => cards.get(p.name)));
    more.hidden = shown.length >= hits.length;
    if (!more.hidden) {
      const next = Math.min(STEP, hits.length - shown.length);
      more.textContent = `Show ${next} more`;
    }
    announce(hits.length, shown.length);
  }

  function update() {
    hits = matching();
    limit = STEP;
    show();
    remember();
  }

  more.addEventListener("click", () => {
    const first = hits[limit];
    limit += STEP;
    show();
    // Keyboard users carry on from the first card just added.
    const link = first && cards.get(first.name).querySelector("a");
    if (link) {
      link.focus();
    }
  });

  function restore() {
    const params = new URLSearchParams(location.search);
    box.value = params.get("q") || "";
    const kind = params.get("category");
    if (kind && [...category.options].some((o) => o.value === kind)) {
      category.value = kind;
    }
    const order = params.get("sort");
    if (order && [...sort.options].some((o) => o.value === order)) {
      sort.value = order;
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    update();
  });
  box.addEventListener("input", update);
  category.addEventListener("change", update);
  sort.addEventListener("change", update);
  restore();
  said = count.textContent;
  update();
})();
