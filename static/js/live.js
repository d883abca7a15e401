// Live pages. While the page hears its event stream (`hx-sse:connect` in base.html), the
// parts that can poll (`data-live`) stop polling: each fetches when an event says it changed.
// Whenever the stream is down (connecting again, a proxy that buffers, Redis unavailable, no
// events service), they poll as before. Without JavaScript, pages simply reload.
(() => {
  const page = document.documentElement;
  const hearing = (yes) => {
    page.dataset.live = yes ? "on" : "off";
  };
  // The first message proves the stream arrives; until then, and between connections, poll.
  document.addEventListener("htmx:sse:after:message", (event) => {
    hearing(event.detail.message.event !== "live-unavailable");
  });
  for (const down of ["htmx:sse:before:connection", "htmx:sse:error", "htmx:sse:close"]) {
    document.addEventListener(down, () => hearing(false));
  }
  document.addEventListener("htmx:config:request", (event) => {
    const { sourceElement, sourceEvent } = event.detail.ctx;
    if (page.dataset.live === "on" && sourceEvent?.type === "every" && sourceElement.hasAttribute("data-live")) {
      event.preventDefault();
    }
  });
})();
