import * as path from 'path';
import * as vscode from 'vscode';
import { trainingJobViewFromDescription } from '../core/jobs/trainingJobView';
import type { TrainingJobView } from '../core/jobs/trainingJobView';
import type { TrainingJobDescription } from '../core/jobs/trainingJobDescription';
import type { LocalJob } from '../local/localJob';
import type { LocalJobRecord } from '../local/localJobRecord';
import type { LocalTuning } from '../local/localTuning';
import type { LocalTuningRecord } from '../local/localTuningRecord';
import type { Settings } from './settings';

/**
 * Jobs run on this machine by the local backend: the ones running now (their handles, for Stop)
 * and every job folder under the local root (their job.json, for the tree, logs and model card).
 */
export class LocalJobs implements vscode.Disposable {
  private readonly running = new Map<string, LocalJob>();
  private readonly runningTunings = new Map<string, LocalTuning>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly settings: Settings) {}

  /** `<first workspace folder>/.sagemaker-local`, or the local root setting (relative to that folder unless absolute). */
  root(): string | undefined {
    const configured = this.settings.localRoot;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (configured) return path.isAbsolute(configured) || !folder ? configured : path.join(folder, configured);
    return folder ? path.join(folder, '.sagemaker-local') : undefined;
  }

  track(job: LocalJob): void {
    this.running.set(job.jobName, job);
    void job.completion.finally(() => {
      this.running.delete(job.jobName);
      this.changed.fire();
    });
    this.changed.fire();
  }

  notifyChanged(): void {
    this.changed.fire();
  }

  isRunning(name: string): boolean {
    return this.running.has(name);
  }

  async stop(name: string): Promise<void> {
    const job = this.running.get(name);
    if (!job) throw new Error(`The local job ${name} is not running in this window.`);
    await job.stop();
  }

  async records(): Promise<LocalJobRecord[]> {
    const root = this.root();
    if (!root) return [];
    const { listLocalJobs } = require('../local/localJobRecord') as typeof import('../local/localJobRecord');
    return listLocalJobs(root);
  }

  async record(name: string): Promise<LocalJobRecord | undefined> {
    return (await this.records()).find((r) => r.TrainingJobName === name);
  }

  async list(): Promise<TrainingJobView[]> {
    const now = new Date();
    // listLocalJobs already reports a job whose runner died mid-run as ended, so records can be shown as they are.
    return (await this.records()).map((r) => trainingJobViewFromDescription(asDescription(r), now));
  }

  /** A local tuning job running in this window (its trials are tracked as they start, through its records). */
  trackTuning(tuning: LocalTuning): void {
    this.runningTunings.set(tuning.name, tuning);
    void tuning.completion.finally(() => {
      this.runningTunings.delete(tuning.name);
      this.changed.fire();
    });
    this.changed.fire();
  }

  isTuningRunning(name: string): boolean {
    return this.runningTunings.has(name);
  }

  /** Stops every running trial of a local tuning job and starts no more. */
  async stopTuning(name: string): Promise<void> {
    const tuning = this.runningTunings.get(name);
    if (!tuning) throw new Error(`The local tuning job ${name} is not running in this window.`);
    await tuning.stop();
  }

  /** Every local tuning job under the local root (tuning.json), newest first. */
  async tuningRecords(): Promise<LocalTuningRecord[]> {
    const root = this.root();
    if (!root) return [];
    const { listLocalTuningJobs } = require('../local/localTuningRecord') as typeof import('../local/localTuningRecord');
    return listLocalTuningJobs(root);
  }

  dispose(): void {
    for (const job of this.running.values()) void job.stop();
    for (const tuning of this.runningTunings.values()) void tuning.stop();
    this.runningTunings.clear();
    this.running.clear();
    this.changed.dispose();
  }
}

/** job.json has DescribeTrainingJob's shape with ISO strings for times (local/localJobRecord.ts reads it as one, for the CLI too). */
export function asDescription(r: LocalJobRecord): TrainingJobDescription {
  const { localJobDescription } = require('../local/localJobRecord') as typeof import('../local/localJobRecord');
  return localJobDescription(r);
}
