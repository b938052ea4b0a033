// The period report as a PDF, made on the server with PDFKit: the title, the council and the
// period, the RAG counts, the indicator table and the action tracker, on A4 landscape pages whose
// tables repeat their headings. Nothing is fetched: the text face is a TrueType font the machine
// has (Liberation Sans, metric twin of Arial, or DejaVu Sans), else PDF's built-in Helvetica, whose
// Windows-1252 letters lack a few of Welsh's (ŵ, ŷ): those are written without their accent.
import fs from 'node:fs';
import type { Rag } from './indicators.ts';

export interface PdfTable {
  heading: string;
  columns: { text: string; width: number }[];
  rows: { cells: string[]; rag?: { column: number; key: Rag } }[];
  /** Said in place of the table when it has no rows. */
  empty: string;
}

export interface PdfReport {
  language: string;
  title: string;
  councilName: string;
  periodText: string;
  notes: string[];
  summary: { heading: string; counts: { key: Rag; text: string; count: string }[] };
  tables: PdfTable[];
}

/** The swatch beside a status word: the word is always printed too. */
const RAG_COLOURS: Record<Rag, string> = { red: '#d4351c', amber: '#f47738', green: '#00703c', not_known: '#b1b4b6' };

const FONT_CHOICES = [
  [
    '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
    '/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf',
  ],
  ['/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf', '/usr/share/fonts/liberation-sans/LiberationSans-Bold.ttf'],
  ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'],
] as const;

let fonts: { regular: string; bold: string; unicode: boolean } | undefined;
function fontFiles() {
  fonts ??= (() => {
    const found = FONT_CHOICES.find((pair) => pair.every((file) => fs.existsSync(file)));
    return found
      ? { regular: found[0], bold: found[1], unicode: true }
      : { regular: 'Helvetica', bold: 'Helvetica-Bold', unicode: false };
  })();
  return fonts;
}

// Windows-1252's letters above Latin-1 (curly quotes, dashes, the euro...), which Helvetica has.
const WINDOWS_1252_EXTRAS = new Set('ƒ–—‘’‚“”„†‡•…€‰‹›ˆ™ŒœˆŠšŸŽž˜');

/** Text Helvetica can print: accents it lacks dropped, anything else it lacks a question mark. */
export function windows1252(text: string): string {
  return [...text]
    .map((character) => {
      if (character.charCodeAt(0) <= 0xff || WINDOWS_1252_EXTRAS.has(character)) return character;
      const bare = character.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
      return [...bare].every((each) => each.charCodeAt(0) <= 0xff) ? bare : '?';
    })
    .join('');
}

const PAGE_MARGIN = 36;
const CELL_PADDING = 4;

export async function reportAsPdf(report: PdfReport): Promise<Buffer> {
  const files = fontFiles();
  const text = files.unicode ? (value: string) => value : windows1252;
  // PDFKit is loaded when the first report is drawn, not with every OneDoor process (about 0.25 s).
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: PAGE_MARGIN,
    lang: report.language === 'cy' ? 'cy-GB' : 'en-GB',
    displayTitle: true,
    info: { Title: `${report.title}: ${report.councilName}`, Author: report.councilName, Subject: report.periodText },
  });
  const done = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('regular', files.regular);
  doc.registerFont('bold', files.bold);
  const left = PAGE_MARGIN;
  const width = doc.page.width - 2 * PAGE_MARGIN;
  const bottom = () => doc.page.height - PAGE_MARGIN;

  doc.font('bold').fontSize(20).fillColor('#0b0c0c').text(text(report.title), left, PAGE_MARGIN, { width });
  doc.font('regular').fontSize(13).text(text(report.councilName), { width });
  doc.fontSize(11).text(text(report.periodText), { width });
  for (const note of report.notes) doc.fontSize(9).text(text(note), { width });
  doc.moveDown(0.8);

  // The RAG counts in a row: a swatch, the word and the number.
  doc.font('bold').fontSize(13).text(text(report.summary.heading), left, doc.y, { width });
  doc.moveDown(0.3);
  let x = left;
  const y = doc.y;
  for (const count of report.summary.counts) {
    doc.rect(x, y + 1, 10, 10).fillAndStroke(RAG_COLOURS[count.key], '#0b0c0c');
    doc.fillColor('#0b0c0c').font('regular').fontSize(11);
    const label = `${text(count.text)}: `;
    doc.text(label, x + 16, y, { lineBreak: false });
    const labelWidth = doc.widthOfString(label);
    doc.font('bold').text(count.count, x + 16 + labelWidth, y, { lineBreak: false });
    x += 16 + labelWidth + doc.widthOfString(count.count) + 28;
  }
  doc.x = left;
  doc.y = y + 24;

  for (const table of report.tables) drawTable(doc, table, text, { left, width, bottom });
  doc.end();
  return await done;
}

function drawTable(
  doc: PDFKit.PDFDocument,
  table: PdfTable,
  text: (value: string) => string,
  page: { left: number; width: number; bottom: () => number },
) {
  const scale = page.width / table.columns.reduce((sum, column) => sum + column.width, 0);
  const widths = table.columns.map((column) => column.width * scale);
  const heightOf = (cells: string[], font: 'regular' | 'bold') => {
    doc.font(font).fontSize(8);
    return (
      Math.max(
        ...cells.map((cell, index) => doc.heightOfString(text(cell) || ' ', { width: widths[index]! - 2 * CELL_PADDING })),
      ) +
      2 * CELL_PADDING
    );
  };
  const drawRow = (cells: string[], font: 'regular' | 'bold', rag?: { column: number; key: Rag }) => {
    const height = heightOf(cells, font);
    const top = doc.y;
    let x = page.left;
    cells.forEach((cell, index) => {
      let indent = 0;
      if (rag && rag.column === index) {
        doc.rect(x + CELL_PADDING, top + CELL_PADDING + 1, 7, 7).fillAndStroke(RAG_COLOURS[rag.key], '#0b0c0c');
        indent = 11;
      }
      doc
        .font(font)
        .fontSize(8)
        .fillColor('#0b0c0c')
        .text(text(cell), x + CELL_PADDING + indent, top + CELL_PADDING, { width: widths[index]! - 2 * CELL_PADDING - indent });
      x += widths[index]!;
    });
    doc
      .moveTo(page.left, top + height)
      .lineTo(page.left + page.width, top + height)
      .lineWidth(font === 'bold' ? 1 : 0.5)
      .strokeColor(font === 'bold' ? '#0b0c0c' : '#b1b4b6')
      .stroke();
    doc.x = page.left;
    doc.y = top + height;
  };
  const headings = table.columns.map((column) => column.text);
  const heading = () => {
    doc.font('bold').fontSize(13).fillColor('#0b0c0c').text(text(table.heading), page.left, doc.y, { width: page.width });
    doc.moveDown(0.3);
  };

  // A heading is never left alone at the foot of a page.
  if (doc.y + 40 + heightOf(headings, 'bold') > page.bottom()) doc.addPage();
  heading();
  if (table.rows.length === 0) {
    doc.font('regular').fontSize(10).text(text(table.empty), page.left, doc.y, { width: page.width });
    doc.moveDown(1);
    return;
  }
  drawRow(headings, 'bold');
  for (const row of table.rows) {
    // A row is never split across pages; the headings start each new page.
    if (doc.y + heightOf(row.cells, 'regular') > page.bottom()) {
      doc.addPage();
      drawRow(headings, 'bold');
    }
    drawRow(row.cells, 'regular', row.rag);
  }
  doc.moveDown(1.2);
}
