// The 360° video of a practice (templates/vr/_video.html): Video.js plays it and Pannellum's
// Video.js plugin draws it around the viewer. Keyboard: the player's controls are buttons,
// arrows turn the view once it has the focus.
(function () {
  "use strict";
  // Video.js would otherwise add an inline style element, which the Content-Security-Policy
  // refuses: static/css/vr-video.css sizes the player instead.
  window.VIDEOJS_NO_DYNAMIC_STYLE = true;

  // What each script defines, so that a page opened again does not load it twice.
  var READY = [
    function () { return typeof pannellum !== "undefined"; },
    function () { return typeof videojs !== "undefined"; },
    function () { return typeof videojs !== "undefined" && !!videojs.options.languages.fr; },
    function () { return typeof videojs !== "undefined" && !!videojs.getPlugin("pannellum"); },
  ];

  // One after another: the plugin needs both players, and a page swapped in by htmx runs the
  // scripts it inserts in no set order.
  function load(sources, index, done) {
    if (index === sources.length) return done();
    if (READY[index]()) return load(sources, index + 1, done);
    var script = document.createElement("script");
    script.src = sources[index];
    script.addEventListener("load", function () { load(sources, index + 1, done); }, { once: true });
    document.head.appendChild(script);
  }

  function start(video) {
    var words = video.dataset;
    var failed = words.failed;
    videojs(video, {
      language: document.documentElement.lang,
      // The browser's own captions: otherwise Video.js fetches a caption parser from its
      // CDN, which the Content-Security-Policy refuses (scripts from this origin only).
      html5: { nativeTextTracks: true },
      plugins: {
        pannellum: {
          strings: {
            loadingLabel: words.loading,
            bylineLabel: "",
            noPanoramaError: failed,
            fileAccessError: failed,
            malformedURLError: failed,
            iOS8WebGLError: failed,
            genericWebGLError: failed,
            textureSizeError: failed,
            unknownError: failed,
          },
        },
      },
    });
  }

  function begin() {
    var video = document.querySelector("[data-vr-video]");
    if (!video) return;
    load(video.dataset.scripts.split(" "), 0, function () { start(video); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", begin);
  } else {
    begin();
  }
})();
