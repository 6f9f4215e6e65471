// Evaluation pages: the weighted total shown while a rater types scores, and the print button of
// the democratic evaluation slips. No inline script: the Content-Security-Policy forbids it.
(function () {
  "use strict";

  function showTotal(list, total) {
    var sum = 0;
    var complete = true;
    list.querySelectorAll("[data-weight]").forEach(function (item) {
      var input = item.querySelector("input");
      var value = input ? input.value.trim() : "";
      var score = Number(value);
      if (value === "" || !Number.isInteger(score) || score < 0 || score > 100) {
        complete = false;
        return;
      }
      sum += score * Number(item.getAttribute("data-weight"));
    });
    total.hidden = false;
    // Half up to two places, as the server computes it.
    total.querySelector("[data-total-value]").textContent = complete
      ? (Math.round(sum) / 100).toFixed(2)
      : "—";
  }

  function start() {
    document.querySelectorAll("[data-scores]").forEach(function (list) {
      var total = list.parentElement.querySelector("[data-total]");
      if (!total) return;
      list.addEventListener("input", function () { showTotal(list, total); });
      showTotal(list, total);
    });
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
