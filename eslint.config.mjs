// ESLint for the whole repository (`npm run lint`, a stage of `npm test`).
// Type-aware: the TypeScript of tsconfig.json through the project service, the webview app through
// tsconfig.webview.json, the plain-JavaScript scripts through tsconfig.scripts.json.
// The layer rules come from architecture.json, the same table test/unit/architecture.test.ts reads.
import { readFileSync } from 'node:fs';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const rootDir = import.meta.dirname;
const layers = JSON.parse(readFileSync(new URL('./architecture.json', import.meta.url), 'utf8'));
const adapterName = (dir) => dir.slice('src/'.length);

/** Import-path zones: core imports nothing outside itself; an adapter imports core, itself and the adapters architecture.json allows. */
function layerZones() {
  const zones = [
    {
      target: layers.core,
      from: 'src',
      except: [`./${adapterName(layers.core)}`],
      message: 'src/core imports nothing outside src/core (docs/ARCHITECTURE.md).',
    },
  ];
  for (const adapter of layers.adapters) {
    const allowances = layers.adapterImports.filter((a) => a.from === adapter || a.from.startsWith(`${adapter}/`));
    zones.push({
      target: adapter,
      from: 'src',
      except: [layers.core, adapter, ...new Set(allowances.map((a) => a.to))].map((dir) => `./${adapterName(dir)}`),
      message: 'An adapter imports only src/core, itself and the adapters architecture.json allows.',
    });
    // An allowance for some subfolders only: the adapter's other files may not import that adapter.
    for (const to of new Set(allowances.map((a) => a.to))) {
      const subfolders = allowances.filter((a) => a.to === to).map((a) => a.from);
      if (subfolders.includes(adapter)) continue;
      const names = subfolders.map((s) => s.slice(adapter.length + 1));
      if (names.some((n) => n.includes('/'))) throw new Error(`architecture.json: allowances name direct subfolders of an adapter only: ${names.join(', ')}`);
      zones.push({
        target: [`${adapter}/*.ts`, `${adapter}/!(${names.join('|')})/**`].map((glob) => `${rootDir}/${glob}`),
        from: to,
        message: `Only ${subfolders.join(', ')} may import ${to} (architecture.json).`,
      });
    }
  }
  return zones;
}

/** `require('vscode')` and `import('…')` escape no-restricted-imports; this catches them. */
const requireOf = (pattern, message) => [
  { selector: `CallExpression[callee.name='require'][arguments.0.value=${pattern}]`, message },
  { selector: `ImportExpression[source.value=${pattern}]`, message },
];

const noVscode = { name: 'vscode', message: 'This layer runs without VS Code (CLI, tests): no vscode import (docs/ARCHITECTURE.md).' };
const noSdk = { regex: layers.sdkPackages, message: 'This layer imports no SDK (docs/ARCHITECTURE.md).' };

export default defineConfig(
  {
    ignores: ['dist/', 'out/', '.tools/', '.vscode-test/', 'test-results/', 'bench/.build/', 'src/core/jobFile/generated/', 'test/fixtures/', 'examples/', '.sagemaker-local/'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.mjs', '.js', '.cjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.mjs', '.js', '.cjs', '.json'] })],
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Promises: an unawaited rejection is a crash or a lost error message.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true, allowThrowingAny: true }],
      // Lazy `require(...) as typeof import(...)` keeps the SDKs out of activation (docs/ARCHITECTURE.md, "Activation stays cheap").
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: rootDir } },
    rules: {
      // tsc (noUnusedLocals, noUnusedParameters) already refuses these in TypeScript.
      '@typescript-eslint/no-unused-vars': 'off',
    },
  },
  {
    files: ['src/webview/app/**/*.ts'],
    languageOptions: { parserOptions: { projectService: false, project: './tsconfig.webview.json', tsconfigRootDir: rootDir } },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    languageOptions: { globals: globals.node, parserOptions: { projectService: false, project: './tsconfig.scripts.json', tsconfigRootDir: rootDir } },
  },
  {
    // Functions these files hand to the browser (page.evaluate) run there.
    files: ['test/e2e/**/*.mjs', 'test/codeServer/**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    // Scripts the benchmarks load into a page (Playwright init scripts).
    files: ['bench/dashboard/**/*.js'],
    languageOptions: { globals: globals.browser },
  },

  // The layers (docs/ARCHITECTURE.md; test/unit/architecture.test.ts checks the same).
  {
    files: ['src/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: rootDir, zones: layerZones() }],
      // Packages are not followed: a cycle through node_modules is not ours to fix, and parsing them costs most of the run.
      'import-x/no-cycle': ['error', { commonjs: true, ignoreExternal: true }],
    },
  },
  {
    files: [...[layers.core, 'src/source'].map((dir) => `${dir}/**/*.ts`)],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [noVscode], patterns: [noSdk] }],
      'no-restricted-syntax': ['error', ...requireOf(`/^vscode$|${layers.sdkPackages.replaceAll('/', '\\u002F')}/`, 'No vscode and no SDK in this layer (docs/ARCHITECTURE.md).')],
    },
  },
  {
    files: [...layers.adapters.filter((dir) => dir !== 'src/source').map((dir) => `${dir}/**/*.ts`), 'src/cli.ts', 'src/cli/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [noVscode] }],
      'no-restricted-syntax': ['error', ...requireOf(`'vscode'`, noVscode.message)],
    },
  },
);
