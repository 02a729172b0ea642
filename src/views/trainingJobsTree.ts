import * as vscode from 'vscode';
import { awsAccessProblem, isThrottled } from '../aws/awsErrors';
import { formatDuration } from '../core/format';
import { jobDescriptionLine, trainingJobViewFromDescription, trainingJobViewFromSummary } from '../core/jobs/trainingJobView';
import type { TrainingJobView } from '../core/jobs/trainingJobView';
import type { TrainingJobDescription } from '../core/jobs/trainingJobDescription';
import { trialDescriptionLine, tuningJobFromRecord, tuningJobOfTrial, tuningJobView } from '../core/jobs/tuningJobView';
import type { TuningJobView, TuningTrialSummary } from '../core/jobs/tuningJobView';
import { costDetailLines, costSummary, localJobCost } from '../core/cost/jobCost';
import type { JobCost } from '../core/cost/jobCost';
import type { AwsSession } from '../host/awsSession';
import type { PreflightSession } from '../host/preflightSession';
import { CommandId, focusViewCommand, Setting, ViewId } from '../host/ids';
import { Disposable } from '../host/lifecycle';
import type { ComponentLog } from '../host/log';
import type { Settings } from '../host/settings';
import { DetailNode, JobNode, LoadMoreNode, LocalGroupNode, MessageNode, TuningJobNode } from './jobNodes';
import type { TreeNode } from './jobNodes';

export interface JobFilter {
  status?: string;
  nameContains?: string;
}

/** Local jobs come from the local backend; the tree shows them in their own group. */
export interface LocalJobSource {
  list(): Promise<TrainingJobView[]>;
  /** Local tuning runs' `tuning.json` records (DescribeHyperParameterTuningJob's shapes plus `Trials`), newest first. */
  tuningRecords?(): Promise<readonly object[]>;
  readonly onDidChange: vscode.Event<void>;
}

/** A job's cost, recomputed whenever the tree describes it (the budget watch listens). */
export interface JobCostUpdate {
  name: string;
  cost: JobCost;
  description: TrainingJobDescription;
}

export interface JobEnd {
  view: TrainingJobView;
  origin: 'cloud' | 'local';
}

/**
 * The "Training Jobs" view: ListTrainingJobs newest first with a trailing "Load more", filters by
 * status and name, a "Local" group for jobs run on this machine, and a refresh of in-flight jobs
 * that backs off on throttling and pauses while the view is hidden.
 *
 * Hyperparameter tuning jobs (ListHyperParameterTuningJobs, newest first, the same filters, one page of
 * `jobs.pageSize`, each described for its objective and best trial) come before the training jobs, each with its trials beneath it, best objective first.
 * A trial is a training job too, so ListTrainingJobs lists it as well: the top level leaves out a training
 * job whose name is `<listed tuning job>-NNN-<8 hex>` (how SageMaker names trials), so each trial has one
 * row, beneath its tuning job, where its objective and rank mean something. A trial of a tuning job that
 * is not listed (older than the page, or filtered out) stays a top-level job.
 */
