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
      var ready = page && page.key === args.page_key ? Promise.resolve()
        : buildPage(args).then(afterPaint);
      return ready.then(function () { showGroups(args); });
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
