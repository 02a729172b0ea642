// What every benchmark driver in bench/suites/ needs: child processes timed and sampled for memory,
// alternating baseline/candidate order, medians, and the figures' formatting.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export function median(values) {
  return quantile(values, 0.5);
}

export function quantile(values, q) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const pos = (v.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

/**
 * Runs `a` and `b` `pairs` times each, alternating which goes first (AB BA AB …) so that a trend in
 * the machine's load (other jobs, thermal, page cache) falls on both alike.
 * @template A, B
 * @param {number} pairs
 * @param {(i: number) => Promise<A>} a
 * @param {(i: number) => Promise<B>} b
 * @returns {Promise<{ a: A[], b: B[] }>}
 */
export async function alternate(pairs, a, b) {
  const out = { a: [], b: [] };
  for (let i = 0; i < pairs; i++) {
    if (i % 2 === 0) {
      out.a.push(await a(i));
      out.b.push(await b(i));
    } else {
      out.b.push(await b(i));
      out.a.push(await a(i));
    }
  }
  return out;
}

/**
 * Like alternate() for any number of contenders: round i runs them in order starting at i mod n.
 * @param {number} rounds
 * @param {Array<(i: number) => Promise<unknown>>} contenders
 * @returns {Promise<unknown[][]>} results per contender, in round order
 */
export async function rotate(rounds, contenders) {
  const out = contenders.map(() => []);
  for (let i = 0; i < rounds; i++) {
    for (let k = 0; k < contenders.length; k++) {
      const c = (i + k) % contenders.length;
      out[c].push(await contenders[c](i));
    }
  }
  return out;
}

/** The machine's CPU time so far in clock ticks, from /proc/stat: all of it, and what the hypervisor stole. */
function cpuTicks() {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already inside user and nice)
    return { total: f.slice(0, 8).reduce((a, b) => a + b, 0), steal: f[7] ?? 0 };
  } catch {
    return { total: 0, steal: 0 };
  }
}

/**
 * Runs `fn` and adds `stealShare` to its result: the share of the machine's CPU time the hypervisor
 * took for other guests while it ran (/proc/stat's steal), or null where that is not known. On a shared
 * virtual machine a run with a large share is slowed by a neighbour, not by the code it measures.
 * @template T
 * @param {() => Promise<T>} fn
 * @returns {Promise<T & { stealShare: number | null }>}
 */
export async function withSteal(fn) {
  const before = cpuTicks();
  const result = await fn();
  const after = cpuTicks();
  const total = after.total - before.total;
  return { ...result, stealShare: total > 0 ? (after.steal - before.steal) / total : null };
}

/**
 * Runs `fn` again (up to `attempts` times in all) while the hypervisor took more than `maxSteal` of the
 * machine's CPU during the part it timed (its result's `stealShare`, from withSteal): the first run
 * under it is kept, else the one with the least. The result carries `attempts`. Used for both sides of
 * a comparison alike, so that a neighbour's burst on a shared host does not decide a ratio.
 * @template {{ stealShare: number | null }} T
 * @param {() => Promise<T>} fn
 * @returns {Promise<T & { attempts: number }>}
 */
export async function quietRun(fn, { maxSteal = 0.05, attempts = 3 } = {}) {
  let best;
  for (let i = 1; i <= attempts; i++) {
    const run = { ...(await fn()), attempts: i };
    if (run.stealShare === null || run.stealShare <= maxSteal) return run;
    if (!best || run.stealShare < best.stealShare) best = run;
  }
  return { ...best, attempts };
}

/** The range of `stealShare` over runs, as "2–31 %" (or "unknown"). */
export function fmtSteal(runs) {
  const shares = runs.map((r) => r.stealShare).filter((x) => typeof x === 'number');
  if (shares.length === 0) return 'unknown';
  const pct = (x) => Math.round(x * 100);
  const lo = pct(Math.min(...shares));
  const hi = pct(Math.max(...shares));
  return lo === hi ? `${lo} %` : `${lo}–${hi} %`;
}

/** VmHWM (peak resident set) of a process in bytes, or 0 when it is gone. */
function peakRssOf(pid) {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function childrenOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export class ProcessFailure extends Error {
  constructor(command, code, stderr) {
    super(`${command} exited with ${code}${stderr ? `:\n${stderr.trim().split('\n').slice(-15).join('\n')}` : ''}`);
    this.name = 'ProcessFailure';
    this.code = 'ProcessFailed';
  }
}

/**
 * Runs a command, timing it from spawn to exit and sampling the peak RSS (VmHWM) of it and every
 * process under it every 20 ms; `peakRssBytes` is the largest single process's peak (for `sh -c 'curl
 * | tar'` that is tar's or curl's, whichever is bigger). Rejects on a non-zero exit or the timeout.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: Record<string, string>, timeoutMs?: number, input?: string }} [options]
 * @returns {Promise<{ ms: number, stdout: string, stderr: string, peakRssBytes: number }>}
 */
export function timeProcess(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const peaks = new Map();
    const sample = () => {
      const seen = [child.pid];
      for (let i = 0; i < seen.length && i < 64; i++) seen.push(...childrenOf(seen[i]));
      for (const pid of seen) peaks.set(pid, Math.max(peaks.get(pid) ?? 0, peakRssOf(pid)));
    };
    const sampler = setInterval(sample, 20);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${options.timeoutMs} ms`));
    }, options.timeoutMs ?? 600_000);
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
    });
    child.on('error', (err) => {
      clearInterval(sampler);
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      const ms = performance.now() - started;
      clearInterval(sampler);
      clearTimeout(timer);
      if (code !== 0) reject(new ProcessFailure(`${command} ${args.slice(0, 3).join(' ')}`, code ?? signal, stderr));
      else resolve({ ms, stdout, stderr, peakRssBytes: Math.max(0, ...peaks.values()) });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** timeProcess, then the last line of stdout parsed as JSON, merged with the timing. */
export async function runJson(command, args, options = {}) {
  const run = await timeProcess(command, args, options);
  const line = run.stdout.trim().split('\n').pop() ?? '';
  try {
    return { ...JSON.parse(line), wallMs: run.ms, sampledPeakRssBytes: run.peakRssBytes };
  } catch {
    throw new Error(`${command} ${args.slice(0, 2).join(' ')} printed no JSON result; stdout ended with: ${line.slice(0, 300)}\n${run.stderr.slice(-1000)}`);
  }
}

export function machine() {
  const cpus = os.cpus();
  return {
    nproc: os.availableParallelism?.() ?? cpus.length,
    cpu: cpus[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

export const MiB = 1024 * 1024;

export function fmtMs(ms) {
  if (!Number.isFinite(ms)) return '–';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(2)} ms`;
}

export function fmtBytes(bytes) {
  if (!Number.isFinite(bytes)) return '–';
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(bytes >= 100 * MiB ? 0 : 1)} MiB`;
  return `${(bytes / 1024).toFixed(0)} KiB`;
}

export function fmtRate(bytesPerSecond) {
  return Number.isFinite(bytesPerSecond) ? `${(bytesPerSecond / MiB).toFixed(0)} MiB/s` : '–';
}

export function fmtRatio(r) {
  if (!Number.isFinite(r)) return '–';
  return r >= 10 || r < 0.1 ? `${r.toPrecision(2)}×` : `${r.toFixed(2)}×`;
}