export class TrainingJobsTree extends Disposable implements vscode.TreeDataProvider<TreeNode> {
  private readonly changed = this.register(new vscode.EventEmitter<TreeNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly jobEnded = this.register(new vscode.EventEmitter<JobEnd>());
  /** A job seen in flight reached a terminal state. */
  readonly onDidSeeJobEnd = this.jobEnded.event;
  private readonly tuningEnded = this.register(new vscode.EventEmitter<TuningJobView>());
  /** A cloud tuning job this window launched (trackTuning) reached a terminal state; its trials are listed as it ended. */
  readonly onDidSeeTuningJobEnd = this.tuningEnded.event;
  private readonly countChanged = this.register(new vscode.EventEmitter<number>());
  /** Number of jobs in flight among those loaded (cloud and local). */
  readonly onDidChangeRunningCount = this.countChanged.event;
  private readonly costUpdated = this.register(new vscode.EventEmitter<JobCostUpdate>());
  /** A cloud job was described and priced. */
  readonly onDidUpdateCost = this.costUpdated.event;

  private nodes: JobNode[] = [];
  private localNodes: JobNode[] = [];
  private tuningNodes: TuningJobNode[] = [];
  private localTuningNodes: TuningJobNode[] = [];
  private tuningError: string | undefined;
  private nextToken: string | undefined;
  private loaded = false;
  private loading: Promise<void> | undefined;
  /** Bumped by every reload: a page fetched for an older filter or region is dropped, not appended. */
  private generation = 0;
  private error: string | undefined;
  private filter: JobFilter = {};
  private timer: NodeJS.Timeout | undefined;
  private intervalMs: number;
  private view: vscode.TreeView<TreeNode> | undefined;
  private readonly details = new Map<string, TrainingJobDescription>();
  /** Jobs this window launched: followed to their end even while the view is hidden, for the notification. */
  private readonly watched = new Set<string>();
  /** Tuning jobs this window launched: followed while the view is hidden too, so their end is announced. */
  private readonly watchedTuning = new Set<string>();

  constructor(
    private readonly aws: AwsSession,
    private readonly settings: Settings,
    private readonly log: ComponentLog,
    private readonly local?: LocalJobSource,
    private readonly preflight?: PreflightSession,
  ) {
    super();
    this.intervalMs = settings.jobsRefreshSeconds * 1000;
    this.register(aws.onDidChange(() => void this.reload()));
    if (local) this.register(local.onDidChange(() => void this.reloadLocal()));
    this.register({ dispose: () => clearTimeout(this.timer) });
  }

  attach(view: vscode.TreeView<TreeNode>): void {
    this.view = view;
    // Resolving the region may load the AWS SDK (a profile's region): only once the view is shown.
    this.register(
      view.onDidChangeVisibility(() => {
        if (view.visible && !view.description) void this.updateDescription();
        this.schedule();
      }),
    );
    if (view.visible) void this.updateDescription();
  }

  get currentFilter(): JobFilter {
    return { ...this.filter };
  }

  setFilter(filter: JobFilter): Promise<void> {
    this.filter = filter;
    return this.reload();
  }

  /** Every loaded training job, cloud and local, tuning jobs' trials included. */
  jobs(): TrainingJobView[] {
    return this.jobNodes().map((n) => n.view);
  }

  findJob(name: string): JobNode | undefined {
    return this.jobNodes().find((n) => n.view.name === name);
  }

  findTuningJob(name: string, origin: 'cloud' | 'local' = 'cloud'): TuningJobNode | undefined {
    return (origin === 'cloud' ? this.tuningNodes : this.localTuningNodes).find((n) => n.view.name === name);
  }

  /** Every loaded tuning job, local ones first. */
  tuningJobs(): TuningJobNode[] {
    return [...this.localTuningNodes, ...this.tuningNodes];
  }

  private jobNodes(): JobNode[] {
    return [...this.localNodes, ...this.localTuningNodes.flatMap((t) => t.trials), ...this.nodes, ...this.tuningNodes.flatMap((t) => t.trials)];
  }

  async reload(): Promise<void> {
    this.generation++;
    this.loading = undefined;
    this.nodes = [];
    this.tuningNodes = [];
    this.tuningError = undefined;
    this.nextToken = undefined;
    this.loaded = false;
    this.error = undefined;
    this.details.clear();
    await this.updateDescription();
    this.changed.fire(undefined);
    await this.loadPage();
    await this.reloadLocal();
  }

  private async reloadLocal(): Promise<void> {
    if (!this.local) return;
    const views = await this.local.list().catch((err: unknown) => {
      this.log.warn('listing local jobs failed:', err);
      return [] as TrainingJobView[];
    });
    const records = this.local.tuningRecords
      ? await this.local.tuningRecords().catch((err: unknown) => {
          this.log.warn('listing local tuning jobs failed:', err);
          return [] as object[];
        })
      : [];
    const previous = new Map(
      this.jobNodes()
        .filter((n) => n.origin === 'local')
        .map((n) => [n.view.name, n.view]),
    );
    // A local tuning run's trials are local jobs too: each is shown once, beneath its tuning job.
    const byName = new Map(views.map((v) => [v.name, v]));
    this.localTuningNodes = records.flatMap((record) => {
      const parsed = tuningJobFromRecord(record);
      if (!parsed) return [];
      const view = tuningJobView(parsed.description, parsed.trials);
      const node = new TuningJobNode(view, 'local');
      if (parsed.jobFile) node.jobFile = parsed.jobFile;
      node.trials = view.trials.map((trial) => {
        const line = trialDescriptionLine(trial, view.objective?.name);
        const summary = parsed.trials.find((t) => t.TrainingJobName === trial.name)!;
        const row = new JobNode(byName.get(trial.name) ?? trainingJobViewFromSummary(summary), 'local', line, { tuningJob: view.name, line });
        row.setCost(localJobCost(trial.name));
        return row;
      });
      node.detailed = true;
      return [node];
    });
    const localTuningNames = new Set(this.localTuningNodes.map((n) => n.view.name));
    this.localNodes = views
      .filter((v) => !tuningJobOfTrial(v.name, localTuningNames))
      .map((v) => {
        const node = new JobNode(v, 'local', jobDescriptionLine(v, new Date()));
        node.setCost(localJobCost(v.name));
        return node;
      });
    for (const v of views) {
      const before = previous.get(v.name);
      if (before?.inFlight && v.terminal) this.jobEnded.fire({ view: v, origin: 'local' });
    }
    this.changed.fire(undefined);
    this.emitCount();
    this.schedule();
  }

  /** Appends the next page; concurrent calls (double clicks on "Load more") share one request. */
  loadPage(): Promise<void> {
    if (!this.loading) {
      const loading = this.fetchPage().finally(() => {
        if (this.loading === loading) this.loading = undefined;
      });
      this.loading = loading;
    }
    return this.loading;
  }

  private async fetchPage(notify = true): Promise<void> {
    if (this.loaded && !this.nextToken) return;
    const generation = this.generation;
    if (!this.loaded) await this.fetchTuningJobs(generation);
    if (generation !== this.generation) return;
    const tuningNames = new Set(this.tuningNodes.map((n) => n.view.name));
    try {
      const { listTrainingJobs } = this.aws.jobs();
      const page = await listTrainingJobs(this.aws.clients(), {
        pageSize: this.settings.jobsPageSize,
        ...(this.filter.status ? { status: this.filter.status } : {}),
        ...(this.filter.nameContains ? { nameContains: this.filter.nameContains } : {}),
        ...(this.nextToken ? { nextToken: this.nextToken } : {}),
      });
      if (generation !== this.generation) return;
      const known = new Set(this.nodes.map((n) => n.view.name));
      for (const s of page.jobs) {
        if (known.has(s.TrainingJobName ?? '') || tuningJobOfTrial(s.TrainingJobName ?? '', tuningNames)) continue;
        const view = trainingJobViewFromSummary(s);
        this.nodes.push(new JobNode(view, 'cloud', jobDescriptionLine(view, new Date())));
      }
      this.nextToken = page.nextToken;
      this.error = undefined;
    } catch (err) {
      if (generation !== this.generation) return;
      const profile = this.aws.profileName();
      this.error = awsAccessProblem(err, 'extension', profile ? { profile } : {}) ?? (err instanceof Error ? err.message : String(err));
      this.log.warn('listing training jobs failed:', err);
    }
    this.loaded = true;
    if (notify) this.changed.fire(undefined);
    this.emitCount();
    this.schedule();
  }

  /** The newest tuning jobs (one page, the view's filters); a failure is shown as a row and does not stop the training jobs' list. */
  private async fetchTuningJobs(generation: number): Promise<void> {
    try {
      const { listTuningJobs } = this.aws.tuning();
      const rows = await listTuningJobs(this.aws.clients(), {
        max: this.settings.jobsPageSize,
        ...(this.filter.status ? { status: this.filter.status } : {}),
        ...(this.filter.nameContains ? { nameContains: this.filter.nameContains } : {}),
      });
      if (generation !== this.generation) return;
      // The list row has counters but neither the objective, early stopping nor the best trial: describe each
      // (four at a time; a failed Describe leaves the row's own view).
      const { describeTuningJob } = this.aws.tuning();
      const views = rows.map((row) => tuningJobView(row));
      for (let i = 0; i < rows.length; i += 4) {
        await Promise.all(
          rows.slice(i, i + 4).map(async (row, k) => {
            try {
              views[i + k] = tuningJobView(await describeTuningJob(this.aws.clients(), row.HyperParameterTuningJobName!));
            } catch (err) {
              this.log.warn(`describing the tuning job ${row.HyperParameterTuningJobName} failed:`, err);
            }
          }),
        );
      }
      if (generation !== this.generation) return;
      this.tuningNodes = views.map((view) => new TuningJobNode(view, 'cloud'));
      this.tuningError = undefined;
    } catch (err) {
      if (generation !== this.generation) return;
      this.tuningError = err instanceof Error ? err.message : String(err);
      this.log.warn('listing tuning jobs failed:', err);
    }
  }

  /** Describes a tuning job and lists all its trials; the trials' rows are kept (and updated) by name. */
  private async loadTrials(node: TuningJobNode): Promise<void> {
    const { describeTuningJobWithTrials } = this.aws.tuning();
    const { description, trials } = await describeTuningJobWithTrials(this.aws.clients(), node.view.name);
    const view = tuningJobView(description, trials);
    node.update(view);
    const byName = new Map(trials.map((t) => [t.TrainingJobName ?? '', t as TuningTrialSummary]));
    const existing = new Map(node.trials.map((n) => [n.view.name, n]));
    node.trials = view.trials.map((trial) => {
      const line = trialDescriptionLine(trial, view.objective?.name);
      const summary = byName.get(trial.name)!;
      const fromList = trainingJobViewFromSummary({ ...summary, ...(summary.TrainingJobStatus ? {} : { TrainingJobStatus: trial.status }) });
      const row = existing.get(trial.name);
      if (!row) return new JobNode(fromList, node.origin, line, { tuningJob: view.name, line });
      row.trial = { tuningJob: view.name, line };
      row.update(row.view.detailed && row.view.status === fromList.status ? row.view : fromList, line);
      return row;
    });
    node.detailed = true;
  }

  /** A tuning job's description and trials as the tree last loaded them (loading them when needed). */
  async tuningDetails(name: string): Promise<TuningJobNode> {
    let node = this.findTuningJob(name);
    if (!node) {
      const { describeTuningJob } = this.aws.tuning();
      node = new TuningJobNode(tuningJobView(await describeTuningJob(this.aws.clients(), name)), 'cloud');
    }
    await this.loadTrials(node);
    return node;
  }

  /** After Stop: the tuning job and its trials read again. */
  async refreshTuningJob(name: string): Promise<void> {
    const node = this.findTuningJob(name);
    if (!node) return;
    await this.loadTrials(node);
    this.changed.fire(node);
    this.emitCount();
    this.schedule();
  }

  private localGroup(): LocalGroupNode {
    return new LocalGroupNode(this.localNodes.length + this.localTuningNodes.length);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return node;
  }

  getParent(node: TreeNode): TreeNode | undefined {
    if (node instanceof JobNode && node.trial) return this.findTuningJob(node.trial.tuningJob, node.origin);
    if ((node instanceof JobNode || node instanceof TuningJobNode) && node.origin === 'local') return this.localGroup();
    return undefined;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) {
      // Loaded here for this very call: signalling a change now would make VS Code ask again mid-render.
      if (!this.loaded) await (this.loading ?? this.fetchPage(false));
      const roots: TreeNode[] = [];
      if (this.localNodes.length || this.localTuningNodes.length) roots.push(this.localGroup());
      if (this.error)
        roots.push(
          new MessageNode(
            `Could not list training jobs: ${this.error}`,
            'warning',
            `Check the AWS profile and region (settings ${Setting.profile} and ${Setting.region}; the profile and endpoints only in your user settings), then refresh.`,
          ),
        );
      if (this.tuningError && !this.error) roots.push(new MessageNode(`Could not list tuning jobs: ${this.tuningError}`, 'warning'));
      roots.push(...this.tuningNodes);
      roots.push(...this.nodes);
      if (this.nextToken) roots.push(new LoadMoreNode(CommandId.loadMoreJobs));
      if (
        !this.error &&
        this.nodes.length === 0 &&
        this.localNodes.length === 0 &&
        this.tuningNodes.length === 0 &&
        this.localTuningNodes.length === 0 &&
        (this.filter.status || this.filter.nameContains)
      ) {
        roots.push(new MessageNode('No training job matches the filter.', 'filter'));
      }
      return roots;
    }
    if (node instanceof LocalGroupNode) return [...this.localTuningNodes, ...this.localNodes];
    if (node instanceof TuningJobNode) {
      if (!node.detailed) {
        try {
          await this.loadTrials(node);
          this.changed.fire(node);
        } catch (err) {
          return [new MessageNode(`Could not list the trials: ${err instanceof Error ? err.message : String(err)}`, 'warning')];
        }
      }
      return node.trials.length ? node.trials : [new MessageNode('No trials yet.', 'info')];
    }
    if (node instanceof JobNode) return this.jobDetails(node);
    if (node instanceof DetailNode) return node.children;
    return [];
  }

