// The renderer's Content-Security-Policy, shared by the Electron protocol handler and serve
// mode so both run the UI under the same rules: only the app's own files, no remote origins,
// no eval. Mantine and the drag-and-drop library inject <style> elements, hence the inline styles.
export function contentSecurityPolicy(opts: { connectSrc?: readonly string[] } = {}): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src ${["'self'", ...(opts.connectSrc ?? [])].join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
