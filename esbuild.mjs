// One esbuild context per target. Type checking is a separate step (`npm run typecheck`).
import * as esbuild from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateValidator } from './scripts/generateValidator.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
// --outdir DIR: the bundles go there instead of dist/ (scripts/package.mjs builds the packages in a
// staging folder, so that packing never rewrites the dist/ that tests and a running session use).
const outdirArg = process.argv.indexOf('--outdir');
const outDir = outdirArg === -1 ? 'dist' : process.argv[outdirArg + 1];
if (!outDir || outDir.startsWith('--')) throw new Error('esbuild.mjs: --outdir needs a folder, e.g. --outdir /tmp/stage/dist');
const outPath = (file) => path.join(outDir, file);

/** Reports build results in the format of VS Code's `$esbuild-watch` problem matcher. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => console.log(`[watch] build started (${build.initialOptions.outfile ?? build.initialOptions.outdir})`));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

/** In watch mode: each rebuild regenerates the precompiled schema validator, so a schema edit reaches it. */
const schemaValidator = {
  name: 'schema-validator',
  setup(build) {
    build.onStart(() => void generateValidator());
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  plugins: watch ? [problemMatcher, schemaValidator] : [],
};

/**
 * The SDKs the extension uses, bundled into dist/vendor.js instead of the main bundle: VS Code
 * parses dist/extension.js at activation, so SDK code there costs every window its compile time
 * even though it is only evaluated when first used. The main bundle gets a
 * stub per package that requires dist/vendor.js when an adapter first needs it, and each package
 * inside vendor.js is still evaluated only on first access.
 */
const VENDORED = /^(@aws-sdk\/[^/]+|@huggingface\/(hub|inference)|tar)$/;
const vendoredSeen = new Set();
const vendorStubs = {
  name: 'vendor-stubs',
  setup(build) {
    build.onResolve({ filter: VENDORED }, (args) => {
      vendoredSeen.add(args.path);
      return { path: args.path, namespace: 'vendor' };
    });
    build.onLoad({ filter: /.*/, namespace: 'vendor' }, (args) => ({
      contents: `module.exports = require('./vendor.js')[${JSON.stringify(args.path)}];`,
      loader: 'js',
    }));
  },
};

/**
 * The job-file validator and completion/hover (with ajv, the compiled schema and the checks: a third
 * of the main bundle) in dist/jobFile.js, required when a job file first needs them. VS Code compiles
 * all of dist/extension.js at activation even where its modules are initialised later, and most
 * windows never open a job file. Every import of these two modules in the extension becomes a stub.
 */
const JOB_FILE_MODULES = ['validateJobFile', 'assist'];
const jobFileStubs = {
  name: 'job-file-stubs',
  setup(build) {
    build.onResolve({ filter: /core\/jobFile\/(validateJobFile|assist)$/ }, (args) => ({ path: args.path.split('/').pop(), namespace: 'job-file' }));
    build.onLoad({ filter: /.*/, namespace: 'job-file' }, (args) => ({
      contents: `module.exports = require('./jobFile.js')[${JSON.stringify(args.path)}];`,
      loader: 'js',
    }));
  },
};

/**
 * `import * as vscode from 'vscode'` in a CommonJS bundle becomes `__toESM(require("vscode"))` in
 * every module that imports it: the API's properties are copied once per such module, at activation.
 * Routing the import through one bundled module that re-exports `vscode` makes it one.
 */
const vscodeOnce = {
  name: 'vscode-once',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) => (args.namespace === 'vscode-once' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'vscode-once' }));
    build.onLoad({ filter: /.*/, namespace: 'vscode-once' }, () => ({ contents: "export * from 'vscode';", loader: 'js' }));
  },
};