  private async jobDetails(node: JobNode): Promise<TreeNode[]> {
    if (node.origin === 'cloud' && !node.view.detailed) {
      try {
        const { describeTrainingJob } = this.aws.jobs();
        const d = (await describeTrainingJob(this.aws.clients(), node.view.name)) as TrainingJobDescription;
        this.details.set(node.view.name, d);
        const view = trainingJobViewFromDescription(d, new Date());
        node.update(view, jobDescriptionLine(view, new Date()));
        await this.price(node, d);
        this.changed.fire(node);
      } catch (err) {
        return [new MessageNode(`Could not describe the job: ${err instanceof Error ? err.message : String(err)}`, 'warning')];
      }
    }
    return [...(node.cost ? [costNode(node.cost)] : []), ...detailNodes(node.view)];
  }

  /** Prices a described cloud job (Price List API, else the bundled table; cached a day) and shows the figure on its row. */
  private async price(node: JobNode, d: TrainingJobDescription): Promise<void> {
    try {
      const [cost] = await this.aws.costs().costOfJobs(this.aws.clients(), [d], this.preflight ? { cache: this.preflight.priceCache() } : {});
      if (!cost) return;
      node.setCost(cost);
      this.costUpdated.fire({ name: node.view.name, cost, description: d });
    } catch (err) {
      this.log.warn(`pricing ${node.view.name} failed:`, err);
    }
  }

