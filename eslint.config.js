// Lint, with import zones that keep each runtime in its lane (VS Code's layering idea):
// shared imports no runtime; the renderer no node:* and no electron; core never electron.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Matched by exact name (a folder called `events` or `util` is fine). */
const nodeBuiltins = ['fs', 'fs/promises', 'path', 'os', 'child_process', 'net', 'http', 'https', 'crypto', 'util', 'stream', 'events', 'url', 'worker_threads'];
const nodeOnlyPackages = ['ssh2', 'net-snmp', 'ws'];

/**
 * One zone: files matching `files` may import none of `names` (exact module names) and nothing
 * matching `patterns` (gitignore-style, for `node:*` and for folders of other runtimes).
 */
function zone(files, message, { names = [], patterns = [] }) {
  return {
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: names.map((name) => ({ name, message })), patterns: patterns.map((group) => ({ group: [group], message })) },
      ],
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
  zone(['src/shared/**'], 'src/shared is pure TypeScript: no runtime (node, electron, DOM libraries) and nothing from main, preload or renderer.', {
    names: [...nodeBuiltins, ...nodeOnlyPackages, 'electron', 'react', 'react-dom'],
    patterns: ['node:*', '@mantine/*', '**/main/**', '**/renderer/**', '**/preload/**'],
  }),
  zone(['src/renderer/**'], 'The renderer runs under browser rules: reach the main side only through src/renderer/api, never node:* or electron.', {
    names: [...nodeBuiltins, ...nodeOnlyPackages, 'electron'],
    patterns: ['node:*', '**/main/**', '**/preload/**'],
  }),
  zone(['src/main/core/**', 'src/main/server/**', 'src/main/cli/**', 'test/**', 'scripts/**', 'bench/**', 'resources/**'], 'Only src/main/electron may import electron: CI cannot fetch its binary, and the core must run in plain Node.', {
    names: ['electron'],
    patterns: ['**/electron/**', '**/renderer/**'],
  }),
  zone(['src/preload/**'], 'The preload is a tiny proxy: electron and the shared method allowlist only.', {
    names: [...nodeBuiltins, ...nodeOnlyPackages],
    patterns: ['node:*', '**/main/**', '**/renderer/**'],
  }),
);
