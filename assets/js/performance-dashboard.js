// The live dashboard (/staff/performance/dashboard): every data-refresh-seconds (a minute) it asks
// the server for the dashboard's live parts (data-source, an HTML fragment drawn by the same
// templates as the page) and puts each in place of the part with the same data-dashboard-part, so
// the charts stay drawn on the server. Without JavaScript the page has a "Refresh" link instead.
// The fragment is parsed with DOMParser, which runs no script; focus inside a part stays where it
// was. When the session has ended the refreshing stops and the "Refresh" link comes back.
const DEFAULT_SECONDS = 60;

export function initPerformanceDashboards(root = document) {
  for (const element of root.querySelectorAll('[data-performance-dashboard]')) {
    const source = element.dataset.source;
    if (!source) continue;
    const seconds = Number(element.dataset.refreshSeconds);
    const interval = (Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_SECONDS) * 1000;
    const refreshLink = element.querySelector('[data-refresh-link]');
    const liveNote = element.querySelector('[data-live-note]');
    const show = (live) => {
      if (refreshLink) refreshLink.hidden = live;
      if (liveNote) liveNote.hidden = !live;
    };
    show(true);

    let busy = false;
    let stopped = false;
    let timer;
    const refresh = async () => {
      if (busy || stopped || document.hidden) return;
      busy = true;
      try {
        const response = await window.fetch(source, {
          headers: { accept: 'text/html' },
          cache: 'no-store',
          credentials: 'same-origin',
          redirect: 'manual',
        });
        // Signed out (sent to sign in) or no longer allowed: stop, and offer the link.
        if (response.type === 'opaqueredirect' || response.status === 401 || response.status === 403) {
          stopped = true;
          window.clearInterval(timer);
          show(false);
          return;
        }
        if (!response.ok) return;
        const fresh = new window.DOMParser().parseFromString(await response.text(), 'text/html');
        for (const part of element.querySelectorAll('[data-dashboard-part]')) {
          const replacement = [...fresh.querySelectorAll('[data-dashboard-part]')].find(
            (candidate) => candidate.dataset.dashboardPart === part.dataset.dashboardPart,
          );
          if (replacement) replacePart(part, replacement);
        }
      } catch {
        // The network may drop for a moment: the next refresh tries again.
      } finally {
        busy = false;
      }
    };
    timer = window.setInterval(refresh, interval);
    // A tab left in the background is not refreshed; coming back to it, it is at once.
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden) refresh();
    });
  }
}

function replacePart(part, replacement) {
  const document = part.ownerDocument;
  const active = document.activeElement;
  const focusedId = active && active !== document.body && part.contains(active) ? active.id : '';
  part.replaceChildren(...[...replacement.childNodes].map((node) => document.importNode(node, true)));
  if (focusedId) document.getElementById(focusedId)?.focus();
}

initPerformanceDashboards();
