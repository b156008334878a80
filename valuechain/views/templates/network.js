/* valuechain network views: builds a vis-network from the JSON payload of a block.
   Every label is placed with textContent (never innerHTML), so labels show as text. */
(function () {
  "use strict";
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function tooltip(n) {
    var box = el("div", "vc-tip");
    box.appendChild(el("div", "vc-tip-title", n.label));
    var tab = el("table");
    (n.rows || []).forEach(function (r) {
      var tr = el("tr");
      tr.appendChild(el("th", null, r[0]));
      tr.appendChild(el("td", null, r[1]));
      tab.appendChild(tr);
    });
    box.appendChild(tab);
    return box;
  }
  function render(rootId) {
    var root = document.getElementById(rootId);
    var data = JSON.parse(document.getElementById(rootId + "-data").textContent);
    var canvas = root.querySelector(".vc-canvas");
    var status = root.querySelector(".vc-status");
    if (typeof vis === "undefined") {
      status.textContent = "vis-network failed to load.";
      return;
    }
    var nodes = new vis.DataSet(data.nodes.map(function (n) {
      var copy = {};
      Object.keys(n).forEach(function (k) { if (k !== "rows" && k !== "attrs") { copy[k] = n[k]; } });
      copy.title = tooltip(n);
      copy.attrs = n.attrs;
      return copy;
    }));
    var edges = new vis.DataSet(data.edges.map(function (e, i) {
      var copy = {};
      Object.keys(e).forEach(function (k) { copy[k] = e[k]; });
      copy.id = i;
      var box = el("div", "vc-tip");
      box.appendChild(el("div", null, e.tip || ("weight " + e.weight)));
      delete copy.tip;
      copy.title = box;
      return copy;
    }));
    var active = {};
    function nodeOk(n) {
      for (var k in active) {
        if (active[k] !== "" && n.attrs[k] !== active[k]) { return false; }
      }
      return true;
    }
    var nodeView = new vis.DataView(nodes, { filter: nodeOk });
    var edgeView = new vis.DataView(edges, {
      filter: function (e) {
        var a = nodes.get(e.from), b = nodes.get(e.to);
        return a !== null && b !== null && nodeOk(a) && nodeOk(b);
      }
    });
    function count() {
      status.textContent = nodeView.length + " nodes, " + edgeView.length + " edges shown";
    }
    // legend
    var legend = root.querySelector(".vc-legend");
    legend.appendChild(el("span", "vc-legend-title", data.legend.title + ":"));
    data.legend.items.forEach(function (it) {
      var item = el("span", "vc-legend-item");
      var sw = el("span", "vc-swatch");
      sw.style.background = it.color;
      item.appendChild(sw);
      item.appendChild(el("span", null, it.label));
      legend.appendChild(item);
    });
    // filters
    var bar = root.querySelector(".vc-filters");
    data.filters.forEach(function (f) {
      var lab = el("label", "vc-filter");
      lab.appendChild(el("span", null, f.label + " "));
      var sel = el("select");
      sel.setAttribute("data-key", f.key);
      sel.appendChild(new Option("all", ""));
      f.values.forEach(function (v) { sel.appendChild(new Option(v, v)); });
      sel.addEventListener("change", function () {
        active[f.key] = sel.value;
        nodeView.refresh();
        edgeView.refresh();
        count();
      });
      lab.appendChild(sel);
      bar.appendChild(lab);
    });
    var network = new vis.Network(canvas, { nodes: nodeView, edges: edgeView }, data.options);
    // labels never smaller than min_label_px on screen, whatever the zoom
    var minPx = data.min_label_px || 12, baseFont = (data.options.nodes && data.options.nodes.font &&
      data.options.nodes.font.size) || 13, lastFont = baseFont;
    function labelSize() {
      var s = network.getScale();
      if (!(s > 0)) { return; }
      var f = Math.max(baseFont, minPx / s);
      if (Math.abs(f - lastFont) > 0.5) { lastFont = f; network.setOptions({ nodes: { font: { size: f } } }); }
    }
    network.on("zoom", labelSize);
    function ready() {
      if (data.freeze && data.options.physics && data.options.physics.enabled) {
        network.setOptions({ physics: { enabled: false } });
      }
      root.setAttribute("data-ready", "1");
      count();
    }
    network.once("stabilizationIterationsDone", function () { network.fit(); labelSize(); ready(); });
    network.once("afterDrawing", function () {
      if (!data.options.physics.enabled) { network.fit(); labelSize(); ready(); }
    });
    // search: select and centre the nodes whose label contains the text
    var search = root.querySelector(".vc-search");
    if (search) {
      search.addEventListener("input", function () {
        var q = search.value.trim().toLowerCase();
        search.classList.remove("vc-search-miss");
        if (!q) { network.unselectAll(); network.fit(); count(); return; }
        var hits = nodeView.getIds({ filter: function (n) { return String(n.label).toLowerCase().indexOf(q) >= 0; } });
        if (!hits.length) { search.classList.add("vc-search-miss"); status.textContent = "no node matches"; return; }
        network.selectNodes(hits);
        if (hits.length === 1) { network.focus(hits[0], { scale: Math.max(network.getScale(), 1.0), animation: false }); }
        else { network.fit({ nodes: hits, animation: false }); }
        labelSize();
        status.textContent = hits.length + " matching node" + (hits.length > 1 ? "s" : "");
      });
    }
    count();
    root.vcNetwork = network;
  }
  window.vcRenderNetwork = render;
  function all() {
    var blocks = document.querySelectorAll(".vc-network[data-auto='1']");
    for (var i = 0; i < blocks.length; i++) { render(blocks[i].id); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", all);
  } else {
    all();
  }
})();
