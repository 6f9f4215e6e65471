// The live sum of a weight list (evaluation/round_weights.html): criteria and rater roles must
// each add up to exactly 100%. Every box marked data-weight="<list>" is summed into the line
// marked data-weight-sum="<list>" as it is typed, in hundredths (whole numbers) so that
// 33.33 + 33.33 + 33.34 is 100 and not 99.99999. The line's wording comes from the page
// (data-text with {total}, data-wrong), so it reads in the page's language; the server still
// refuses any other total and names it, with or without this script.
(() => {
  "use strict";

  const hundredths = (text) => {
    const value = String(text).trim();
    if (value === "") return 0;
    if (!/^\d+(\.\d{0,2})?$/.test(value)) return NaN;
    const [whole, fraction = ""] = value.split(".");
    return Number(whole) * 100 + Number((fraction + "00").slice(0, 2));
  };

  const shown = (cents) => {
    const whole = Math.floor(cents / 100);
    const rest = cents % 100;
    if (rest === 0) return String(whole);
    return `${whole}.${String(rest).padStart(2, "0").replace(/0$/, "")}`;
  };

  const update = (list, line) => {
    const boxes = document.querySelectorAll(`[data-weight="${list}"]`);
    let total = 0;
    let readable = true;
    boxes.forEach((box) => {
      const cents = hundredths(box.value);
      if (Number.isNaN(cents)) readable = false;
      else total += cents;
    });
    const text = line.dataset.text.replace("{total}", readable ? shown(total) : "?");
    const right = readable && total === 10000;
    line.textContent = right ? text : `${text} ${line.dataset.wrong}`;
    line.className = right ? "message success" : "message warning";
  };

  document.querySelectorAll("[data-weight-sum]").forEach((line) => {
    const list = line.dataset.weightSum;
    const refresh = () => update(list, line);
    document.querySelectorAll(`[data-weight="${list}"]`).forEach((box) => {
      box.addEventListener("input", refresh);
    });
    refresh();
  });
})();
