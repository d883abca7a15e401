// Suggests the browser's own time zone in a time zone field still at its default (UTC), so
// that nobody is left on UTC without being asked. Without JavaScript the field simply keeps
// its value, which the person can change.
document.addEventListener("DOMContentLoaded", () => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  for (const select of document.querySelectorAll("select[data-detect-time-zone]")) {
    const known = [...select.options].some((option) => option.value === zone);
    if (select.value === "UTC" && known && zone !== "UTC") {
      select.value = zone;
      const hint = document.createElement("p");
      hint.className = "hint";
      hint.setAttribute("role", "status");
      hint.textContent = `${zone} is your browser's time zone: save to keep it.`;
      select.after(hint);
    }
  }
});