const targets = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: outPath('extension.js'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', './vendor.js', './jobFile.js'],
    plugins: [...common.plugins, vendorStubs, jobFileStubs, vscodeOnce],
  },
  {
    ...common,
    entryPoints: ['src/cli.ts'],
    outfile: outPath('cli.js'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    define: { __VERSION__: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version) },
  },
  {
    // dist/jobFile.js: see jobFileStubs. Each module is evaluated on first access, as in vendor.js.
    ...common,
    stdin: {
      contents: JOB_FILE_MODULES.map((m) => `Object.defineProperty(exports, ${JSON.stringify(m)}, { enumerable: true, get: () => require('./src/core/jobFile/${m}') });`).join(
        '\n',
      ),
      resolveDir: '.',
      sourcefile: 'jobFile.js',
      loader: 'js',
    },
    outfile: outPath('jobFile.js'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    // The source archive's worker thread. Beside extension.js and cli.js, because both start it
    // from their own folder (src/aws/staging/sourceArchive.ts); node builtins only, no vendor.js.
    ...common,
    entryPoints: ['src/aws/staging/sourceArchiveWorker.ts'],
    outfile: outPath('sourceArchiveWorker.js'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    // Push to Hub's sha256 worker thread, beside extension.js and cli.js for the same reason
    // (src/hub/fileHasher.ts); node builtins only.
    ...common,
    entryPoints: ['src/hub/fileHashWorker.ts'],
    outfile: outPath('fileHashWorker.js'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    // The Model Card webview's page script; its stylesheet is served from media/webview/ as it is.
    ...common,
    entryPoints: ['src/webview/app/main.ts'],
    outfile: outPath('webview/modelCard.js'),
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
  {
    // The Job dashboard's page script (charts drawn on canvas by core/metrics/chartLayout.ts, no chart library).
    ...common,
    entryPoints: ['src/webview/app/dashboard/main.ts'],
    outfile: outPath('webview/jobDashboard.js'),
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
  {
    // The Compare Runs page (the dashboard's LineChart, one line per run).
    ...common,
    entryPoints: ['src/webview/app/compare/main.ts'],
    outfile: outPath('webview/runComparison.js'),
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];

/**
 * The schema Red Hat's YAML extension gets through `yamlValidation`: the job schema without its
 * validation keywords, so it offers completion and hover but never reports a problem. Our own
 * validator is the only source of diagnostics, with exact ranges; both at once would show every
 * problem twice.
 */
function writeAssistSchema() {
  const VALIDATION = new Set([
    'required',
    'additionalProperties',
    'pattern',
    'minimum',
    'maximum',
    'exclusiveMinimum',
    'exclusiveMaximum',
    'minLength',
    'maxLength',
    'minItems',
    'maxItems',
    'type',
    'anyOf',
    'oneOf',
    'format',
    'const',
    'propertyNames',
    'minProperties',
    'maxProperties',
    'if',
    'then',
    'else',
    'not',
    'dependencies',
  ]);
  const strip = (node) => {
    if (Array.isArray(node)) return node.map(strip);
    if (!node || typeof node !== 'object') return node;
    const out = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === 'enum')
        out.examples = v; // offered as values, not enforced
      else if (k === 'properties' || k === 'definitions') out[k] = Object.fromEntries(Object.entries(v).map(([n, s]) => [n, strip(s)]));
      else if (!VALIDATION.has(k)) out[k] = strip(v);
    }
    // Keep the alternatives' properties reachable for completion without their type checks.
    for (const alt of [...(node.anyOf ?? []), ...(node.oneOf ?? [])]) {
      if (alt && typeof alt === 'object' && alt.properties) out.properties = { ...(out.properties ?? {}), ...strip(alt).properties };
      if (alt && typeof alt === 'object' && alt.$ref) out.$ref = alt.$ref;
    }
    return out;
  };
  const schema = JSON.parse(readFileSync('schemas/sagemaker-job.schema.json', 'utf8'));
  mkdirSync(outDir, { recursive: true });
  writeFileSync(outPath('sagemaker-job.assist.schema.json'), `${JSON.stringify(strip(schema), null, 1)}\n`);
}

/** dist/vendor.js: every vendored package the main bundle asked for, each evaluated on first access. */
function vendorTarget() {
  const packages = [...vendoredSeen].sort();
  const contents = [
    '"use strict";',
    ...packages.map((p) => `Object.defineProperty(exports, ${JSON.stringify(p)}, { enumerable: true, get: () => require(${JSON.stringify(p)}) });`),
  ].join('\n');
  return {
    ...common,
    stdin: { contents, resolveDir: '.', sourcefile: 'vendor.js', loader: 'js' },
    outfile: outPath('vendor.js'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  };
}

writeAssistSchema();
// The precompiled schema validator the job-file code imports (scripts/generateValidator.mjs).
generateValidator();
const contexts = await Promise.all(targets.map((t) => esbuild.context(t)));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
  // The main bundle's first build tells which packages the vendor bundle must hold.
  await (await esbuild.context(vendorTarget())).watch();
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
  await esbuild.build(vendorTarget());
}
