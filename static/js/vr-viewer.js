// The 360° viewer of a practice (templates/vr/practice.html): Pannellum on the element that
// names a picture, its words in the page's language. Keyboard: arrows turn, + and - zoom.
(function () {
  "use strict";
  function start() {
    document.querySelectorAll("[data-panorama]").forEach(function (element) {
      if (typeof pannellum === "undefined") return;
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
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
