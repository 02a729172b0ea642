// `npm run package` (scripts/package.mjs): the .vsix and the npm tarball users install. The packages
// are really built (a production esbuild into a staging folder, vsce, npm pack) and read back; the
// tarball is really installed with `npm install -g`, offline, into a temp prefix, and its
// `sagemaker-hf` run. Nothing is mocked.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './repoRoot';

interface Entry {
  path: string;
  size: number;
}
interface Built {
  path: string;
  bytes: number;
  unpackedBytes: number;
  files: number;
  entries: string[];
}
interface PackageScript {
  PACKAGE_RULES: { maxBytes: number; maxUnpackedBytes: number; maxFiles: number };
  packageProblems(kind: 'vsix' | 'tgz', entries: Entry[], bytes: number, files: string[], rules?: unknown): string[];
  listVsix(file: string): Promise<Entry[]>;
  listTgz(file: string): Promise<Entry[]>;
}

const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const quickstartFiles = execFileSync('git', ['ls-files'], { cwd: path.join(REPO_ROOT, 'examples', 'quickstart'), encoding: 'utf8' })
  .trim()
  .split('\n')
  .sort();

describe('npm run package', () => {
  let tmp = '';
  let script: PackageScript;
  let report: { vsix: Built; tgz: Built };

  before(async () => {
    // A dynamic import keeps the ES module an ES module under the compiled CommonJS tests.
    script = (await import(pathToFileURL(path.join(REPO_ROOT, 'scripts', 'package.mjs')).href)) as PackageScript;
    tmp = mkdtempSync(path.join(tmpdir(), 'sagemaker-hf-packaging-'));
    const r = spawnSync(process.execPath, ['scripts/package.mjs', '--out', path.join(tmp, 'out'), '--json'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 300_000 });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    report = JSON.parse(r.stdout);
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('writes sagemaker-hf-trainer-<version>.vsix and .tgz, and nothing else, into --out', () => {
    assert.deepEqual(readdirSync(path.join(tmp, 'out')).sort(), [`sagemaker-hf-trainer-${pkg.version}.tgz`, `sagemaker-hf-trainer-${pkg.version}.vsix`]);
  });

  it('the .vsix holds only what package.json "files" names, nothing forbidden, within the budget', async () => {
    const entries = await script.listVsix(report.vsix.path);
    const bytes = statSync(report.vsix.path).size;
    assert.deepEqual(script.packageProblems('vsix', entries, bytes, pkg.files), []);
    // The rules hold each path, so spell out the ones that matter most here as well.
    for (const e of entries) assert.doesNotMatch(e.path, /\.map$|\.ts$|^extension\/(src|test|bench|node_modules|\.tools|out|scripts|docs)\/|\/node_modules\//, e.path);
    assert.ok(bytes <= script.PACKAGE_RULES.maxBytes && entries.length <= script.PACKAGE_RULES.maxFiles, `${bytes} bytes, ${entries.length} files`);
  });

  it('the .vsix holds everything the manifest and the code load: entry points, webview, walkthrough media, schema, icon, the quickstart', async () => {
    const names = new Set((await script.listVsix(report.vsix.path)).map((e) => e.path));
    const inside = (file: string) => `extension/${file.replace(/^\.\//, '')}`;
    const needed = [
      pkg.main,
      pkg.bin['sagemaker-hf'],
      'dist/sourceArchiveWorker.js',
      'dist/vendor.js',
      'dist/jobFile.js',
      'dist/webview/modelCard.js',
      'media/webview/modelCard.css',
      ...pkg.contributes.yamlValidation.map((v: { url: string }) => v.url),
      ...pkg.contributes.viewsContainers.activitybar.map((v: { icon: string }) => v.icon),
      ...pkg.contributes.walkthroughs.flatMap((w: { steps: Array<{ media: { markdown: string } }> }) => w.steps.map((s) => s.media.markdown)),
      'schemas/sagemaker-job.schema.json',
      ...quickstartFiles.map((f) => `examples/quickstart/${f}`),
    ];
    const missing = needed.filter((f) => !names.has(inside(f)));
    assert.deepEqual(missing, [], `missing from the .vsix: ${missing.join(', ')}`);
    assert.ok(names.has('extension/readme.md') && names.has('extension/LICENSE.txt'));
  });

  it('ships a manifest without scripts or dependencies (everything runtime is bundled), otherwise the checkout’s', async () => {
    const extract = path.join(tmp, 'manifest');
    execFileSync('tar', ['-xzf', report.tgz.path, '-C', tmp, '--one-top-level=manifest', 'package/package.json']);
    const shipped = JSON.parse(readFileSync(path.join(extract, 'package', 'package.json'), 'utf8'));
    assert.equal(shipped.scripts, undefined);
    assert.equal(shipped.dependencies, undefined);
    assert.equal(shipped.devDependencies, undefined);
    assert.equal(shipped.allowScripts, undefined, 'the install-script approvals are for the dev install only');
    const { scripts: _s, dependencies: _d, devDependencies: _dd, allowScripts: _a, ...rest } = pkg;
    assert.deepEqual(shipped, rest);
  });

  it('the npm tarball holds the same files; installed with `npm install -g`, offline and from an empty cache, `sagemaker-hf` runs', async () => {
    const entries = await script.listTgz(report.tgz.path);
    assert.deepEqual(script.packageProblems('tgz', entries, statSync(report.tgz.path).size, pkg.files), []);
    const prefix = path.join(tmp, 'prefix');
    // --offline with a fresh cache: any package the tarball still asked the registry for would fail here.
    const install = spawnSync('npm', ['install', '-g', '--prefix', prefix, '--cache', path.join(tmp, 'npm-cache'), '--offline', '--no-audit', '--no-fund', report.tgz.path], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(install.status, 0, `${install.stdout}\n${install.stderr}`);
    const bin = path.join(prefix, 'bin', 'sagemaker-hf');
    const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    const help = spawnSync(bin, ['--help'], { encoding: 'utf8', env, timeout: 30_000 });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^Usage: sagemaker-hf <command>/);
    // The installed CLI finds the quickstart it ships beside its bundle, and its validator runs.
    const quickstart = path.join(tmp, 'qs');
    const written = spawnSync(bin, ['quickstart', quickstart], { encoding: 'utf8', env, timeout: 30_000 });
    assert.equal(written.status, 0, written.stderr);
    assert.deepEqual(
      readdirSync(quickstart, { recursive: true })
        .map(String)
        .filter((f) => statSync(path.join(quickstart, f)).isFile())
        .sort(),
      quickstartFiles,
    );
    const validate = spawnSync(bin, ['validate', path.join(quickstart, 'quickstart.sagemaker.yaml')], { encoding: 'utf8', env, timeout: 30_000 });
    assert.equal(validate.status, 0, `${validate.stdout}\n${validate.stderr}`);
  });
});

describe('the packaging rules', () => {
  let script: PackageScript;
  before(async () => {
    script = (await import(pathToFileURL(path.join(REPO_ROOT, 'scripts', 'package.mjs')).href)) as PackageScript;
  });
  const ok: Entry[] = [
    { path: 'extension.vsixmanifest', size: 10 },
    { path: 'extension/package.json', size: 10 },
    { path: 'extension/dist/extension.js', size: 10 },
    { path: 'extension/examples/quickstart/data/test/test.jsonl', size: 10 },
  ];

  it('accept a package of `files` alone', () => {
    assert.deepEqual(script.packageProblems('vsix', ok, 100, pkg.files), []);
  });

  it('name each forbidden path, even one that "files" would let in', () => {
    const files = [...pkg.files, 'src/**', 'dist/*.map', 'test/**', 'node_modules/**', '.tools/**'];
    const bad = [
      'extension/src/extension.ts',
      'extension/dist/extension.js.map',
      'extension/test/unit/x.test.js',
      'extension/node_modules/yaml/index.js',
      'extension/.tools/moto/x',
    ];
    const problems = script.packageProblems('vsix', [...ok, ...bad.map((p) => ({ path: p, size: 1 }))], 100, files);
    assert.deepEqual(
      problems.map((p) => p.split(':')[0]),
      bad,
    );
  });

  it('name a file that "files" does not', () => {
    assert.deepEqual(script.packageProblems('tgz', [{ path: 'package/notes.txt', size: 1 }], 100, pkg.files), ['package/notes.txt: not named by package.json "files"']);
  });

  it('refuse a package over the budget (bytes, unpacked bytes, files)', () => {
    const { maxBytes, maxUnpackedBytes, maxFiles } = script.PACKAGE_RULES;
    assert.equal(script.packageProblems('vsix', ok, maxBytes + 1, pkg.files).length, 1);
    assert.equal(script.packageProblems('vsix', [{ path: 'extension/dist/vendor.js', size: maxUnpackedBytes + 1 }], 100, pkg.files).length, 1);
    const many = Array.from({ length: maxFiles + 1 }, (_, i) => ({ path: `extension/media/f${i}.svg`, size: 1 }));
    assert.equal(script.packageProblems('vsix', many, 100, pkg.files).length, 1);
  });
});
