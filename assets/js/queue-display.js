// The waiting area's screen (/display/:siteId): every few seconds it asks the server for the
// latest calls (/display/:siteId.json) and, when they change, redraws the table and the newest
// call, whose live region then announces it. Without JavaScript the page has a "Refresh" link.
// It builds the page with textContent only: nothing from the server is read as HTML.
const POLL_MS = 5000;

export function initQueueDisplays(root = document) {
  for (const element of root.querySelectorAll('[data-queue-display]')) {
    const source = element.dataset.source;
    const announcement = element.querySelector('[data-announcement]');
    const body = element.querySelector('[data-calls]');
    if (!source || !announcement || !body) continue;
    const text = {
      nobody: element.dataset.textNobody ?? '',
      noCounter: element.dataset.textNoCounter ?? '',
      announcement: element.dataset.textAnnouncement ?? '{ticket} {counter}',
    };
    const refreshLink = element.querySelector('[data-refresh-link]');
    if (refreshLink) refreshLink.hidden = true;
    let shown = keyOf(
      [...body.querySelectorAll('tr')]
        .map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent.trim()))
        .filter((cells) => cells.length === 2),
    );

    const poll = async () => {
      try {
        const response = await window.fetch(source, { headers: { accept: 'application/json' }, cache: 'no-store' });
        if (!response.ok) return;
        const { calls } = await response.json();
        if (!Array.isArray(calls)) return;
        const rows = calls.map((call) => [String(call.ticket), call.counter ? String(call.counter) : text.noCounter]);
        const key = keyOf(rows);
        if (key === shown) return;
        shown = key;
        redraw(body, rows, text.nobody);
        const latest = rows[0];
        announcement.textContent = latest
          ? text.announcement.replace('{ticket}', latest[0]).replace('{counter}', latest[1])
          : text.nobody;
      } catch {
        // The network may drop for a moment: the next poll tries again.
      }
    };
    window.setInterval(poll, POLL_MS);
  }
}

const keyOf = (rows) => JSON.stringify(rows);

function redraw(body, rows, nobody) {
  const document = body.ownerDocument;
  const cell = (content, classes, colspan) => {
    const td = document.createElement('td');
    td.className = `govuk-table__cell ${classes}`;
    td.textContent = content;
    if (colspan) td.colSpan = colspan;
    return td;
  };
  const lines = rows.length
    ? rows.map(([ticket, counter]) => [
        cell(ticket, 'govuk-!-font-size-48 govuk-!-font-weight-bold'),
        cell(counter, 'govuk-!-font-size-48'),
      ])
    : [[cell(nobody, 'govuk-!-font-size-36', 2)]];
  body.replaceChildren(
    ...lines.map((cells) => {
      const tr = document.createElement('tr');
      tr.className = 'govuk-table__row';
      tr.append(...cells);
      return tr;
    }),
  );
}

initQueueDisplays();
