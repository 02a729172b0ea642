// The log of a 16-host Hugging Face Trainer job as the dashboard's benchmarks feed it (bench/jobMetrics.ts
// parses it in node, bench/dashboardRender.ts charts it in the page): algo-1 prints the Trainer's loss dicts
// and, every 500 steps, an eval dict; every host prints its tqdm bar. One line every 100 ms of job time.

export interface TimedLogLine {
  host: string;
  /** Epoch ms. */
  t: number;
  line: string;
}

export const BENCH_HOSTS = 16;

/** `total` lines of `hosts` hosts, in time order, starting 2026-01-01T00:00Z. */
export function trainerLogLines(total: number, hosts = BENCH_HOSTS): TimedLogLine[] {
  const out: TimedLogLine[] = [];
  const t0 = Date.UTC(2026, 0, 1);
  const maxSteps = Math.ceil(total / hosts);
  out.push({ host: 'algo-1', t: t0, line: '  Total optimization steps = ' + maxSteps.toLocaleString('en-US') });
  for (let i = 0; out.length < total; i++) {
    const host = `algo-${(i % hosts) + 1}`;
    const step = Math.floor(i / hosts) + 1;
    const t = t0 + i * 100;
    if (host === 'algo-1' && step % 2 === 0) {
      const loss = (2.5 * Math.exp(-step / maxSteps) + (i % 7) * 0.01).toFixed(4);
      out.push({
        host,
        t,
        line: `{'loss': ${loss}, 'grad_norm': ${(3 + (i % 5) * 0.1).toFixed(4)}, 'learning_rate': ${(5e-5 * (1 - step / maxSteps)).toExponential(3)}, 'epoch': ${((3 * step) / maxSteps).toFixed(2)}}`,
      });
    } else if (host === 'algo-1' && step % 500 === 0) {
      out.push({ host, t, line: `{'eval_loss': 1.5, 'eval_rouge1': np.float64(41.2), 'eval_runtime': 95.1, 'eval_samples_per_second': 8.6, 'epoch': 1.0}` });
    } else {
      const pct = Math.floor((100 * step) / maxSteps);
      out.push({ host, t, line: `${String(pct).padStart(3)}%|${'█'.repeat(Math.floor(pct / 10)).padEnd(10)}| ${step}/${maxSteps} [00:10<01:00,  1.25it/s]` });
    }
  }
  return out;
}
