// The handling-time counter on the "Log a contact" page ("Call time 02:41"). It counts up from the
// contact's start on the server's clock (the page says when it was drawn), so a browser whose
// clock is wrong still shows the right time. Screen readers are not told every second
// (aria-live="off"); they read it when they reach it. Without JavaScript it stays hidden.
export function initContactTimers(root = document) {
  for (const element of root.querySelectorAll('[data-contact-timer]')) {
    const startedAt = Date.parse(element.dataset.startedAt ?? '');
    const renderedAt = Date.parse(element.dataset.renderedAt ?? '');
    const value = element.querySelector('[data-contact-timer-value]');
    if (Number.isNaN(startedAt) || Number.isNaN(renderedAt) || !value) continue;
    const elapsedBeforeLoad = Math.max(0, renderedAt - startedAt);
    const loadedAt = Date.now();
    const show = () => {
      value.textContent = formatDuration(elapsedBeforeLoad + (Date.now() - loadedAt));
    };
    show();
    element.hidden = false;
    window.setInterval(show, 1000);
  }
}

/** 161000 ms -> "02:41"; an hour or more -> "1:02:41". */
export function formatDuration(milliseconds) {
  const total = Math.floor(Math.max(0, milliseconds) / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const pad = (number) => String(number).padStart(2, '0');
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${pad(minutes)}:${pad(seconds)}`;
}
