// The Compare Runs panel's logic, without 'vscode': after the page's `ready` it says which jobs it reads,
// reads every run (its description, cost and series, through the reader the shell gives it), builds the
// comparison with core/jobs/runComparison.ts and posts it; `refresh` reads them again. One reading at a time:
// a `ready` that arrives while the runs are read gets the result when it comes.

import { compareRuns, runComparisonJson } from '../../core/jobs/runComparison';
import type { RunInput } from '../../core/jobs/runComparison';
import type { CompareHostMessage, CompareJob, CompareOrigin, CompareViewMessage } from '../compareProtocol';

export interface CompareRunsViewDeps {
  jobs: readonly CompareJob[];
  /** One run: its description, cost and series. Throws when the job itself cannot be read (a metrics failure goes in `problems`). */
  read: (job: CompareJob) => Promise<RunInput>;
  post: (message: CompareHostMessage) => void;
  now?: () => Date;
}

export class CompareRunsView {
  private result: CompareHostMessage | undefined;
  private reading: Promise<void> | undefined;
  private disposed = false;

  constructor(private readonly deps: CompareRunsViewDeps) {}

  async handle(message: CompareViewMessage): Promise<void> {
    this.deps.post({ type: 'loading', jobs: [...this.deps.jobs] });
    if (message.type === 'refresh') this.result = undefined;
    if (this.result) {
      this.deps.post(this.result);
      return;
    }
    await this.read();
  }

  dispose(): void {
    this.disposed = true;
  }

  private read(): Promise<void> {
    this.reading ??= this.readRuns().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async readRuns(): Promise<void> {
    let result: CompareHostMessage;
    try {
      const inputs: RunInput[] = [];
      for (const job of this.deps.jobs) {
        try {
          inputs.push(await this.deps.read(job));
        } catch (err) {
          throw new Error(`${job.name} (${job.origin === 'local' ? 'local job' : 'SageMaker job'}) could not be read: ${err instanceof Error ? err.message : String(err)}`, {
            cause: err,
          });
        }
      }
      result = { type: 'comparison', comparison: runComparisonJson(compareRuns(inputs, (this.deps.now ?? (() => new Date()))())) };
    } catch (err) {
      result = { type: 'failed', message: err instanceof Error ? err.message : String(err) };
    }
    if (this.disposed) return;
    this.result = result;
    this.deps.post(result);
  }
}

export interface JobOriginLookup {
  /** The job's origin when the Training Jobs view lists it. */
  origin(name: string): CompareOrigin | undefined;
}

/** A row of the Training Jobs view (a job or a tuning trial: a training job either way) as a job to compare; undefined for any other row. */
export function compareJobOf(node: unknown, lookup: JobOriginLookup): CompareJob | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  const view = (node as { view?: { name?: unknown } }).view;
  if (typeof view?.name !== 'string' || view.name === '') return undefined;
  const origin = (node as { origin?: unknown }).origin;
  return { name: view.name, origin: origin === 'cloud' || origin === 'local' ? origin : (lookup.origin(view.name) ?? 'cloud') };
}

/**
 * The jobs a Compare Runs invocation names: the view's selection (VS Code passes the clicked row, then every
 * selected row), an array of names or jobs (other extensions, tests); each job once, in the order given.
 */
export function jobsToCompare(args: readonly unknown[], lookup: JobOriginLookup): CompareJob[] {
  const [clicked, selection] = args;
  const given: unknown[] = Array.isArray(selection) && selection.length > 0 ? selection : Array.isArray(clicked) ? clicked : clicked !== undefined ? [clicked] : [];
  const jobs: CompareJob[] = [];
  for (const item of given) {
    const job =
      typeof item === 'string' && item
        ? { name: item, origin: lookup.origin(item) ?? 'cloud' }
        : typeof item === 'object' &&
            item !== null &&
            typeof (item as CompareJob).name === 'string' &&
            ((item as CompareJob).origin === 'cloud' || (item as CompareJob).origin === 'local')
          ? { name: (item as CompareJob).name, origin: (item as CompareJob).origin }
          : compareJobOf(item, lookup);
    if (job && !jobs.some((j) => j.name === job.name && j.origin === job.origin)) jobs.push(job);
  }
  return jobs;
}
