// The test entry (`extensionTestsPath`) bench/activation/runActivation.mjs loads into a fresh VS Code
// window: it activates the extensions named in BENCH_ACTIVATE_IDS, in that order, timing each
// `activate()` call with performance.now(), and writes the figures to BENCH_RESULT_FILE. The extension
// host then exits, which tells the runner the window is done.
//
// activate() of an inactive extension is what a user waits for on the first job file: VS Code loads
// the extension's main module, builds its ExtensionContext and awaits its activate().
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import * as vscode from 'vscode';

export interface ActivationSample {
  id: string;
  /** Whether something had activated it before the probe asked (the sample is then worthless). */
  activeBefore: boolean;
  ms: number;
  error?: string;
}

export async function run(): Promise<void> {
  const ids = (process.env.BENCH_ACTIVATE_IDS ?? '').split(',').filter(Boolean);
  const resultFile = process.env.BENCH_RESULT_FILE;
  if (!resultFile) throw new Error('BENCH_RESULT_FILE is not set; run this through bench/activation/runActivation.mjs.');
  const samples: ActivationSample[] = [];
  // With BENCH_CPU_PROFILE_FILE, the extension host's own V8 profiler records the activations: where
  // the time goes (reading and compiling the bundle, evaluating modules, activate()'s own work).
  const profileFile = process.env.BENCH_CPU_PROFILE_FILE;
  const profiler = profileFile ? new Session() : undefined;
  if (profiler) {
    profiler.connect();
    await post(profiler, 'Profiler.enable');
    await post(profiler, 'Profiler.setSamplingInterval', { interval: 100 });
    await post(profiler, 'Profiler.start');
  }
  for (const id of ids) {
    const extension = vscode.extensions.getExtension(id);
    if (!extension) {
      samples.push({ id, activeBefore: false, ms: Number.NaN, error: `${id} is not loaded in this window` });
      continue;
    }
    const activeBefore = extension.isActive;
    const start = performance.now();
    try {
      await extension.activate();
      samples.push({ id, activeBefore, ms: performance.now() - start });
    } catch (err) {
      samples.push({ id, activeBefore, ms: performance.now() - start, error: err instanceof Error ? err.message : String(err) });
    }
  }
  if (profiler && profileFile) {
    const { profile } = (await post(profiler, 'Profiler.stop')) as { profile: unknown };
    writeFileSync(profileFile, JSON.stringify(profile));
    profiler.disconnect();
  }
  // With BENCH_LIST_PACKAGES_UNDER (a node_modules folder), which of its packages node has loaded by
  // now: with a build that leaves packages external, exactly what activation pulled in.
  const under = process.env.BENCH_LIST_PACKAGES_UNDER;
  const packages = under ? loadedPackages(under) : undefined;
  writeFileSync(resultFile, JSON.stringify({ samples, packages, extensionHostUptimeMs: process.uptime() * 1000 }));
}

function loadedPackages(nodeModules: string): string[] {
  const prefix = nodeModules.endsWith('/') ? nodeModules : `${nodeModules}/`;
  const names = new Set<string>();
  for (const file of Object.keys(require.cache)) {
    if (!file.startsWith(prefix)) continue;
    const m = /^((?:@[^/]+\/)?[^/]+)/.exec(file.slice(prefix.length));
    if (m) names.add(m[1]!);
  }
  return [...names].sort();
}

function post(session: Session, method: string, params?: object): Promise<unknown> {
  return new Promise((resolve, reject) => {
    session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result)));
  });
}