  /** The last DescribeTrainingJob answer for a job, fetching it when needed. */
  async description(name: string): Promise<TrainingJobDescription> {
    const { describeTrainingJob } = this.aws.jobs();
    const d = (await describeTrainingJob(this.aws.clients(), name)) as TrainingJobDescription;
    this.details.set(name, d);
    return d;
  }

  /** Puts a job the extension just launched at the top, before the next list shows it. */
  async track(jobName: string): Promise<void> {
    this.watched.add(jobName);
    try {
      const d = await this.description(jobName);
      const view = trainingJobViewFromDescription(d, new Date());
      const existing = this.findJob(jobName);
      let node = existing;
      if (node) node.update(view, jobDescriptionLine(view, new Date()));
      else this.nodes.unshift((node = new JobNode(view, 'cloud', jobDescriptionLine(view, new Date()))));
      await this.price(node, d);
      this.changed.fire(undefined);
      this.emitCount();
      this.schedule();
    } catch (err) {
      this.log.warn(`tracking ${jobName} failed:`, err);
    }
  }

  /** Puts a tuning job the extension just launched at the top, with its trials, and follows it to its end. */
  async trackTuning(name: string): Promise<void> {
    this.watchedTuning.add(name);
    try {
      let node = this.findTuningJob(name);
      if (!node) {
        const { describeTuningJob } = this.aws.tuning();
        node = new TuningJobNode(tuningJobView(await describeTuningJob(this.aws.clients(), name)), 'cloud');
        this.tuningNodes.unshift(node);
      }
      await this.loadTrials(node);
      this.changed.fire(undefined);
      if (node.view.terminal && this.watchedTuning.delete(name)) this.tuningEnded.fire(node.view);
      this.emitCount();
      this.schedule();
    } catch (err) {
      this.log.warn(`tracking the tuning job ${name} failed:`, err);
    }
  }

