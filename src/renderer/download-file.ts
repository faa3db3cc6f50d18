// Saves text made in the page as a file: a Blob behind a temporary <a download>. The CSP does
// not govern downloads, so no blob: source is needed; Chromium and Electron behave the same.
// Text is saved as UTF-8; bytes (a PDF) as they are.
export function downloadFile(fileName: string, content: string | Uint8Array<ArrayBuffer>, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: typeof content === 'string' ? `${type};charset=utf-8` : type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // The click has started the download; the URL can go once this task is over.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
