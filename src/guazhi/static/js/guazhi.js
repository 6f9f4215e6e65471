// Small behaviours the pages share. No inline scripts anywhere: the CSP forbids them.
document.addEventListener("click", (event) => {
  const target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.dataset.confirm)) {
    event.preventDefault();
    event.stopPropagation();
  }
}, true);
