import * as vscode from 'vscode';
import { formatDuration } from '../core/format';
import type { TrainingJobView } from '../core/jobs/trainingJobView';
import { tuningDescriptionLine } from '../core/jobs/tuningJobView';
import type { TuningJobView } from '../core/jobs/tuningJobView';
import { costSummary } from '../core/cost/jobCost';
import type { JobCost } from '../core/cost/jobCost';
import { ContextValue } from './contextValues';

const STATUS_ICON: Record<string, [string, string?]> = {
  InProgress: ['sync~spin', 'charts.blue'],
  Stopping: ['loading~spin', 'charts.orange'],
  Completed: ['pass', 'testing.iconPassed'],
  Failed: ['error', 'testing.iconFailed'],
  Stopped: ['debug-stop', 'charts.orange'],
};

export function statusIcon(status: string): vscode.ThemeIcon {
  const [id, color] = STATUS_ICON[status] ?? ['circle-outline'];
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

export class JobNode extends vscode.TreeItem {
  /** The job's cost, once priced (cloud) or $0 (local). */
  cost: JobCost | undefined;
  private baseDescription = '';
  /** A tuning job's trial: its tuning job's name and its line (objective, best, stopped early, tuned values). */
  trial: { tuningJob: string; line: string } | undefined;

  constructor(
    public view: TrainingJobView,
    readonly origin: 'cloud' | 'local',
    description: string,
    trial?: { tuningJob: string; line: string },
  ) {
    super(view.name, vscode.TreeItemCollapsibleState.Collapsed);
    this.id = `${origin}:${view.name}`;
    this.trial = trial;
    this.update(view, description);
  }

  update(view: TrainingJobView, description: string): void {
    this.view = view;
    // A trial's row keeps what it is in its tuning job (objective, best, stopped early) whatever Describe adds.
    if (this.trial) description = this.trial.line;
    this.baseDescription = description;
    this.description = this.withCost(description);
    this.iconPath = statusIcon(view.status);
    this.contextValue = ContextValue.job(view.status, this.origin, view.artifactsUri !== undefined, view.warmPoolStatus === 'Available');
    this.tooltip = jobTooltip(view);
  }

  setCost(cost: JobCost): void {
    this.cost = cost;
    this.description = this.withCost(this.baseDescription || (typeof this.description === 'string' ? this.description : ''));
  }

  /** The figure right after the status, where a narrow view still shows it: `Completed · $12.34 · 5 min ago · …`. */
  private withCost(description: string): string {
    const figure = this.cost ? costSummary(this.cost) : undefined;
    if (!figure) return description;
    const [first, ...rest] = description.split(' · ');
    return [first, figure, ...rest].filter((p) => p !== undefined && p !== '').join(' · ');
  }
}

export class DetailNode extends vscode.TreeItem {
  constructor(
    label: string,
    readonly children: DetailNode[] = [],
    options: { description?: string; icon?: string; tooltip?: string; id?: string } = {},
  ) {
    super(label, children.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    if (options.description) this.description = options.description;
    if (options.icon) this.iconPath = new vscode.ThemeIcon(options.icon);
    if (options.tooltip) {
      this.tooltip = options.tooltip;
      // A string tooltip becomes the row's aria-label in VS Code's tree, which would drop the label
      // ("Instances", "Failure"): a screen reader reads the label and then the value.
      this.accessibilityInformation = { label: options.description ? `${label} ${options.description}` : `${label} ${options.tooltip}` };
    }
    if (options.id) this.id = options.id;
    this.contextValue = children.length ? ContextValue.group : ContextValue.detail;
  }
}

export class LoadMoreNode extends vscode.TreeItem {
  constructor(command: string) {
    super('Load more…', vscode.TreeItemCollapsibleState.None);
    this.id = 'loadMore';
    this.iconPath = new vscode.ThemeIcon('more');
    this.contextValue = ContextValue.loadMore;
    this.command = { command, title: 'Load more' };
  }
}

export class MessageNode extends vscode.TreeItem {
  constructor(message: string, icon = 'info', tooltip?: string) {
    super(message, vscode.TreeItemCollapsibleState.None);
    this.iconPath = new vscode.ThemeIcon(icon);
    this.contextValue = ContextValue.message;
    if (tooltip) this.tooltip = tooltip;
  }
}

export class LocalGroupNode extends vscode.TreeItem {
  constructor(count: number) {
    super('Local', vscode.TreeItemCollapsibleState.Expanded);
    this.id = 'local-group';
    this.description = `${count} job${count === 1 ? '' : 's'} on this machine`;
    this.iconPath = new vscode.ThemeIcon('vm');
    this.contextValue = ContextValue.group;
  }
}

/** A hyperparameter tuning job; its children are its trials (JobNodes), best objective first. */
export class TuningJobNode extends vscode.TreeItem {
  /** The trials' rows, kept across refreshes so an expanded trial keeps its details. */
  trials: JobNode[] = [];
  /** True once the trials were listed (DescribeHyperParameterTuningJob + every page of its trials). */
  detailed = false;
  /** A local tuning run's job file (the base of its Clone Best Trial). */
  jobFile: string | undefined;

  constructor(
    public view: TuningJobView,
    readonly origin: 'cloud' | 'local',
  ) {
    super(view.name, vscode.TreeItemCollapsibleState.Collapsed);
    this.id = `tuning:${origin}:${view.name}`;
    this.update(view);
  }

  update(view: TuningJobView): void {
    this.view = view;
    this.description = tuningDescriptionLine(view, new Date());
    this.iconPath = statusIcon(view.status);
    this.contextValue = ContextValue.tuning(view.status, this.origin, view.best !== undefined);
    const lines = [`**${md(view.name)}** (hyperparameter tuning job)`, '', `Status: **${md(view.status)}**`, `Trials: ${md(view.countsText)}`];
    if (view.strategy) lines.push(`Strategy: ${md(view.strategy)}${view.maxJobs !== undefined ? `, ${view.maxJobs} trials, ${view.maxParallelJobs ?? 1} at a time` : ''}`);
    if (view.objective) lines.push(`Objective: ${view.objective.type} ${md(view.objective.name)}${view.earlyStopping ? ' (early stopping on)' : ''}`);
    if (view.best) lines.push(`Best trial: ${md(view.best.name)}${view.best.objective !== undefined ? ` = ${view.best.objective}` : ''}`);
    if (view.failureReason) lines.push('', `Failure: ${md(view.failureReason)}`);
    const m = new vscode.MarkdownString(lines.join('  \n'));
    m.supportThemeIcons = false;
    this.tooltip = m;
  }
}

export type TreeNode = JobNode | TuningJobNode | DetailNode | LoadMoreNode | MessageNode | LocalGroupNode;

function md(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

function jobTooltip(v: TrainingJobView): vscode.MarkdownString {
  const lines = [`**${md(v.name)}**`, '', `Status: **${md(v.status)}**${v.secondaryStatus ? ` (${md(v.secondaryStatus)})` : ''}`];
  if (v.resources) lines.push(`Instances: ${md(v.resources)}`);
  if (v.createdAt) lines.push(`Created: ${v.createdAt.toISOString().replace('T', ' ').slice(0, 19)} UTC`);
  if (v.trainingSeconds !== undefined)
    lines.push(`Training time: ${formatDuration(v.trainingSeconds)}${v.billableSeconds !== undefined ? `; billable time ${formatDuration(v.billableSeconds)}` : ''}`);
  if (v.failureReason) lines.push('', `Failure: ${md(v.failureReason)}`);
  if (v.artifactsUri) lines.push('', `Model: \`${v.artifactsUri.replace(/`/g, '')}\``);
  const m = new vscode.MarkdownString(lines.join('  \n'));
  m.supportThemeIcons = false;
  return m;
}