  /** Selects a job's row in the view (after a launch: "Reveal in Explorer"). */
  async reveal(jobName: string): Promise<void> {
    // Show the view first and let it load its rows: revealing an element VS Code has not resolved
    // yet fails ("Cannot resolve tree item") when the view was never opened.
    await vscode.commands.executeCommand(focusViewCommand(ViewId.trainingJobs));
    if (!this.loaded) await this.loadPage();
    const node = this.findJob(jobName);
    if (!node || !this.view) return;
    try {
      await this.view.reveal(node, { select: true, focus: true, expand: true });
    } catch (err) {
      this.log.warn(`revealing ${jobName}:`, err);
    }
  }

  private schedule(): void {
    clearTimeout(this.timer);
    const inFlight = this.jobNodes().filter((n) => n.view.inFlight && (n.origin === 'local' || !n.trial));
    const tuningInFlight = this.tuningNodes.filter((n) => n.view.inFlight);
    const hidden = this.view !== undefined && !this.view.visible;
    // While hidden, only the jobs this window launched are followed (a few Describe calls), so their end is announced.
    const follow = hidden
      ? inFlight.some((n) => this.watched.has(n.view.name)) || tuningInFlight.some((n) => this.watchedTuning.has(n.view.name))
      : inFlight.length > 0 || tuningInFlight.length > 0;
    if (!follow) return;
    this.timer = setTimeout(() => void this.refreshInFlight(hidden), this.intervalMs);
  }

