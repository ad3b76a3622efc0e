// The "Print" button of the recovery codes page (inline scripts are not allowed by the CSP).
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-vik-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
});
