// `npm run demo`: the app's main job on the embedded lab. Until the lab lands this starts
// serve mode and prints the URL to open.
import { spawn } from 'node:child_process';

const child = spawn(process.execPath, ['src/main/server/serve-main.ts', ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