  /** Describes each in-flight cloud job; throttling doubles the interval (up to 5 minutes), success restores it. */
  private async refreshInFlight(watchedOnly: boolean): Promise<void> {
    const { describeTrainingJob } = this.aws.jobs();
    let throttled = false;
    for (const node of this.nodes.filter((n) => n.view.inFlight && (!watchedOnly || this.watched.has(n.view.name))).slice(0, 20)) {
      try {
        const d = (await describeTrainingJob(this.aws.clients(), node.view.name)) as TrainingJobDescription;
        const wasInFlight = node.view.inFlight;
        const view = trainingJobViewFromDescription(d, new Date());
        node.update(view, jobDescriptionLine(view, new Date()));
        this.details.set(view.name, d);
        await this.price(node, d);
        this.changed.fire(node);
        if (wasInFlight && view.terminal) {
          this.watched.delete(view.name);
          this.jobEnded.fire({ view, origin: 'cloud' });
        }
      } catch (err) {
        if (isThrottled(err)) throttled = true;
        else this.log.warn(`refreshing ${node.view.name} failed:`, err);
      }
    }
    // Tuning jobs in flight: described and their trials listed again (while hidden, only those this window launched).
    for (const node of this.tuningNodes.filter((n) => n.view.inFlight && (!watchedOnly || this.watchedTuning.has(n.view.name))).slice(0, 10)) {
      try {
        await this.loadTrials(node);
        this.changed.fire(node);
        if (node.view.terminal && this.watchedTuning.delete(node.view.name)) this.tuningEnded.fire(node.view);
      } catch (err) {
        if (isThrottled(err)) throttled = true;
        else this.log.warn(`refreshing the tuning job ${node.view.name} failed:`, err);
      }
    }
    await this.reloadLocal();
    this.intervalMs = throttled ? Math.min(this.intervalMs * 2, 300_000) : this.settings.jobsRefreshSeconds * 1000;
    this.emitCount();
    this.schedule();
  }

