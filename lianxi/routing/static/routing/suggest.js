/* “采用建议”: fill the lead unit and supporting units of the form the suggestion sits in with
   the units routing suggested (二(四)). Served from this origin: the CSP allows no inline script. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".routing-adopt") : null;
    if (!button) { return; }
    var form = button.closest("form") || document.getElementById(button.dataset.form || "");
    if (!form) { return; }
    var lead = button.dataset.lead || "";
    var supporting = (button.dataset.supporting || "").split(",").filter(Boolean);
    var select = form.querySelector("select[name=lead_unit]");
    if (select) { select.value = lead; select.dispatchEvent(new Event("change", { bubbles: true })); }
    form.querySelectorAll("input[name=supporting_units]").forEach(function (box) {
      box.checked = supporting.indexOf(box.value) !== -1 && box.value !== lead;
    });
    button.textContent = "已采用";
  });
})();
