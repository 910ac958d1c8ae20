// ebh: small progressive enhancements only; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  // Confirm dangerous actions: <button data-confirm="Text">.
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("click", function (event) {
      if (!window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  // Poll a progress endpoint: <progress data-progress-url="/...json"> updates until done.
  document.querySelectorAll("progress[data-progress-url]").forEach(function (bar) {
    var url = bar.getAttribute("data-progress-url");
    var label = document.getElementById(bar.getAttribute("aria-describedby"));
    function tick() {
      fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (data) {
        bar.max = data.total || 1; bar.value = data.done || 0;
        if (label) { label.textContent = data.label || (data.done + " / " + data.total); }
        if (!data.finished) { window.setTimeout(tick, 1000); } else if (data.reload) { window.location.reload(); }
      });
    }
    tick();
  });
});
