import * as path from 'node:path';
import { parseArgs } from './args';
import { AwsClients } from '../aws/awsClients';
import { costOfJobs } from '../aws/cost/jobCosts';
import { CloudJobMetrics } from '../aws/jobMetrics';
import { FilePriceCache } from '../aws/preflight/pricing';
import { describeTrainingJob, TrainingJobError } from '../aws/trainingJobs';
import { localJobCost } from '../core/cost/jobCost';
import { compareRuns, runComparisonJson } from '../core/jobs/runComparison';
import type { ComparisonRow, RunComparison, RunInput } from '../core/jobs/runComparison';
import type { TrainingJobDescription } from '../core/jobs/trainingJobDescription';
import { showControlCharacters } from '../core/logs/logFormat';
import { defaultLocalRoot } from '../local/localJob';
import { LocalJobMetrics } from '../local/localJobMetrics';
import { localJobDescription, readLocalJob } from '../local/localJobRecord';
import { UsageError } from './cliError';
import type { CliIo } from './cliError';
import { priceCachePath } from './cliTime';
import { AWS_OPTIONS, awsConnectionFromCli, table } from './jobsCommand';

const USAGE = 'sagemaker-hf compare JOB JOB... [--json] [--root DIR] [--offline] [--region R] [--profile P]';
/** SageMaker's TrainingJobName pattern, which local job names follow too; a name outside it is no job folder either. */
const JOB_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

export interface CompareCommandDeps {
  clients?: AwsClients;
  now?: Date;
}

/**
 * `sagemaker-hf compare JOB JOB… [--json]`: two or more training jobs side by side (core/jobs/runComparison.ts,
 * the comparison the Compare Runs view shows). Each JOB is a local job when the folder of local jobs (`--root`,
 * default ./.sagemaker-local) holds it, else a SageMaker job. Exit 0; 1 when a job is found in neither place;
 * 2 on usage errors (fewer than two jobs, one named twice).
 */
export async function compareCommand(args: string[], terminal: CliIo, deps: CompareCommandDeps = {}): Promise<number> {
  const io: CliIo = { ...terminal, stdout: (t) => terminal.stdout(showControlCharacters(t)), stderr: (t) => terminal.stderr(showControlCharacters(t)) };
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      root: { type: 'string' },
      offline: { type: 'boolean', default: false },
      ...AWS_OPTIONS,
    },
  });
  if (positionals.length < 2) throw new UsageError(`compare needs two or more training jobs (got ${positionals.length}): ${USAGE}`);
  const twice = positionals.find((name, i) => positionals.indexOf(name) !== i);
  if (twice !== undefined) throw new UsageError(`${twice} is named twice: give each job once.`);
  const bad = positionals.find((name) => !JOB_NAME.test(name));
  if (bad !== undefined) throw new UsageError(`"${bad.slice(0, 80)}" is not a training job name (letters, digits and hyphens, at most 63, starting with a letter or digit).`);
  const root = values.root !== undefined ? path.resolve(io.cwd, values.root) : defaultLocalRoot(io.cwd);
  const now = deps.now ?? new Date();

  let owned: AwsClients | undefined;
  const clients = (): AwsClients => deps.clients ?? (owned ??= new AwsClients({ ...awsConnectionFromCli(values, io.env), maxAttempts: 8 }));
  try {
    const inputs: Array<RunInput | undefined> = [];
    const cloud: Array<{ index: number; description: TrainingJobDescription }> = [];
    const unknown: string[] = [];
    for (const name of positionals) {
      const record = await readLocalJob(path.join(root, name));
      if (record) {
        const reading = await new LocalJobMetrics(record.Local.folder, { proc: null, gpus: async () => undefined }).poll().then(
          (r) => ({ series: r.snapshot.series, problems: r.snapshot.problems }),
          (err: Error) => ({ series: [], problems: [`its log could not be read: ${err.message}`] }),
        );
        inputs.push({ origin: 'local', description: localJobDescription(record), cost: localJobCost(name), ...reading });
        continue;
      }
      try {
        const description = (await describeTrainingJob(clients(), name)) as TrainingJobDescription;
        cloud.push({ index: inputs.length, description });
        inputs.push(undefined);
      } catch (error) {
        if (error instanceof TrainingJobError && error.code === 'JobNotFound') {
          unknown.push(name);
          inputs.push(undefined);
        } else throw error;
      }
    }
    if (unknown.length > 0) {
      const region = await clients()
        .region()
        .catch(() => undefined);
      io.stderr(
        `sagemaker-hf compare: no training job named ${unknown.join(', ')} in SageMaker${region ? ` (${region})` : ''} nor in ${root}. Check the name (\`sagemaker-hf jobs\` lists cloud jobs), the region or profile, and --root for local jobs.\n`,
      );
      return 1;
    }
    if (cloud.length > 0) {
      const costs = await costOfJobs(
        clients(),
        cloud.map((c) => c.description),
        { cache: new FilePriceCache(priceCachePath(io.env)), offline: values.offline, now },
      );
      for (const [k, c] of cloud.entries()) {
        const name = c.description.TrainingJobName ?? '';
        const reading = await new CloudJobMetrics(clients(), name).poll().then(
          (r) => ({ series: r.snapshot.series, problems: r.snapshot.problems }),
          (err: Error) => ({ series: [], problems: [`its log and metrics could not be read: ${err.message.slice(0, 300)}`] }),
        );
        inputs[c.index] = { origin: 'cloud', description: c.description, ...(costs[k] ? { cost: costs[k] } : {}), ...reading };
      }
    }
    const comparison = compareRuns(inputs as RunInput[], now);
    io.stdout(values.json ? `${JSON.stringify(runComparisonJson(comparison), null, 2)}\n` : comparisonText(comparison));
    return 0;
  } finally {
    owned?.destroy();
  }
}

