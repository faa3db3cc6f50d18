// Lint, with import zones that keep each runtime in its lane (VS Code's layering idea):
// shared imports no runtime; the renderer no node:* and no electron; core never electron.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'net', 'http', 'https', 'crypto', 'util', 'stream', 'events', 'url', 'worker_threads'];
const nodeOnlyPackages = ['ssh2', 'net-snmp', 'ws'];

/** One zone: files matching `files` may not import what `forbidden` lists. */
function zone(files, message, forbidden) {
  return {
    files,
    rules: {
      'no-restricted-imports': ['error', { patterns: forbidden.map((group) => ({ group: [group], message })) }],
    },
  };
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-empty-object-type': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  zone(['src/shared/**'], 'src/shared is pure TypeScript: no runtime (node, electron, DOM libraries) and nothing from main, preload or renderer.', [
    ...nodeBuiltins,
    ...nodeOnlyPackages,
    'electron',
    'react',
    'react-dom',
    '@mantine/*',
    '**/main/**',
    '**/renderer/**',
    '**/preload/**',
  ]),
  zone(['src/renderer/**'], 'The renderer runs under browser rules: reach the main side only through src/renderer/api, never node:* or electron.', [
    ...nodeBuiltins,
    ...nodeOnlyPackages,
    'electron',
    '**/main/**',
    '**/preload/**',
  ]),
  zone(['src/main/core/**', 'src/main/server/**', 'src/main/cli/**', 'test/**', 'scripts/**', 'bench/**', 'resources/**'], 'Only src/main/electron may import electron: CI cannot fetch its binary, and the core must run in plain Node.', [
    'electron',
    '**/renderer/**',
  ]),
  zone(['src/preload/**'], 'The preload is a tiny proxy: electron and the shared method allowlist only.', [...nodeBuiltins, ...nodeOnlyPackages, '**/main/**', '**/renderer/**']),
);
