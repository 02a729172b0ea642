// `npm run package`: the two things a user installs, built from this checkout.
//
//   sagemaker-hf-trainer-<version>.vsix  the VS Code extension (@vscode/vsce), for "Install from VSIX…",
//                                        `code --install-extension`, code-server, VSCodium
//   sagemaker-hf-trainer-<version>.tgz   the same files as an npm package (`npm pack`), for
//                                        `npm install -g ./sagemaker-hf-trainer-<version>.tgz` (the CLI)
//
// Both hold exactly the `files` of package.json, nothing else: the production bundles (minified, no
// source maps), the schema, media, the quickstart that "Create Quickstart Project" and
// `sagemaker-hf quickstart` copy, README and LICENSE. Everything runtime is bundled into dist/, so the
// shipped package.json declares no dependencies (installing needs no registry) and no scripts (nothing
// runs at install); `files` stays, since vsce and npm both pack by it.
//
// The build happens in a staging folder under the system temp folder: packing never rewrites the
// dist/ that the tests and a running development session use. Then both archives are read back and
// held to PACKAGE_RULES (only `files`, nothing FORBIDDEN, within the budget); an archive that breaks
// them is deleted and the run exits 1.
//
// Usage: node scripts/package.mjs [--out DIR] [--json]
//   --out DIR  where the .vsix and .tgz go (default: the repository root); created if missing
//   --json     print one JSON object ({ vsix, tgz }: path, bytes, unpackedBytes, files) instead of text
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * What a package may hold. The budget: the .vsix is about 1.5 MiB and 30 files today (docs/ARCHITECTURE.md,
 * "Packaging"); the limits leave room to grow by half before someone has to look at what got in.
 */
