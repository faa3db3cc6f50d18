// The lint zones must catch a bad import in each runtime's folder (and let good ones pass).
// Files are linted as if they sat at the given path, so no bad file lives in the tree.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import zones', () => {
  it.each([
    ['src/shared/bad.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;"],
    ['src/shared/bad.ts', "import { Client } from 'ssh2';\nexport const x = Client;"],
    ['src/shared/bad.ts', "import { createCore } from '../main/core/app-core.ts';\nexport const x = createCore;"],
    ['src/renderer/bad.tsx', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;"],
    ['src/renderer/bad.tsx', "import { join } from 'node:path';\nexport const x = join;"],
    ['src/renderer/pages/bad.tsx', "import { createCore } from '../../main/core/app-core.ts';\nexport const x = createCore;"],
    ['src/main/core/bad.ts', "import { app } from 'electron';\nexport const x = app;"],
    ['src/main/core/bad.ts', "import type { App } from 'electron';\nexport type X = App;"],
    ['src/main/core/bad.ts', "import { registerIpc } from '../electron/ipc-adapter.ts';\nexport const x = registerIpc;"],
    ['src/renderer/bad.tsx', "import { EventEmitter } from 'events';\nexport const x = EventEmitter;"],
    ['src/main/server/bad.ts', "import { app } from 'electron';\nexport const x = app;"],
    ['src/preload/bad.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;"],
  ])('%s: refuses %j', async (filePath, code) => {
    expect(await restrictedImports(filePath, code)).toHaveLength(1);
  });

  it.each([
    ['src/shared/ok.ts', "import { z } from 'zod';\nexport const x = z;"],
    ['src/renderer/ok.tsx', "import { contract } from '../shared/api/contract.ts';\nexport const x = contract;"],
    ['src/main/core/ok.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;"],
    ['src/main/electron/ok.ts', "import { app } from 'electron';\nexport const x = app;"],
    ['src/preload/ok.ts', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;"],
    // A folder that shares a name with a Node module is not that module.
    ['src/renderer/stores/ok.ts', "import { x as y } from '../components/events/event-kind.ts';\nexport const x = y;"],
  ])('%s: allows %j', async (filePath, code) => {
    expect(await restrictedImports(filePath, code)).toEqual([]);
  });
});
