// Saves text made in the page as a file: a Blob behind a temporary <a download>. The CSP does
// not govern downloads, so no blob: source is needed; Chromium and Electron behave the same.
export function downloadFile(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
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
