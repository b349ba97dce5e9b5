// The map page: province polygons (Natural Earth), incidents at their precision, a timeline that
// filters by brushing, the incident list and downloads, all driven by the filters in the URL; and,
// once incidents are linked, an events layer whose markers grow with their independent origins.
// Data reaches the page only through textContent and element attributes, never as HTML.
(function () {
  "use strict";

  var FILTERS = ["category", "province", "place", "since", "until", "outlet", "search", "min_confidence", "review"];
  // The filters events take (confidence, words and review state belong to incidents).
  var EVENT_FILTERS = ["category", "province", "place", "since", "until", "outlet"];
  // Fill by information credibility (Admiralty 1-6): confirmed green to doubtful red, unjudged grey.
  var CREDIBILITY_COLORS = { 1: "#1e8449", 2: "#52be80", 3: "#f4d03f", 4: "#e74c3c", 5: "#a6acaf", 6: "#a6acaf" };
  var FAMILY_COLORS = {
    dissent: "#c0392b", disorder: "#d68910", control: "#2e4053", burden: "#7d3c98",
    elite: "#117a65", military: "#5d6d7e"
  };
  var state = { cursor: null, unit: "month" };

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function svg(tag, attrs) {
    var node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  // The filters as they stand in the URL (the page's one source of truth).
  function filters(without) {
    var url = new URLSearchParams(window.location.search), out = new URLSearchParams();
    FILTERS.forEach(function (k) {
      var v = url.get(k);
      if (v && (!without || without.indexOf(k) < 0)) out.set(k, v);
    });
    return out;
  }

  function query(extra, without) {
    var q = filters(without);
    Object.keys(extra || {}).forEach(function (k) { if (extra[k] !== null && extra[k] !== undefined) q.set(k, extra[k]); });
    return q.toString();
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) return r.json().then(function (b) { throw new Error((b.error && b.error.message) || r.statusText); });
      return r.json();
    });
  }

  // ---- the map -------------------------------------------------------------------------------
  var map = L.map("map", { zoomSnap: 0.25, minZoom: 4, maxZoom: 12, preferCanvas: false });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Boundaries: Natural Earth (public domain)");
  map.fitBounds([[37.6, 124.2], [43.1, 130.8]]);
  var provinceLayers = {};
  var pointLayer = L.layerGroup().addTo(map);
  // Events sit in their own pane above the incident points, so a marker of either kind stays clickable.
  map.createPane("events");
  map.getPane("events").style.zIndex = 450;
  var eventLayer = L.layerGroup().addTo(map);
  var baseReady = getJSON("/static/map/admin1.geojson").then(function (data) {
    L.geoJSON(data, {
      style: function (f) {
        var home = f.properties.iso_a2 === "KP";
        return { color: home ? "#6c7a89" : "#b3b6b7", weight: home ? 1 : 0.6, fillColor: home ? "#f4f1ea" : "#e5e7e9",
                 fillOpacity: 1 };
      },
      onEachFeature: function (f, layer) {
        if (f.properties.iso_3166_2) provinceLayers[f.properties.iso_3166_2] = layer;
        layer.bindTooltip(f.properties.name_en || f.properties.name || "", { sticky: true, direction: "top" });
      }
    }).addTo(map);
  });

  function showPopup(latlng, title, extra) {
    var box = el("div", { "class": "popup", "data-testid": "popup" });
    box.appendChild(el("h3", {}, title));
    var list = el("ol", {}, null);
    box.appendChild(list);
    box.appendChild(el("p", { "class": "hint" }, "Loading…"));
    var popup = L.popup({ maxWidth: 380, maxHeight: 320, autoPanPadding: [20, 20] }).setLatLng(latlng)
      .setContent(box).openOn(map);
    getJSON("/api/incidents?" + query(Object.assign({ limit: 10 }, extra))).then(function (page) {
      box.removeChild(box.lastChild);
      page.items.forEach(function (inc) {
        var li = el("li");
        var a = el("a", { href: "/incidents/" + inc.id }, inc.category + " · " + inc.time.start);
        li.appendChild(a);
        li.appendChild(el("blockquote", { "class": "evidence" }, inc.evidence.text));
        list.appendChild(li);
      });
      if (page.next_cursor) box.appendChild(el("p", { "class": "hint" }, "More in the list beside the map."));
      popup.update();  // grown with its content: pan the map so the whole popup shows
    }).catch(function (e) { box.lastChild.textContent = e.message; });
  }

  function drawMap(layer) {
    pointLayer.clearLayers();
    var most = 1;
    Object.keys(layer.provinces).forEach(function (k) { most = Math.max(most, layer.provinces[k]); });
    Object.keys(provinceLayers).forEach(function (code) {
      var n = layer.provinces[code] || 0, poly = provinceLayers[code];
      var home = poly.feature.properties.iso_a2 === "KP";
      poly.setStyle({ fillColor: n ? "#e67e22" : (home ? "#f4f1ea" : "#e5e7e9"),
                      fillOpacity: n ? 0.25 + 0.6 * n / most : 1 });
      poly.off("click");
      if (n) {
        poly.on("click", function (ev) {
          showPopup(ev.latlng, poly.feature.properties.name_en + ": " + n + " at province level",
                    { province: code, precision: "province" });
        });
      }
    });
    layer.features.forEach(function (f) {
      var p = f.properties, c = f.geometry.coordinates;
      var marker = L.circleMarker([c[1], c[0]], {
        radius: 4 + 3 * Math.sqrt(p.n), color: "#7b241c", weight: 1, fillColor: "#c0392b", fillOpacity: 0.7,
        className: "incident-point"
      });
      marker.bindTooltip((p.name || "?") + " (" + p.precision + "): " + p.n);
      marker.on("click", function () { showPopup([c[1], c[0]], (p.name || "?") + ": " + p.n, p.query); });
      marker.addTo(pointLayer);
    });
    var placed = layer.features.reduce(function (s, f) { return s + f.properties.n; }, 0);
    // Province-level counts the base map has no polygon for (a province abroad, a newer unit) are said, not lost.
    var shaded = 0, unshaded = 0;
    Object.keys(layer.provinces).forEach(function (k) {
      if (provinceLayers[k]) shaded += layer.provinces[k]; else unshaded += layer.provinces[k];
    });
    document.getElementById("map-status").textContent = placed + " at places, " + shaded +
      " at province level, " + (layer.elsewhere + unshaded) + " not on the map";
  }

  // ---- the events layer ----------------------------------------------------------------------
  var eventsToggle = document.getElementById("f-events");

  function eventsOn() { return !!eventsToggle && eventsToggle.checked; }

  function eventQuery() {
    var all = filters(), q = new URLSearchParams();
    EVENT_FILTERS.forEach(function (k) { if (all.get(k)) q.set(k, all.get(k)); });
    return q.toString();
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  // The clicked event in full; the others at the same point (markers there nest, one inside another) as links.
  function showEvent(latlng, p, here) {
    var box = el("div", { "class": "popup", "data-testid": "event-popup" });
    box.appendChild(el("h3", {}, "Event " + p.id + ": " + p.category + " · " + (p.place || "?")));
    box.appendChild(el("p", { "data-testid": "event-facts" }, plural(p.origins, "independent origin") + " · " +
                       plural(p.reports, "report") + " · grade " + (p.grade || "—") + " · " + p.start));
    if (p.grade_rule) box.appendChild(el("p", { "class": "hint" }, p.grade_rule));
    if (p.contradictions) box.appendChild(el("p", { "class": "error" }, plural(p.contradictions, "contradiction")));
    box.appendChild(el("blockquote", { "class": "evidence" }, p.summary));
    box.appendChild(el("a", { href: "/events/" + p.id, "data-testid": "event-open" }, "Open the event"));
    var others = here.filter(function (q) { return q.id !== p.id; });
    if (others.length) {
      box.appendChild(el("p", { "class": "hint" }, "Also here:"));
      var list = el("ol", {});
      others.forEach(function (q) {
        var li = el("li");
        li.appendChild(el("a", { href: "/events/" + q.id }, "Event " + q.id + " · " + q.category));
        li.appendChild(el("span", { "class": "meta" }, " · " + plural(q.origins, "origin") + " · " +
                          (q.grade || "—") + " · " + q.start));
        list.appendChild(li);
      });
      box.appendChild(list);
    }
    L.popup({ maxWidth: 380, maxHeight: 320, autoPanPadding: [20, 20] }).setLatLng(latlng).setContent(box).openOn(map);
  }

  function drawEvents(layer) {
    eventLayer.clearLayers();
    var byPoint = {};
    layer.features.forEach(function (f) {
      var key = f.geometry.coordinates.join(",");
      (byPoint[key] = byPoint[key] || []).push(f.properties);
    });
    // Most origins first, so the smaller markers are drawn over the larger ones and every ring stays clickable.
    layer.features.forEach(function (f) {
      var p = f.properties, c = f.geometry.coordinates;
      var marker = L.circleMarker([c[1], c[0]], {
        pane: "events", radius: Math.min(3 + 5 * p.origins, 28), color: "#1a5276", weight: 2,
        fillColor: CREDIBILITY_COLORS[p.credibility] || "#a6acaf", fillOpacity: 0.55,
        className: "event-point" + (p.origins > 1 ? " corroborated" : "")
      });
      marker.bindTooltip("Event " + p.id + " · " + plural(p.origins, "independent origin") + " · " + (p.grade || "—"));
      marker.on("click", function () { showEvent([c[1], c[0]], p, byPoint[c.join(",")]); });
      marker.addTo(eventLayer);
    });
    document.getElementById("event-status").textContent = "· " + layer.features.length + " of " +
      plural(layer.total, "placed event") + " drawn";
  }

  function loadEvents() {
    if (!eventsOn()) {
      eventLayer.clearLayers();
      document.getElementById("event-status").textContent = "";
      return Promise.resolve();
    }
    var layer = getJSON("/api/events/map?" + eventQuery());
    return Promise.all([layer, baseReady]).then(function (r) { drawEvents(r[0]); });
  }

  // ---- the timeline --------------------------------------------------------------------------
  function drawTimeline(data) {
    var box = document.getElementById("timeline");
    box.textContent = "";
    var periods = [], totals = {};
    data.rows.forEach(function (r) {
      if (!(r.period in totals)) { totals[r.period] = 0; periods.push(r.period); }
      totals[r.period] += r.n;
    });
    periods = fillPeriods(periods, data.unit);
    if (!periods.length) { box.appendChild(el("p", { "class": "hint" }, "No dated incidents.")); return; }
    var W = 360, H = 130, pad = 18, bw = (W - 2) / periods.length;
    var most = Math.max.apply(null, periods.map(function (p) { return totals[p] || 0; }).concat([1]));
    var chart = svg("svg", { viewBox: "0 0 " + W + " " + (H + pad), width: "100%", "class": "timeline-svg",
                             role: "img", "aria-label": "incidents per " + data.unit });
    var stacks = {};
    data.rows.forEach(function (r) { (stacks[r.period] = stacks[r.period] || []).push(r); });
    periods.forEach(function (p, i) {
      var y = H;
      (stacks[p] || []).forEach(function (r) {
        var h = H * r.n / most;
        y -= h;
        var rect = svg("rect", { x: 1 + i * bw, y: y, width: Math.max(bw - 1, 0.5), height: h,
                                 fill: FAMILY_COLORS[r.family] || "#888" });
        var t = svg("title"); t.textContent = p + " · " + r.family + ": " + r.n; rect.appendChild(t);
        chart.appendChild(rect);
      });
    });
    [0, periods.length - 1].forEach(function (i) {
      var label = svg("text", { x: i ? W - 2 : 2, y: H + 13, "text-anchor": i ? "end" : "start", "class": "axis" });
      label.textContent = periods[i];
      chart.appendChild(label);
    });
    var since = filters().get("since"), until = filters().get("until");
    var brush = svg("rect", { y: 0, height: H, "class": "brush", visibility: "hidden" });
    chart.appendChild(brush);
    if (since || until) {
      var a = periodIndex(periods, since, 0), b = periodIndex(periods, until, periods.length - 1);
      brush.setAttribute("x", 1 + a * bw); brush.setAttribute("width", Math.max((b - a + 1) * bw, 2));
      brush.setAttribute("visibility", "visible");
    }
    enableBrush(chart, brush, periods, bw, W, data.unit);
    box.appendChild(chart);
    var legend = el("p", { "class": "legend" });
    data.families.forEach(function (f) {
      var s = el("span", { "class": "key" }, f);
      s.style.setProperty("--c", FAMILY_COLORS[f] || "#888");
      legend.appendChild(s);
    });
    if (data.left_out) legend.appendChild(el("span", { "class": "hint" }, " · " + data.left_out + " dated too coarsely to place"));
    box.appendChild(legend);
  }

  function periodIndex(periods, day, fallback) {
    if (!day) return fallback;
    for (var i = periods.length - 1; i >= 0; i--) if (periods[i] <= day.slice(0, periods[i].length)) return i;
    return fallback;
  }

  function fillPeriods(periods, unit) {
    if (!periods.length) return periods;
    var out = [], first = periods[0], last = periods[periods.length - 1];
    var d = unit === "month" ? new Date(first + "-01T00:00:00Z") : new Date(first + "T00:00:00Z");
    for (var guard = 0; guard < 2000; guard++) {
      var key = unit === "month" ? d.toISOString().slice(0, 7) : d.toISOString().slice(0, 10);
      if (key > last) break;
      out.push(key);
      if (unit === "month") d.setUTCMonth(d.getUTCMonth() + 1); else d.setUTCDate(d.getUTCDate() + 7);
    }
    return out;
  }

  function periodEnd(period, unit) {
    if (unit === "week") {
      var d = new Date(period + "T00:00:00Z"); d.setUTCDate(d.getUTCDate() + 6); return d.toISOString().slice(0, 10);
    }
    var m = new Date(period + "-01T00:00:00Z"); m.setUTCMonth(m.getUTCMonth() + 1); m.setUTCDate(0);
    return m.toISOString().slice(0, 10);
  }

  function enableBrush(chart, brush, periods, bw, W, unit) {
    var start = null;
    function at(ev) {
      var box = chart.getBoundingClientRect();
      var x = (ev.clientX - box.left) * W / box.width;
      return Math.max(0, Math.min(periods.length - 1, Math.floor((x - 1) / bw)));
    }
    chart.addEventListener("pointerdown", function (ev) {
      start = at(ev); chart.setPointerCapture(ev.pointerId);
      brush.setAttribute("x", 1 + start * bw); brush.setAttribute("width", bw); brush.setAttribute("visibility", "visible");
    });
    chart.addEventListener("pointermove", function (ev) {
      if (start === null) return;
      var i = at(ev), a = Math.min(start, i), b = Math.max(start, i);
      brush.setAttribute("x", 1 + a * bw); brush.setAttribute("width", (b - a + 1) * bw);
    });
    chart.addEventListener("pointerup", function (ev) {
      if (start === null) return;
      var i = at(ev), a = Math.min(start, i), b = Math.max(start, i);
      start = null;
      var since = unit === "month" ? periods[a] + "-01" : periods[a];
      setFilters({ since: since, until: periodEnd(periods[b], unit) });
    });
  }

  // ---- the list and downloads ----------------------------------------------------------------
  function drawList(page, append) {
    var list = document.getElementById("incidents");
    if (!append) list.textContent = "";
    page.items.forEach(function (inc) {
      var li = el("li", { "data-id": inc.id });
      var head = el("a", { href: "/incidents/" + inc.id }, inc.category);
      li.appendChild(head);
      var place = inc.location.name || inc.location.admin1_iso || "—";
      li.appendChild(el("span", { "class": "meta" }, " · " + place + " · " + inc.time.start +
                        (inc.review ? " · " + inc.review : "")));
      li.appendChild(el("div", { "class": "summary" }, inc.summary));
      list.appendChild(li);
    });
    state.cursor = page.next_cursor;
    document.getElementById("more").hidden = !page.next_cursor;
  }

  function loadList(append) {
    var extra = { limit: 50, cursor: append ? state.cursor : null };
    return getJSON("/api/incidents?" + query(extra)).then(function (page) { drawList(page, append); });
  }

  function updateDownloads() {
    ["csv", "geojson", "jsonl"].forEach(function (fmt) {
      document.getElementById("dl-" + fmt).setAttribute("href", "/api/export?" + query({ format: fmt }));
    });
  }

  // ---- putting it together -------------------------------------------------------------------
  function refresh() {
    var status = document.getElementById("map-status");
    status.textContent = "Loading…";
    updateDownloads();
    document.getElementById("t-clear").hidden = !(filters().get("since") || filters().get("until"));
    getJSON("/api/counts?by=family&" + query()).then(function (c) {
      document.getElementById("count").textContent = "(" + c.total + ")";
    });
    // The timeline shows every period (so a brushed period has context); the map and list show the filter.
    var timeline = getJSON("/api/timeline?" + query({ unit: state.unit }, ["since", "until"])).then(drawTimeline);
    var layer = Promise.all([getJSON("/api/map?" + query()), baseReady]).then(function (r) { drawMap(r[0]); });
    var list = loadList(false);
    return Promise.all([timeline, layer, list, loadEvents()]).then(function () {
      document.body.setAttribute("data-ready", "1");
    }).catch(function (e) { status.textContent = "Could not load: " + e.message; });
  }

  function setFilters(values) {
    var url = new URLSearchParams(window.location.search);
    Object.keys(values).forEach(function (k) { if (values[k]) url.set(k, values[k]); else url.delete(k); });
    history.pushState(null, "", "/?" + url.toString());
    ["since", "until"].forEach(function (k) {
      var input = document.getElementById("f-" + k); if (input) input.value = url.get(k) || "";
    });
    document.body.removeAttribute("data-ready");
    refresh();
  }

  document.getElementById("more").addEventListener("click", function () { loadList(true); });
  if (eventsToggle) {
    eventsToggle.addEventListener("change", function () { setFilters({ events: eventsToggle.checked ? "1" : "" }); });
  }
  document.getElementById("t-unit").addEventListener("change", function (ev) { state.unit = ev.target.value; refresh(); });
  document.getElementById("t-clear").addEventListener("click", function () { setFilters({ since: "", until: "" }); });
  window.addEventListener("popstate", function () { window.location.reload(); });
  // Empty fields stay out of the URL, so shared links are short.
  document.getElementById("filters").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var url = new URLSearchParams();
    new FormData(ev.target).forEach(function (v, k) { if (v) url.set(k, v); });
    window.location.assign("/?" + url.toString());
  });
  refresh();
})();
