// The 360° viewer of a practice (templates/vr/practice.html): Pannellum on the element that
// names a picture, its words in the page's language. Keyboard: arrows turn, + and - zoom.
(function () {
  "use strict";
  function start() {
    document.querySelectorAll("[data-panorama]").forEach(function (element) {
      var words = element.dataset;
      pannellum.viewer(element, {
        type: "equirectangular",
        panorama: words.panorama,
        autoLoad: true,
        showZoomCtrl: true,
        keyboardZoom: true,
        strings: {
          loadButtonLabel: words.load,
          loadingLabel: words.loading,
          bylineLabel: "",
          noPanoramaError: words.failed,
          fileAccessError: words.failed,
          malformedURLError: words.failed,
          iOS8WebGLError: words.failed,
          genericWebGLError: words.failed,
          textureSizeError: words.failed,
          unknownError: words.failed,
        },
      });
    });
  }
  // A page swapped in by htmx (the comfort check's answer) inserts its scripts, and the
  // browser runs inserted external scripts as each arrives, in no set order: this one may run
  // before Pannellum has, and then starts once Pannellum's script has loaded.
  function whenPannellum() {
    if (typeof pannellum !== "undefined") return start();
    var script = document.querySelector('script[src*="pannellum"]');
    if (script) script.addEventListener("load", start, { once: true });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", whenPannellum);
  } else {
    whenPannellum();
  }
})();
