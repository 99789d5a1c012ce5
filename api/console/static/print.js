// Printable pages: the Print button (no inline handlers: the console's CSP forbids inline script).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});