  private emitCount(): void {
    this.countChanged.fire(this.jobNodes().filter((n) => n.view.inFlight).length);
  }

  private async updateDescription(): Promise<void> {
    if (!this.view?.visible) return;
    const where = await this.aws.describe();
    const parts = [where];
    if (this.filter.status) parts.push(`status: ${this.filter.status}`);
    if (this.filter.nameContains) parts.push(`name: *${this.filter.nameContains}*`);
    this.view.description = parts.join(' · ');
  }
}

/** The job's cost: instance time, spot savings, warm pool, and the price's source and date. */
function costNode(c: JobCost): DetailNode {
  const lines = costDetailLines(c);
  return new DetailNode(
    'Cost',
    lines.map(
      (l) => new DetailNode(l.label, [], { description: l.value, tooltip: l.value, icon: l.label === 'Price' ? 'tag' : l.label === 'Warm pool' ? 'flame' : 'circle-small-filled' }),
    ),
    { icon: 'credit-card', description: costSummary(c) ?? 'no price known' },
  );
}

function detailNodes(v: TrainingJobView): DetailNode[] {
  const out: DetailNode[] = [];
  if (v.failureReason) out.push(new DetailNode('Failure', [], { description: v.failureReason, icon: 'error', tooltip: v.failureReason }));
  if (v.timeline.length) {
    out.push(
      new DetailNode(
        'Timeline',
        v.timeline.map(
          (t) =>
            new DetailNode(t.status, [], {
              description: `${t.durationSeconds !== undefined ? formatDuration(t.durationSeconds) : ''}${t.current ? ' · now' : ''}${t.message ? ` · ${t.message}` : ''}`,
              icon: t.current ? 'debug-stackframe' : 'circle-small-filled',
              tooltip: t.message,
            }),
        ),
        { icon: 'history', description: `${v.timeline.length} steps` },
      ),
    );
  }
  const userHps = v.hyperparameters.filter((h) => !h.sdkSet);
  if (v.hyperparameters.length) {
    out.push(
      new DetailNode(
        'Hyperparameters',
        [...userHps, ...v.hyperparameters.filter((h) => h.sdkSet)].map(
          (h) => new DetailNode(h.name, [], { description: h.display, icon: h.sdkSet ? 'gear' : 'symbol-field', tooltip: `${h.name} = ${h.encoded}` }),
        ),
        { icon: 'settings', description: `${userHps.length} set by you` },
      ),
    );
  }
  if (v.finalMetrics.length) {
    out.push(
      new DetailNode(
        'Final metrics',
        v.finalMetrics.map((m) => new DetailNode(m.name, [], { description: String(m.value), icon: 'graph' })),
        { icon: 'graph-line' },
      ),
    );
  }
  if (v.artifactsUri) out.push(new DetailNode('Model artifacts', [], { description: v.artifactsUri, icon: 'package', tooltip: v.artifactsUri }));
  if (v.image) out.push(new DetailNode('Image', [], { description: v.image, icon: 'server-environment', tooltip: v.image }));
  return out;
}
