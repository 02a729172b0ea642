// Extension activation in a real extension host, the main bundle's size and what is in it.
//
// The candidate is the production build, made by the repository's own esbuild.mjs --production in a
// staging folder (in the run's temporary folder; symlinks to src/, schemas/, media/, package.json), so the
// shared dist/ is never touched and the bundles are measured as the build script makes them; a module
// hook (lib/esbuildMetafileHook.mjs) collects the metafile of each bundle it writes. The baseline is
// bench/fixtures/emptyExtension, loaded the same way.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { activationSetupProblem, timeActivation } from '../activation/runActivation.mjs';
import { repoRoot } from '../lib/build.mjs';
import { alternate, fmtBytes, fmtMs, fmtRatio, median, runJson } from '../lib/harness.mjs';

export const title = 'Activation and bundle';
export const entries = ['bench/activation/activationProbe.ts'];

const OUR_ID = 'sagemaker-hf.sagemaker-hf-trainer';
const EMPTY_ID = 'sagemaker-hf-bench.empty-extension';
const emptyExtension = path.join(repoRoot, 'bench', 'fixtures', 'emptyExtension');
const SDK_PACKAGE = /^@aws-sdk\/|^@smithy\/|^@huggingface\//;

/**
 * The extension as users get it: esbuild.mjs (with `--production` unless `development`) run in a
 * staging folder, each bundle's metafile collected. Returns the main module's path and the metafiles.
 */
function stageBuild(stage, development = false) {
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  for (const name of ['src', 'schemas', 'media', 'package.json', 'node_modules']) symlinkSync(path.join(repoRoot, name), path.join(stage, name));
  const metaDir = path.join(stage, '.meta');
  const hook = path.join(repoRoot, 'bench', 'lib', 'esbuildMetafileHook.mjs');
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(hook).href, path.join(repoRoot, 'esbuild.mjs'), ...(development ? [] : ['--production'])], {
    cwd: stage,
    encoding: 'utf8',
    env: { ...process.env, BENCH_METAFILE_DIR: metaDir },
  });
  if (r.status !== 0) throw new Error(`esbuild.mjs${development ? '' : ' --production'} failed:\n${r.stderr}`);
  const main = path.join(stage, JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).main ?? './dist/extension.js');
  const metafiles = Object.fromEntries(readdirSync(metaDir).map((f) => [f.replace(/\.meta\.json$/, ''), JSON.parse(readFileSync(path.join(metaDir, f), 'utf8'))]));
  return { main, metafiles };
}

/** `yaml`, `@aws-sdk/client-s3`, or the first two folders of our own sources (`src/core`). */
const packageOf = (input) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? ownPath(input).split('/').slice(0, 2).join('/');

/** esbuild follows the staging folder's symlinks, so our sources appear as ../../work/main/src/…: make them src/…. */
function ownPath(input) {
  const absolute = input.replace(/^(\.\.\/)+/, '/');
  return absolute.startsWith(`${repoRoot}/`) ? absolute.slice(repoRoot.length + 1) : input.replace(/^(\.\.\/)+/, '');
}

/** What is in one bundle, by package (node_modules) or folder (src/…), largest first. */
function composition(metafile, outputName) {
  const [, output] = Object.entries(metafile.outputs).find(([key]) => key.endsWith(`/${outputName}`) || key === outputName) ?? [];
  if (!output) return undefined;
  const byPackage = new Map();
  for (const [input, v] of Object.entries(output.inputs)) byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + v.bytesInOutput);
  // Files next to this bundle that it requires (e.g. a vendor bundle loaded on first use).
  const siblings = [...new Set(output.imports.filter((i) => i.external && /^\.\/[^/]+\.js$/.test(i.path)).map((i) => i.path.slice(2)))];
  return {
    bytes: output.bytes,
    packages: [...byPackage]
      .filter(([, bytes]) => bytes > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([name, bytes]) => ({ name, bytes })),
    siblings,
  };
}

