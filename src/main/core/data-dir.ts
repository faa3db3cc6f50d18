// Where the app keeps its database when not running inside Electron (serve mode, CLI):
// SWITCHYARD_DATA_DIR, else the XDG data folder, as desktop Linux users expect.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SWITCHYARD_DATA_DIR) return env.SWITCHYARD_DATA_DIR;
  if (process.platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'Switchyard');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Switchyard');
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'switchyard');
}
