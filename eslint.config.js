// Lint for the TypeScript sources. The layering rules mirror DESIGN.md: where code runs
// decides what it may import (tests/unit/architecture.test.ts checks the same on the tree).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const noElectron = { name: 'electron', message: 'The engine and native-models run under plain Node: never import electron.' };
const onlyRuntimeImportsOrt = {
  name: 'onnxruntime-node',
  message: 'Only native-models/onnx/runtime.ts imports onnxruntime-node.',
};
const onlyStoreImportsSqlite = {
  name: 'better-sqlite3',
  message: 'Only electron/engine/store/database.ts imports better-sqlite3.',
  allowTypeImports: true,
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'release/**', 'test-results/**', '.cache/**', 'native/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', { paths: [onlyRuntimeImportsOrt, onlyStoreImportsSqlite] }],
    },
  },
  {
    files: ['electron/engine/**', 'native-models/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noElectron, onlyRuntimeImportsOrt, onlyStoreImportsSqlite] }],
    },
  },
  {
    files: ['native-models/onnx/runtime.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron, onlyStoreImportsSqlite] }] },
  },
  {
    files: ['electron/engine/store/database.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron, onlyRuntimeImportsOrt] }] },
  },
  {
    files: ['electron/common/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:*', 'electron', 'better-sqlite3', 'onnxruntime-node'], message: 'electron/common runs in every process: no Node or Electron imports.' }] },
      ],
    },
  },
  {
    files: ['renderer/src/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:*', '**/electron/engine/**', '**/electron/main/**', '**/native-models/**'], message: 'The renderer talks to the engine only through the RPC contract.' }] },
      ],
    },
  },
  {
    // Tests open databases and sessions directly to check what the store and runtime wrote.
    files: ['tests/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['electron/preload/**/*.cts', 'scripts/**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
