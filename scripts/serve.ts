// `npm run serve`: builds the renderer only if its sources changed (scripts/cached-build.ts),
// then starts serve mode in the same process (one Node start instead of two). The npm script
// sets NODE_COMPILE_CACHE, so Node keeps the compiled (and type-stripped) modules between
// starts: loading the core's ~130 modules and their dependencies is most of a start.
import { ensureBuilt } from './cached-build.ts';

try {
  await ensureBuilt('renderer');
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
console.log('Starting Switchyard…');
await import('../src/main/server/serve-main.ts');
