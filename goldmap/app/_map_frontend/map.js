// goldmap's live map: a Streamlit component without a framework.
//
// Streamlit sends the map's page (header, html, script) and its layer groups on every run.
// The page is built once per page key; on a run with the same key only the layer groups
// and the layer switch are replaced, so the map, with the user's pan and zoom, stays put.
(function () {
  "use strict";

  function post(type, data) {
    window.parent.postMessage(Object.assign({isStreamlitMessage: true, type: type}, data), "*");
  }

  var root = document.getElementById("root");
  var loaded = preloaded(); // script and style sheet URLs already in the page

  // The files index.html loaded with the frame (Leaflet), by the address the header uses.
  function preloaded() {
    var found = {};
    var nodes = document.querySelectorAll("[data-goldmap-preloaded]");
    Array.prototype.forEach.call(nodes, function (node) {
      var url = node.getAttribute("src") || node.getAttribute("href");
      if (url) { found[url] = true; }
    });
    return found;
  }

  // Resolves after the browser has painted: the map's own layers show before its groups.
  function afterPaint() {
    return new Promise(function (resolve) {
      requestAnimationFrame(function () { setTimeout(resolve, 0); });
    });
  }
  var page = null;          // {key, map, layers, nodes}
  var groups = {key: null, layers: [], control: null};
  var height = null;
  var value = {};           // what the app hears: the feature last clicked; that it drew

  function report(update) {
    value = Object.assign({}, value, update);
    post("streamlit:setComponentValue", {value: value, dataType: "json"});
  }

  // Run a header's or html's nodes: scripts in order (waiting for each file), the rest
  // inserted. Returns the nodes inserted, which belong to the page.
  function mount(markup, parent) {
    var template = document.createElement("template");
    template.innerHTML = markup;
    var nodes = [];
    var chain = Promise.resolve();
    Array.prototype.forEach.call(template.content.childNodes, function (node) {
      if (node.nodeName === "SCRIPT") {
        var src = node.getAttribute("src");
        if (src && loaded[src]) { return; }
        chain = chain.then(function () {
          return new Promise(function (resolve, reject) {
            var script = document.createElement("script");
            if (src) {
              loaded[src] = true;
              script.src = src;
              script.onload = resolve;
              script.onerror = function () { reject(new Error("could not load " + src)); };
            } else {
              script.textContent = node.textContent;
            }
            parent.appendChild(script);
            if (!src) { nodes.push(script); resolve(); }
          });
        });
      } else if (node.nodeName === "LINK") {
        var href = node.getAttribute("href");
        if (loaded[href]) { return; }
        loaded[href] = true;
        parent.appendChild(node.cloneNode(true));
      } else if (node.nodeType === 1) {
        var copy = node.cloneNode(true);
        parent.appendChild(copy);
        nodes.push(copy);
      }
    });
    return chain.then(function () { return nodes; });
  }

  // What the app hears of a click: the clicked feature's properties.
  function listen(map) {
    var sent = new WeakSet();
    function hook(layer) {
      if (!(layer instanceof L.FeatureGroup) || hooked.has(layer)) { return; }
      hooked.add(layer);
      layer.on("click", function (e) {
        var feature = e.sourceTarget && e.sourceTarget.feature;
        if (!feature || (e.originalEvent && sent.has(e.originalEvent))) { return; }
        if (e.originalEvent) { sent.add(e.originalEvent); }
        report({last_active_drawing: {type: "Feature", properties: feature.properties || {}}});
      });
    }
    var hooked = new WeakSet();
    map.eachLayer(hook);
    map.on("layeradd", function (e) { hook(e.layer); });
  }

  // ---- Where the map looks: a focus the app asks for; the view kept across a new page ----
  //
  // The app sends a focus ({token, bounds, max_zoom, feature, scroll, inside}) with a new
  // token each time the reader asks (a place in the text, a table row, a province filter,
  // an upload): the map fits the bounds, opens the feature's popup with the feature
  // highlighted, and scrolls itself into view. A token is applied once. A new page of the
  // same map (another language) opens where the old one was, with the same popup open; the
  // view is also kept in the tab's sessionStorage for a frame that the page builds anew.
  var STORE = "goldmap.view";
  var HIGHLIGHT = {color: "#0072b2", weight: 5, opacity: 0.95, fill: false,
                   interactive: false, className: "goldmap-focus"};
  var GLOW = "drop-shadow(0 0 3px #0072b2) drop-shadow(0 0 6px #0072b2)";
  var sight = {session: null, applied: null, open: null, fit: null, mark: null};

  function featureKey(props) {
    if (!props || !props._layer) { return null; }
    return props._layer + ":" + (props._layer === "user" ? props.row : props.id);
  }

  function findFeature(map, key) {
    var found = null;
    map.eachLayer(function (layer) {
      if (!found && layer.feature && layer.getPopup && layer.getPopup()
          && featureKey(layer.feature.properties) === key) { found = layer; }
    });
    return found;
  }

  function unmark() {
    var mark = sight.mark;
    sight.mark = null;
    if (!mark) { return; }
    if (mark.element) {
      mark.element.style.filter = "";
      mark.element.removeAttribute("data-goldmap-focus");
    }
    if (mark.overlay) { mark.overlay.remove(); }
  }

  // The feature whose popup is open stands out: a star glows, a shape gets an outline.
  function markFeature(map, layer) {
    unmark();
    if (layer instanceof L.Marker) {
      var element = layer.getElement();
      if (element) {
        element.style.filter = GLOW;
        element.setAttribute("data-goldmap-focus", "");
        sight.mark = {element: element};
      }
      return;
    }
    var radius = layer.getRadius ? layer.getRadius() + 4 : 10;
    var overlay = L.geoJSON(layer.toGeoJSON(), {
      style: function () { return HIGHLIGHT; },
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, Object.assign({radius: radius}, HIGHLIGHT));
      }
    }).addTo(map);
    sight.mark = {overlay: overlay};
  }

  function save(map) {
    try {
      var c = map.getCenter();
      sessionStorage.setItem(STORE, JSON.stringify({
        session: sight.session, applied: sight.applied, open: sight.open,
        center: [c.lat, c.lng], zoom: map.getZoom()
      }));
    } catch (err) { /* storage refused: the view is kept in memory only */ }
  }

  function stored(session) {
    try {
      var kept = JSON.parse(sessionStorage.getItem(STORE) || "null");
      return kept && kept.session === session ? kept : null;
    } catch (err) { return null; }
  }

  // Follow the reader: the popup that is open, the view, a hand on the map (which ends a
  // fit that would otherwise be made again when the frame is resized).
  function trackView(map) {
    var hooked = new WeakSet();
    function hook(layer) {
      if (!(layer instanceof L.FeatureGroup) || hooked.has(layer)) { return; }
      hooked.add(layer);
      layer.on("popupopen", function (e) {
        var feature = e.layer && e.layer.feature;
        if (!feature) { return; }
        sight.open = featureKey(feature.properties);
        markFeature(map, e.layer);
        save(map);
      });
      layer.on("popupclose", function (e) {
        if (e.layer && e.layer.feature
            && featureKey(e.layer.feature.properties) === sight.open) {
          sight.open = null;
          unmark();
          save(map);
        }
      });
    }
    map.eachLayer(hook);
    map.on("layeradd", function (e) { hook(e.layer); });
    map.on("moveend", function () { save(map); });
    map.on("resize", function () {
      if (sight.fit) { map.fitBounds(sight.fit.bounds, sight.fit.options); }
    });
    ["mousedown", "wheel", "touchstart", "keydown"].forEach(function (name) {
      map.getContainer().addEventListener(name, function () { sight.fit = null; });
    });
  }

  function openFeature(map, key) {
    var layer = key && findFeature(map, key);
    if (layer) { layer.openPopup(); }
    return !!layer;
  }

  function applyFocus(map, focus) {
    var target = L.latLngBounds(focus.bounds);
    var options = {maxZoom: focus.max_zoom, animate: false};
    // A province filter leaves a closer look inside those provinces as it is.
    var closer = focus.inside && target.contains(map.getCenter())
      && map.getZoom() >= map.getBoundsZoom(target);
    if (!closer) {
      sight.fit = {bounds: target, options: options};
      map.fitBounds(target, options);
    }
    map.closePopup();
    openFeature(map, focus.feature);
    if (focus.scroll && window.frameElement) {
      // The app's page and the map's frame share an origin: the frame scrolls into sight.
      // At once, not smoothly: a smooth scroll is cut short by any change of the page's
      // layout while it runs (a rerun's redraw), and the map would stay half out of sight.
      window.frameElement.scrollIntoView({behavior: "instant", block: "start"});
    }
  }

  function nextFrame() {
    return new Promise(function (resolve) { requestAnimationFrame(function () { resolve(); }); });
  }

  // Before a page replaces the old one: where the reader was looking.
  function whereWasI(args) {
    if (page && page.key !== args.page_key) {
      var c = page.map.getCenter();
      return {center: [c.lat, c.lng], zoom: page.map.getZoom(), open: sight.open};
    }
    return page ? null : stored(args.session);
  }

  // Once the map has its groups and a size: a new focus, or the view it had before.
  function settle(args, seen) {
    var map = page.map;
    sight.session = args.session;
    if (seen && seen.applied !== undefined && sight.applied === null) {
      sight.applied = seen.applied;  // a frame built anew: that focus was applied before
    }
    var size = map.getSize();
    if (!size.x || !size.y) {  // not laid out yet: settle when the frame has its size
      map.once("resize", function () { settle(args, seen); });
      return;
    }
    // A new page's own first fit may still be zooming (Leaflet's flag): its end would undo
    // a view set now.
    if (map._animatingZoom) {
      map.once("zoomend", function () { settle(args, seen); });
      return;
    }
    var focus = args.focus;
    if (focus && focus.token !== sight.applied) {
      sight.applied = focus.token;
      applyFocus(map, focus);
    } else if (seen) {
      sight.fit = null;
      map.setView(seen.center, seen.zoom, {animate: false});
      openFeature(map, seen.open);
    }
    save(map);
  }

  function dropPage() {
    dropGroups();
    if (!page) { return; }
    page.map.remove();
    page.nodes.forEach(function (node) { node.remove(); });
    root.innerHTML = "";
    page = null;
  }

  function buildPage(args) {
    dropPage();
    var key = args.page_key;
    return mount(args.header, document.head).then(function (headNodes) {
      return mount(args.html, root).then(function (bodyNodes) {
        var built = new Function(args.script)();
        page = {key: key, map: built.map, layers: built.layers,
                nodes: headNodes.concat(bodyNodes)};
        window.map = built.map;
        listen(built.map);
        trackView(built.map);
      });
    });
  }

  function dropGroups() {
    if (page) {
      groups.layers.forEach(function (layer) { page.map.removeLayer(layer); });
    }
    if (groups.control) { groups.control.remove(); }
    groups = {key: null, layers: [], control: null};
  }

  function showGroups(args) {
    if (groups.key === args.groups_key) { return; }
    dropGroups();
    var map = page.map;
    var layers = args.groups.map(function (group) {
      return new Function(group.parent, group.script)(map);
    });
    window.feature_group = layers;
    var control = null;
    if (args.switch) {
      var bases = {}, overlays = {};
      args.switch.entries.forEach(function (entry, i) {
        var layer = page.layers[i];  // a page of the same key lists the same layers
        if (layer) { (entry.overlay ? overlays : bases)[entry.name] = layer; }
      });
      args.groups.forEach(function (group, i) {
        if (group.name) { overlays[group.name] = layers[i]; }
      });
      control = L.control.layers(bases, overlays, args.switch.options).addTo(map);
      window.layer_control = control;
    }
    groups = {key: args.groups_key, layers: layers, control: control};
  }

  var queue = Promise.resolve();

  function render(args) {
    if (args.height !== height) {
      height = args.height;
      post("streamlit:setFrameHeight", {height: height});
    }
    queue = queue.then(function () {
      var seen = whereWasI(args);
      var fresh = !(page && page.key === args.page_key);
      var ready = fresh ? buildPage(args).then(afterPaint) : Promise.resolve();
      return ready.then(function () {
        showGroups(args);
        // A new page's first fit starts zooming at the next frame: settle after it.
        return fresh ? nextFrame() : null;
      }).then(function () { settle(args, seen); });
    }).catch(function (err) {  // said on the map; the next run starts afresh
      page = null;
      root.textContent = String(err);
      console.error(err);
    }).then(function () {
      // Once, after the first frame with the map in it: the app then sends the rest.
      if (!value.drawn) {
        requestAnimationFrame(function () { report({drawn: true}); });
      }
    });
  }

  window.addEventListener("message", function (event) {
    if (event.data && event.data.type === "streamlit:render") { render(event.data.args); }
  });
  post("streamlit:componentReady", {apiVersion: 1});
})();
