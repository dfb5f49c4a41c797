/* Network page script (graph/visualize.py inlines it into every page).
 * Security: data arrives as JSON (parsed, never evaluated); every piece of
 * article text is put on the page with textContent, never parsed as HTML. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var FSI = "\u2068", PDI = "\u2069";
  var FONT = "'Noto Naskh Arabic', 'Noto Sans Arabic', 'DejaVu Sans', Arial, sans-serif";
  var lang = "ar";
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });

  /* Same steps as graph.text.normalize_text for Arabic: NFKC, drop bidi and
   * zero-width marks, diacritics and tatweel; alef forms -> bare alef,
   * alef maksura -> yeh, teh marbuta -> heh; lower case; one space. */
  function normalizeText(text) {
    var s = String(text).normalize("NFKC");
    s = s.replace(/[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad]/g, "");
    s = s.replace(/[\u064b-\u0652\u0670\u0640]/g, "");
    s = s.replace(/[\u0625\u0623\u0671\u0622]/g, "\u0627");
    s = s.replace(/\u0649/g, "\u064a").replace(/\u0629/g, "\u0647");
    s = s.toLowerCase().replace(/\s+/g, " ").trim();
    return s.normalize("NFKC");
  }

  function nameOf(n) {
    var text = lang === "ar" ? (n.label_ar || n.label_en) : (n.label_en || n.label_ar);
    return text || n.id;
  }

  function kindText(kind) {
    var k = data.kinds[kind];
    return k ? k.ar + " / " + k.en : kind;
  }

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    return node;
  }

  function wikidataLink(qid) {
    if (!/^Q[0-9]+$/.test(qid || "")) { return null; }
    return el("a", "Wikidata " + qid, {
      href: "https://www.wikidata.org/wiki/" + qid, rel: "noopener noreferrer", target: "_blank", dir: "ltr"
    });
  }

  function tooltip(n) {
    var box = el("div", null, {"class": "kg-tip", dir: "rtl"});
    box.appendChild(el("bdi", n.label_ar || n.label_en || n.id, {"class": "kg-tip-name"}));
    box.appendChild(el("div", kindText(n.kind)));
    if (n.label_en) { box.appendChild(el("bdi", n.label_en, {dir: "ltr"})); }
    if (n.qid) { box.appendChild(el("div", "Wikidata " + n.qid, {dir: "ltr"})); }
    var sources = (data.details[n.id] || {}).sources || [];
    sources.slice(0, 3).forEach(function (s) {
      box.appendChild(el("div", (s.headline || s.article) + (s.date ? " — " + s.date : ""), {dir: "auto"}));
    });
    return box;
  }

  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    var copy = Object.assign({}, n);
    copy.label = FSI + nameOf(n) + PDI;
    copy.title = tooltip(n);
    copy.hidden = false;
    return copy;
  }));
  var edges = new vis.DataSet(data.edges.map(function (e, i) {
    return {id: i, from: e.from, to: e.to, value: e.value, relation: e.relation};
  }));
  var options = {
    autoResize: true,
    nodes: {shape: "dot", borderWidth: 1, font: {face: FONT, size: 16, strokeWidth: 3, strokeColor: "#ffffff"},
            scaling: {label: {drawThreshold: 3}}},
    edges: {smooth: false, color: {color: "#9aa5b1", highlight: "#333333", opacity: 0.7},
            scaling: {min: 1, max: 8}},
    interaction: {hover: true, tooltipDelay: 150, hideEdgesOnDrag: true, navigationButtons: false},
    physics: {enabled: data.meta.physics, solver: "barnesHut",
              barnesHut: {gravitationalConstant: -2500, centralGravity: 0.4, springLength: 90, avoidOverlap: 0.2},
              stabilization: {enabled: true, iterations: 150, fit: true}},
    layout: {randomSeed: 42, improvedLayout: false}
  };
  var network = new vis.Network(document.getElementById("kg-network"), {nodes: nodes, edges: edges}, options);

  function ready() {
    network.setOptions({physics: {enabled: false}});
    window.kgReady = true;
  }
  if (data.meta.physics) {
    network.once("stabilizationIterationsDone", ready);
    network.once("stabilized", ready);
  } else {
    ready();
  }

  function section(panel, title, items, render) {
    if (!items || !items.length) { return; }
    panel.appendChild(el("h3", title));
    var list = el("ul");
    items.forEach(function (item) { list.appendChild(render(item)); });
    panel.appendChild(list);
  }

  function showDetails(id) {
    var panel = document.getElementById("kg-details");
    var n = byId[id];
    var d = data.details[id] || {};
    panel.replaceChildren();
    if (!n) { return; }
    var head = el("h2", null, {dir: "rtl"});
    head.appendChild(el("bdi", n.label_ar || n.label_en || n.id, {"class": "kg-name"}));
    panel.appendChild(head);
    if (n.label_en) { panel.appendChild(el("p", null, {dir: "ltr"})).appendChild(el("bdi", n.label_en)); }
    panel.appendChild(el("p", kindText(n.kind)));
    var link = wikidataLink(n.qid);
    if (link) { panel.appendChild(el("p")).appendChild(link); }
    /* each part in its own <bdi> so Arabic names, Latin kinds and dates do not reorder */
    var text = function (parts) {
      var li = el("li", null, {dir: "rtl"});
      [].concat(parts).forEach(function (part, i) {
        if (i) { li.appendChild(document.createTextNode(" — ")); }
        li.appendChild(el("bdi", part));
      });
      return li;
    };
    section(panel, "الأنواع · Types", d.types, text);
    section(panel, "أسماء أخرى · Aliases", d.aliases, text);
    section(panel, "المناصب · Roles", d.roles, text);
    section(panel, "الأحداث · Events", d.events, text);
    section(panel, "المصادر · Sources (" + (d.sources_total || 0) + ")", d.sources, function (s) {
      var li = el("li", null, {"class": "kg-source", dir: "rtl"});
      li.appendChild(el("bdi", s.headline || s.article, {"class": "kg-headline"}));
      if (s.date) { li.appendChild(el("span", " " + s.date, {dir: "ltr", "class": "kg-date"})); }
      if (s.text) { li.appendChild(el("blockquote", s.text, {dir: "rtl"})); }
      return li;
    });
    var scores = d.scores || {};
    section(panel, "المركزية · Centrality", Object.keys(scores).sort(), function (k) {
      return el("li", k + ": " + scores[k], {dir: "ltr"});
    });
    window.kgSelected = id;
  }

  function selectNode(id) {
    network.selectNodes([id]);
    network.focus(id, {scale: 1.2, animation: false});
    showDetails(id);
  }

  function search(query) {
    var q = normalizeText(query);
    var status = document.getElementById("kg-search-status");
    if (q.length < 2) { status.textContent = ""; return []; }
    var hits = data.nodes.filter(function (n) {
      return !nodes.get(n.id).hidden && (n.search.indexOf(q) >= 0 || n.id.toLowerCase() === q);
    }).map(function (n) { return n.id; });
    status.textContent = hits.length + (hits.length === 1 ? " match" : " matches");
    if (hits.length) { selectNode(hits[0]); }
    return hits;
  }

  function relabel() {
    nodes.update(data.nodes.map(function (n) { return {id: n.id, label: FSI + nameOf(n) + PDI}; }));
    var button = document.getElementById("kg-lang");
    button.textContent = lang === "ar" ? "English labels" : "تسميات عربية";
    button.setAttribute("aria-pressed", lang === "en" ? "true" : "false");
    document.getElementById("kg-network").setAttribute("dir", lang === "ar" ? "rtl" : "ltr");
  }

  function applyFilter() {
    var shown = {};
    document.querySelectorAll("#kg-filter input[type=checkbox]").forEach(function (box) {
      shown[box.value] = box.checked;
    });
    nodes.update(data.nodes.map(function (n) { return {id: n.id, hidden: shown[n.kg_group] === false}; }));
  }

  network.on("click", function (params) {
    if (params.nodes.length) { showDetails(params.nodes[0]); }
  });
  var box = document.getElementById("kg-search");
  box.addEventListener("input", function () { search(box.value); });
  box.addEventListener("keydown", function (event) { if (event.key === "Enter") { search(box.value); } });
  document.getElementById("kg-lang").addEventListener("click", function () {
    lang = lang === "ar" ? "en" : "ar";
    relabel();
  });
  document.querySelectorAll("#kg-filter input[type=checkbox]").forEach(function (b) {
    b.addEventListener("change", applyFilter);
  });

  window.kgNetwork = network;
  window.kgNodes = nodes;
  window.kgEdges = edges;
  window.kgNormalize = normalizeText;
  window.kgSearch = search;
  window.kgSelect = selectNode;
  window.kgSetLang = function (value) { lang = value === "en" ? "en" : "ar"; relabel(); };
}());