export const PACKAGE_RULES = Object.freeze({
  maxBytes: 2.5 * 1024 * 1024,
  maxUnpackedBytes: 8 * 1024 * 1024,
  maxFiles: 45,
  /** Never shipped, whatever `files` says: sources, tests, maps, tooling, local runs, secrets. */
  forbidden: [
    { pattern: /(^|\/)src\//, why: 'sources' },
    { pattern: /\.tsx?$/, why: 'TypeScript sources' },
    { pattern: /\.map$/, why: 'source maps' },
    { pattern: /^(test|tests|out)\/|(^|\/)__tests__\/|\.test\.[cm]?js$/, why: 'tests or compiled tests' },
    { pattern: /(^|\/)emulators?\//, why: 'test emulators' },
    { pattern: /(^|\/)bench\//, why: 'benchmarks' },
    { pattern: /(^|\/)\.tools\//, why: 'installed test tools' },
    { pattern: /(^|\/)node_modules\//, why: 'node_modules (everything runtime is bundled into dist/)' },
    { pattern: /(^|\/)(scripts|docs|\.ci|\.github|\.vscode)\//, why: 'development scripts and docs' },
    { pattern: /(^|\/)(\.sagemaker-local|models|__pycache__)\//, why: 'local runs and models' },
    { pattern: /(^|\/)(\.env[^/]*|\.npmrc|package-lock\.json|tsconfig[^/]*\.json|esbuild\.mjs)$/, why: 'development files or secrets' },
    { pattern: /\.(vsix|tgz)$/, why: 'other packages' },
  ],
  /** Files each tool adds on its own, beside `files`. */
  toolFiles: {
    vsix: ['extension.vsixmanifest', '[Content_Types].xml', 'extension/package.json', 'extension/readme.md', 'extension/LICENSE.txt'],
    tgz: ['package/package.json', 'package/README.md', 'package/LICENSE'],
  },
});

/** A `files` pattern (`*` within a name, `**` across folders) as a RegExp over package-relative paths. */
export function filesPatternToRegExp(pattern) {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/**
 * Problems with one package's listing, [] when it keeps the rules.
 * @param {'vsix' | 'tgz'} kind
 * @param {Array<{ path: string, size: number }>} entries every file in the archive, with its unpacked size
 * @param {number} bytes the archive's size
 * @param {string[]} files package.json's `files`
 * @param {typeof PACKAGE_RULES} [rules]
 */
export function packageProblems(kind, entries, bytes, files, rules = PACKAGE_RULES) {
  const prefix = kind === 'vsix' ? 'extension/' : 'package/';
  const allowed = files.map(filesPatternToRegExp);
  const problems = [];
  for (const { path: name } of entries) {
    const inside = name.startsWith(prefix) ? name.slice(prefix.length) : undefined;
    const rule = rules.forbidden.find((r) => r.pattern.test(inside ?? name));
    if (rule) problems.push(`${name}: ${rule.why} must not ship`);
    else if (!rules.toolFiles[kind].includes(name) && !(inside !== undefined && allowed.some((re) => re.test(inside)))) {
      problems.push(`${name}: not named by package.json "files"`);
    }
  }
  const unpacked = entries.reduce((sum, e) => sum + e.size, 0);
  if (bytes > rules.maxBytes) problems.push(`${bytes} bytes: over the budget of ${rules.maxBytes} bytes`);
  if (unpacked > rules.maxUnpackedBytes) problems.push(`${unpacked} bytes unpacked: over the budget of ${rules.maxUnpackedBytes} bytes`);
  if (entries.length > rules.maxFiles) problems.push(`${entries.length} files: over the budget of ${rules.maxFiles} files`);
  return problems;
}

/** Every file in a .vsix (a zip), with its unpacked size. */
export async function listVsix(file) {
  const yauzl = require('yauzl');
  const zip = await yauzl.openPromise(file);
  const entries = [];
  for await (const entry of zip.eachEntry()) {
    if (!entry.fileName.endsWith('/')) entries.push({ path: entry.fileName, size: entry.uncompressedSize });
  }
  return entries;
}

/** Every file in an npm package (a .tgz), with its size. */
export async function listTgz(file) {
  const tar = require('tar');
  const entries = [];
  await tar.list({ file, onReadEntry: (entry) => entry.type === 'File' && entries.push({ path: entry.path, size: entry.size }) });
  return entries;
}

/** The package.json that ships: no scripts, no dependencies (bundled into dist/), no devDependencies, no allowScripts (install-script approvals for the dev install). */
export function shippedManifest(pkg) {
  const { scripts: _scripts, dependencies: _dependencies, devDependencies: _devDependencies, allowScripts: _allowScripts, ...shipped } = pkg;
  return shipped;
}

function run(command, args, options) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(`package: \`${[command, ...args].join(' ')}\` failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`}):\n${output}`);
  }
  return result.stdout;
}

/** Copies every file of the checkout that a non-dist `files` pattern names into `stage`. */
function stageSources(files, stage) {
  for (const pattern of files.filter((p) => !p.startsWith('dist/'))) {
    const re = filesPatternToRegExp(pattern);
    // The fixed folder in front of the first wildcard: only that part of the tree is walked.
    const fixed = pattern.split('/');
    const wild = fixed.findIndex((part) => /[*?]/.test(part));
    const base = wild === -1 ? path.dirname(pattern) : fixed.slice(0, wild).join('/');
    const candidates =
      wild === -1 ? [pattern] : fs.readdirSync(path.join(repoRoot, base), { recursive: true }).map((f) => path.posix.join(base, String(f).split(path.sep).join('/')));
    let matched = 0;
    for (const file of candidates) {
      if (!re.test(file) || !fs.existsSync(path.join(repoRoot, file)) || !fs.statSync(path.join(repoRoot, file)).isFile()) continue;
      fs.mkdirSync(path.dirname(path.join(stage, file)), { recursive: true });
      fs.copyFileSync(path.join(repoRoot, file), path.join(stage, file));
      matched++;
    }
    if (matched === 0) throw new Error(`package: package.json "files" names ${pattern}, which matches no file of the checkout`);
  }
}

/**
 * Builds both packages into `outDir` and checks them; throws (leaving no package behind) when a build
 * step fails or a package breaks PACKAGE_RULES.
 * @param {{ outDir?: string, log?: (line: string) => void }} [options]
 */
export async function buildPackages({ outDir = repoRoot, log = () => {} } = {}) {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const base = `${pkg.name}-${pkg.version}`;
  const vsix = path.resolve(outDir, `${base}.vsix`);
  const tgz = path.resolve(outDir, `${base}.tgz`);
  fs.mkdirSync(outDir, { recursive: true });
  for (const f of [vsix, tgz]) fs.rmSync(f, { force: true });
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'sagemaker-hf-package-'));
  try {
    log(`package: production build into ${stage}/dist`);
    run(process.execPath, ['esbuild.mjs', '--production', '--outdir', path.join(stage, 'dist')], { cwd: repoRoot });
    stageSources(pkg.files, stage);
    fs.writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(shippedManifest(pkg), null, 2)}\n`);

    // --no-dependencies: nothing from node_modules, it is all in dist/. --allow-missing-repository:
    // the project publishes no repository URL, and vsce would otherwise stop to ask. The README's
    // relative links stay relative (docs/ and examples/ are not in the package; see the README).
    const vsceDir = path.dirname(require.resolve('@vscode/vsce/package.json'));
    log(`package: vsce package → ${shown(vsix)}`);
    run(process.execPath, [path.join(vsceDir, 'vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', vsix], {
      cwd: stage,
    });
    log(`package: npm pack → ${shown(tgz)}`);
    const npm = process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath) ? [process.execPath, process.env.npm_execpath] : ['npm'];
    run(npm[0], [...npm.slice(1), 'pack', '--pack-destination', path.dirname(tgz), '--silent', '--ignore-scripts'], { cwd: stage });
    if (!fs.existsSync(tgz)) throw new Error(`package: npm pack wrote no ${tgz}`);

    const report = {};
    for (const [kind, file, list] of /** @type {const} */ ([
      ['vsix', vsix, listVsix],
      ['tgz', tgz, listTgz],
    ])) {
      const entries = await list(file);
      const bytes = fs.statSync(file).size;
      const problems = packageProblems(kind, entries, bytes, pkg.files);
      if (problems.length) throw new Error(`package: ${path.basename(file)} breaks the packaging rules (scripts/package.mjs):\n  ${problems.join('\n  ')}`);
      report[kind] = { path: file, bytes, unpackedBytes: entries.reduce((s, e) => s + e.size, 0), files: entries.length, entries: entries.map((e) => e.path).sort() };
    }
    return report;
  } catch (error) {
    for (const f of [vsix, tgz]) fs.rmSync(f, { force: true });
    throw error;
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

const shown = (file) => (path.relative(process.cwd(), file).startsWith('..') ? file : path.relative(process.cwd(), file));
const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;

async function main() {
  const { values } = parseArgs({ options: { out: { type: 'string' }, json: { type: 'boolean' } } });
  const report = await buildPackages({ outDir: values.out ? path.resolve(values.out) : repoRoot, log: values.json ? () => {} : (line) => console.log(line) });
  if (values.json) {
    console.log(JSON.stringify(report));
    return;
  }
  for (const { path: file, bytes, unpackedBytes, files } of [report.vsix, report.tgz]) {
    console.log(`${shown(file)}: ${kib(bytes)} (${kib(unpackedBytes)} unpacked), ${files} files`);
  }
  console.log(
    `budget: ≤ ${kib(PACKAGE_RULES.maxBytes)}, ≤ ${kib(PACKAGE_RULES.maxUnpackedBytes)} unpacked, ≤ ${PACKAGE_RULES.maxFiles} files each. Install: code --install-extension ${path.basename(report.vsix.path)}; npm install -g ./${path.basename(report.tgz.path)}`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
