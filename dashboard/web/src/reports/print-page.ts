/**
 * `@page` is ignored inside a shadow root, so the A4 page box lives in the document: added
 * while at least one report is on the page, removed with the last one.
 */
const ID = 'qt-report-print-page';
const CSS = `@page { size: A4; margin: 12mm 10mm 14mm; }
@media print {
  html, body { background: var(--qt-white) !important; }
}`;

let users = 0;

export function attachPrintPage(doc: Document = document): void {
  users += 1;
  if (doc.getElementById(ID)) return;
  const style = doc.createElement('style');
  style.id = ID;
  style.textContent = CSS;
  doc.head.append(style);
}

export function detachPrintPage(doc: Document = document): void {
  users = Math.max(0, users - 1);
  if (users === 0) doc.getElementById(ID)?.remove();
}
