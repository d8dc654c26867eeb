/* “采用建议”: fill the lead unit and the supporting units of the form the suggestion sits in
   with the units routing suggested (二(四)). The slot (routing/_suggest_slot.html) names the
   form's fields, which are a select or radio buttons for the lead and checkboxes or a multiple
   select for the others. Served from this origin: the CSP allows no inline script. */
(function () {
  "use strict";
  function setMany(form, name, values) {
    form.querySelectorAll("input[name='" + name + "']").forEach(function (box) {
      box.checked = values.indexOf(box.value) !== -1;
    });
    form.querySelectorAll("select[name='" + name + "'][multiple] option").forEach(function (option) {
      option.selected = values.indexOf(option.value) !== -1;
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".routing-adopt") : null;
    if (!button) { return; }
    var form = button.closest("form") || document.getElementById(button.dataset.form || "");
    if (!form) { return; }
    var slot = button.closest(".routing-suggestion, #routing-suggestion");
    var options = slot ? slot.dataset : {};
    var leadField = options.leadField || "lead_unit";
    var supportField = options.supportField || "supporting_units";
    var lead = button.dataset.lead || "";
    var supporting = (button.dataset.supporting || "").split(",").filter(Boolean);
    if (options.supportIncludesLead === "true") {
      if (lead && supporting.indexOf(lead) === -1) { supporting.unshift(lead); }
    } else {
      supporting = supporting.filter(function (key) { return key !== lead; });
    }
    var select = form.querySelector("select[name='" + leadField + "']");
    if (select) { select.value = lead; select.dispatchEvent(new Event("change", { bubbles: true })); }
    setMany(form, supportField, supporting);
    button.textContent = "已采用";
  });
})();