/** Packages node loads when the extension's main module is required (packages left external, vscode stubbed). */
async function packagesLoadedAtLoad(tmp) {
  const folder = path.join(tmp, 'extension-external-probe');
  const probe = path.join(folder, 'extension.js');
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  // Packages stay external: they resolve through this link, and node's cache names them by real path.
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(folder, 'node_modules'));
  await esbuild.build({
    entryPoints: [path.join(repoRoot, 'src', 'extension.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    external: ['vscode'],
    outfile: probe,
    logLevel: 'silent',
  });
  const script = `require(${JSON.stringify(path.join(repoRoot, 'bench', 'activation', 'vscodeStub.cjs'))});
const t = performance.now(); require(${JSON.stringify(probe)}); const ms = performance.now() - t;
const pk = new Set(Object.keys(require.cache).map((f) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(f)?.[1]).filter(Boolean));
console.log(JSON.stringify({ ms, packages: [...pk].sort() }));`;
  return runJson(process.execPath, ['-e', script], { timeoutMs: 60_000 });
}

/** require() of a main module in plain node (vscode stubbed): reading, compiling and evaluating it. */
function requireTime(file) {
  const script = `require(${JSON.stringify(path.join(repoRoot, 'bench', 'activation', 'vscodeStub.cjs'))});
const t = performance.now(); require(${JSON.stringify(file)}); console.log(JSON.stringify({ ms: performance.now() - t }));`;
  return runJson(process.execPath, ['-e', script], { timeoutMs: 60_000 });
}

export async function run(ctx) {
  // Stages live in the run's temporary folder: two runs at once must not rebuild each other's.
  const stage = path.join(ctx.tmp, 'extension');
  const { main, metafiles } = stageBuild(stage);
  const mainName = path.basename(main);
  const bytes = statSync(main).size;
  const gzipBytes = gzipSync(readFileSync(main)).length;
  const comp = composition(metafiles[mainName], mainName);
  if (!comp) throw new Error(`esbuild.mjs wrote no metafile for ${mainName}`);
  // Bundles the main one requires (lazily, as it should), e.g. dist/vendor.js with the SDKs.
  const others = comp.siblings.filter((name) => metafiles[name]).map((name) => ({ name, ...composition(metafiles[name], name) }));
  const loaded = await packagesLoadedAtLoad(ctx.tmp);
  const sdkAtLoad = loaded.packages.filter((p) => SDK_PACKAGE.test(p));
  const sdkInBundle = comp.packages.filter((p) => SDK_PACKAGE.test(p.name));
  const sdkBytes = sdkInBundle.reduce((n, p) => n + p.bytes, 0);

  const pairs = ctx.quick ? 2 : 7;
  const req = await alternate(
    pairs,
    () => requireTime(main),
    () => requireTime(path.join(emptyExtension, 'extension.js')),
  );
  const requireOurs = median(req.a.map((r) => r.ms));
  const requireEmpty = median(req.b.map((r) => r.ms));

  const rows = [
    {
      measure: 'main bundle, minified',
      ours: `${fmtBytes(bytes)} (${fmtBytes(gzipBytes)} gzip)`,
      baseline: '',
      ratio: '',
      target: '≤ 1 MB',
      met: bytes <= 1_000_000,
    },
    {
      measure: 'SDK code inside the main bundle',
      ours: sdkInBundle.length ? `${fmtBytes(sdkBytes)} in ${sdkInBundle.length} packages` : 'none',
      baseline: '',
      ratio: '',
      target: 'loaded when first used',
      met: sdkBytes === 0,
    },
    {
      measure: 'SDK packages evaluated when the main module loads',
      ours: sdkAtLoad.length ? sdkAtLoad.join(', ') : 'none',
      baseline: '',
      ratio: '',
      target: 'none',
      met: sdkAtLoad.length === 0,
    },
    {
      measure: 'require() of the main module, plain node',
      ours: fmtMs(requireOurs),
      baseline: `${fmtMs(requireEmpty)} empty`,
      ratio: fmtRatio(requireOurs / requireEmpty),
      target: '',
      met: null,
    },
  ];
  for (const o of others) {
    rows.push({ measure: `${o.name} (loaded when first required)`, ours: fmtBytes(o.bytes), baseline: '', ratio: '', target: '', met: null });
  }
  const notes = [
    `Bundles built by esbuild.mjs --production: ${path.relative(stage, main)} ${bytes} bytes; largest parts: ${comp.packages
      .slice(0, 10)
      .map((p) => `${p.name} ${fmtBytes(p.bytes)}`)
      .join(', ')}.${others
      .map(
        (o) =>
          ` ${o.name}: ${o.packages
            .slice(0, 6)
            .map((p) => `${p.name} ${fmtBytes(p.bytes)}`)
            .join(', ')}, …`,
      )
      .join('')}`,
  ];
  const details = { bundle: { bytes, gzipBytes, composition: comp, others, packagesLoadedAtLoad: loaded.packages, sdkAtLoad }, require: req };

  const problem = activationSetupProblem();
  if (problem) throw new Error(`activation in VS Code cannot run: ${problem}`);
  const probe = ctx.built['bench/activation/activationProbe.ts'];
  const windows = ctx.quick ? 1 : 15;
  const sample = async (extensionPath, id) => {
    const r = await timeActivation({ extensionPaths: [extensionPath], probe, activate: [id] });
    const s = r.samples[0];
    if (s.error) throw new Error(`activating ${id} failed: ${s.error}`);
    if (s.activeBefore) throw new Error(`${id} was already active before the probe asked: the sample would measure nothing`);
    return s.ms;
  };
  const act = await alternate(
    windows,
    () => sample(stage, OUR_ID),
    () => sample(emptyExtension, EMPTY_ID),
  );
  const ours = median(act.a);
  const empty = median(act.b);
  rows.push({
    measure: `activate() in a fresh VS Code window (${windows} each)`,
    ours: `${fmtMs(ours)} (+${fmtMs(ours - empty)})`,
    baseline: `${fmtMs(empty)} empty`,
    ratio: fmtRatio(ours / empty),
    target: '≤ 25 ms over empty',
    met: ours - empty <= 25,
  });
  details.activation = act;
  notes.push(
    `activate() samples (ms), ours: ${act.a.map((x) => x.toFixed(0)).join(', ')}; empty extension: ${act.b.map((x) => x.toFixed(0)).join(', ')}. Each sample is its own code-server + Chromium session; the two alternate.`,
  );

  if (!ctx.quick) {
    // What activate() itself loads, in the real extension host: the same entry built with packages
    // left external (node_modules symlinked), so node's module cache names every package it needed.
    const extStage = path.join(ctx.tmp, 'extension-external');
    rmSync(extStage, { recursive: true, force: true });
    mkdirSync(path.join(extStage, 'dist'), { recursive: true });
    for (const name of ['media', 'package.json', 'node_modules']) symlinkSync(path.join(repoRoot, name), path.join(extStage, name));
    await esbuild.build({
      entryPoints: [path.join(repoRoot, 'src', 'extension.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      packages: 'external',
      external: ['vscode'],
      outfile: path.join(extStage, 'dist', path.basename(main)),
      logLevel: 'silent',
    });
    const ext = await timeActivation({ extensionPaths: [extStage], probe, activate: [OUR_ID], listPackagesUnder: path.join(repoRoot, 'node_modules') });
    const sdkByActivate = (ext.packages ?? []).filter((p) => SDK_PACKAGE.test(p));
    rows.push({
      measure: 'SDK packages loaded by activate() (real extension host)',
      ours: sdkByActivate.length ? sdkByActivate.join(', ') : 'none',
      baseline: '',
      ratio: '',
      target: 'none',
      met: sdkByActivate.length === 0,
    });
    details.packagesLoadedByActivate = ext.packages;

    // Where the time goes: the extension host's own profiler during activate(), on the development
    // build (esbuild.mjs without --production: not minified) so that samples map to source modules.
    const profStage = path.join(ctx.tmp, 'extension-profile');
    const { main: profMain } = stageBuild(profStage, true);
    const profileFile = path.join(ctx.resultsDir, 'activation.cpuprofile');
    const prof = await timeActivation({ extensionPaths: [profStage], probe, activate: [OUR_ID], cpuProfileFile: profileFile });
    const summary = spawnSync(
      process.execPath,
      [path.join(repoRoot, 'bench', 'tools', 'profileSummary.mjs'), profileFile, '--top', '12', '--bundle', profMain, '--inclusive', 'activate', '--inclusive', 'wrapSafe'],
      { encoding: 'utf8' },
    );
    details.activationProfile = { ms: prof.samples[0]?.ms, summary: summary.stdout };
    notes.push(
      `Profile of one activation (development build, ${fmtMs(prof.samples[0]?.ms)} with the profiler on): see results.json activationProfile; the file is ${path.relative(repoRoot, profileFile)}.`,
    );
  }
  return { rows, notes, details };
}
