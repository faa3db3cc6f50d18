// Shows the core's failover notices as desktop notifications; a click brings the window back.
// Kept thin: the words come from core/notifications, tested there.
import { Notification, type BrowserWindow } from 'electron';
import type { DesktopNotice } from '../core/notifications/failover-notification.ts';

export function desktopNotifier(window: () => BrowserWindow | null): (notice: DesktopNotice) => void {
  return (notice) => {
    if (!Notification.isSupported()) return;
    const shown = new Notification({ title: notice.title, body: notice.body });
    shown.on('click', () => {
      const w = window();
      if (w && !w.isDestroyed()) {
        if (w.isMinimized()) w.restore();
        w.focus();
      }
    });
    shown.show();
  };
}