/** The widest cell of the text table: an image URI's registry is cut, its tag (the part that differs) kept. */
const CELL_WIDTH = 60;

function shorten(text: string): string {
  if (text.length <= CELL_WIDTH) return text;
  const head = Math.floor((CELL_WIDTH - 1) / 3);
  return `${text.slice(0, head)}…${text.slice(text.length - (CELL_WIDTH - 1 - head))}`;
}

const SECTION_TITLES: Record<ComparisonRow['section'], string> = { job: 'Job', hyperparameters: 'Hyperparameters', metrics: 'Final metrics' };

/** The text `compare` prints: one table, a `*` before each row whose values differ, then where the values came from. */
export function comparisonText(c: RunComparison): string {
  const out: string[] = [];
  out.push(`Comparing ${c.runs.length} runs: ${c.runs.map((r) => `${r.name} (${r.origin}, ${r.status})`).join(', ')}`, '');
  const rows: string[][] = [];
  for (const section of ['job', 'hyperparameters', 'metrics'] as const) {
    const inSection = c.rows.filter((r) => r.section === section);
    if (inSection.length === 0) continue;
    if (rows.length > 0) rows.push(['']);
    rows.push(['', `${SECTION_TITLES[section]}`]);
    for (const r of inSection) rows.push([r.differs ? '*' : '', r.sdkSet ? `${r.label} (SDK)` : r.label, ...r.cells.map((x) => shorten(x.display))]);
  }
  out.push(table(['', '', ...c.runs.map((r) => r.name)], rows).trimEnd());
  if (c.rows.some((r) => r.cells.some((x) => x.display.length > CELL_WIDTH)))
    out.push(`(values longer than ${CELL_WIDTH} characters are cut in the middle; --json has them whole)`);
  const differing = c.rows.filter((r) => r.differs).length;
  out.push('', differing ? `* ${differing} of ${c.rows.length} rows differ.` : 'No row differs.');
  out.push('', 'Where the values come from:');
  out.push(`  job fields and hyperparameters: ${c.runs.map((r) => `${r.name} from ${r.describedBy}`).join('; ')}`);
  for (const r of c.rows.filter((x) => x.key === 'job.cost' || x.section === 'metrics')) {
    out.push(`  ${r.label}: ${r.cells.map((x, i) => `${c.runs[i]!.name} ${x.source ?? 'no value'}`).join('; ')}`);
  }
  if (c.curves.length > 0) {
    out.push(
      '',
      `Training curves (time since each run's training started; --json has the points): ${c.curves.map((k) => `${k.metric} (${k.lines.length} run${k.lines.length === 1 ? '' : 's'})`).join(', ')}`,
    );
  }
  for (const r of c.runs) for (const p of r.problems) out.push(`! ${r.name}: ${p}`);
  for (const n of c.notes) out.push(`Note: ${n}`);
  return `${out.join('\n')}\n`;
}
