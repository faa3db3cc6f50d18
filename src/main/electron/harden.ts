// Closes the doors a desktop web app must keep shut: no navigation away from the bundled UI,
// no new windows, no permission grants (camera, notifications prompts, geolocation …).
import type { Session, WebContents } from 'electron';
import { isTrustedSenderUrl } from './window-options.ts';

type ContentsHooks = Pick<WebContents, 'setWindowOpenHandler' | 'on'>;
type SessionHooks = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>;

export function hardenWebContents(contents: ContentsHooks): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (!isTrustedSenderUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isTrustedSenderUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export function hardenSession(session: SessionHooks): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
