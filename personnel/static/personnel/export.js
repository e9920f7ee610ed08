// Binds the export page's "select all" box to django-import-export's own
// handler (export_selectable_fields.js), instead of an inline onchange
// attribute that the Content-Security-Policy refuses.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input.select-toggle").forEach((toggle) => {
    toggle.addEventListener("change", onSelectToggleChange);
  });
});
