// CSV files people open in a spreadsheet: each cell quoted when it must be (RFC 4180), and text
// that a spreadsheet would run as a formula made inert by a leading apostrophe (OWASP's advice
// against CSV injection), since names, comments and owners are typed by people.

/** A CSV cell: quoted when it must be, and never read as a formula by a spreadsheet. */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]|^\s|\s$/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Rows as a CSV file's text: CRLF line ends, a line end after the last row too. */
export function csvText(rows: readonly (readonly (string | number | null)[])[]): string {
  return `${rows.map((cells) => cells.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
