/**
 * The failure triage of a job as the editor does it: what core/diagnosis needs, gathered from the
 * AWS session (DescribeTrainingJob and every host's CloudWatch lines) or from a local job's folder,
 * and the workspace's source_dir found for the job's frames. Used by Show Diagnosis, the end-of-job
 * notification and the log channels' traceback links; the job dashboard can call
 * `diagnoseTrainingJob` and render the same `Diagnosis`.
 */
import { existsSync, promises as fs } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { DiagnosisJob } from '../core/diagnosis/classify';
import type { Diagnosis } from '../core/diagnosis/diagnoseJob';
import { pathInCodeDir } from '../core/diagnosis/frameMapping';
import type { SourceMapping } from '../core/diagnosis/frameMapping';
import type { HostLog } from '../core/diagnosis/traceback';
import type { TrainingJobDescription } from '../core/jobs/trainingJobDescription';
import type { Services } from './services';

export interface DiagnosisSources {
  services: Services;
  /** DescribeTrainingJob of a cloud job (the tree's cached answer when it has one). */
  describe(name: string): Promise<TrainingJobDescription>;
}

/** Diagnoses a cloud or local job by name; frames map to absolute workspace paths. */
export async function diagnoseTrainingJob(sources: DiagnosisSources, name: string, origin: 'cloud' | 'local'): Promise<Diagnosis> {
  // Required on first use: the classifier and the catalog it reads stay out of activation.
  const { DIAGNOSIS_LINES_PER_HOST, diagnoseJob, hostLogsFromLines, jobFailed } = require('../core/diagnosis/diagnoseJob') as typeof import('../core/diagnosis/diagnoseJob');
  let job: DiagnosisJob;
  let logs: HostLog[] = [];
  let mapping: SourceMapping | undefined;
  if (origin === 'local') {
    const root = sources.services.local.root();
    const { readLocalDiagnosisInput } = require('../local/localDiagnosis') as typeof import('../local/localDiagnosis');
    const input = root ? await readLocalDiagnosisInput(root, name) : undefined;
    if (!input) throw new Error(`The local job ${name} has no job folder under ${root ?? 'the local jobs folder'} any more.`);
    job = input.job;
    logs = input.logs;
    mapping = { sourceDir: input.sourceDir, codeRoots: input.codeRoots, exists: existsSync };
  } else {
    job = await sources.describe(name);
    if (jobFailed(job)) {
      const { aws } = sources.services;
      const { tailTrainingJobLogs } = aws.logTail();
      const { RecentLines } = require('../core/logs/jobEndSummary') as typeof import('../core/logs/jobEndSummary');
      const recent = new RecentLines(DIAGNOSIS_LINES_PER_HOST);
      await tailTrainingJobLogs({ clients: aws.clients(), jobName: name, follow: false, onLines: (lines) => recent.add(lines) });
      logs = hostLogsFromLines(recent.lines());
      mapping = await workspaceSourceMapping(job);
    }
  }
  return diagnoseJob({ job, logs, ...(mapping ? { source: mapping } : {}) });
}

interface WorkspaceJobFile {
  sourceDir: string;
  dependencies: string[];
  entryPoint?: string;
}

/** The source_dir (and dependencies) of every job file in the workspace whose code is on this disk. */
async function workspaceJobFiles(): Promise<WorkspaceJobFile[]> {
  const files = await vscode.workspace.findFiles('**/*.sagemaker.{yaml,yml}', '**/{node_modules,.git,.sagemaker-local}/**', 200);
  const { parse } = require('yaml') as typeof import('yaml');
  const out: WorkspaceJobFile[] = [];
  for (const uri of files) {
    if (uri.scheme !== 'file') continue;
    let data: unknown;
    try {
      data = parse(await fs.readFile(uri.fsPath, 'utf8'));
    } catch {
      continue; // a job file that does not parse says nothing about where code is
    }
    if (typeof data !== 'object' || data === null) continue;
    const spec = data as { source_dir?: unknown; dependencies?: unknown; entry_point?: unknown; git_config?: unknown };
    if (spec.git_config !== undefined) continue; // its clone is gone after the launch
    const base = path.dirname(uri.fsPath);
    const sourceDir = typeof spec.source_dir === 'string' ? spec.source_dir : '.';
    if (sourceDir.startsWith('s3://')) continue;
    out.push({
      sourceDir: path.resolve(base, sourceDir),
      dependencies: Array.isArray(spec.dependencies) ? spec.dependencies.filter((d): d is string => typeof d === 'string').map((d) => path.resolve(base, d)) : [],
      ...(typeof spec.entry_point === 'string' ? { entryPoint: spec.entry_point } : {}),
    });
  }
  return out;
}

/**
 * Where a cloud job's code is in the workspace: the job file whose source_dir holds the job's entry
 * point (sagemaker_program), else the first workspace folder; frames map only to files that exist.
 */
export async function workspaceSourceMapping(job: Pick<DiagnosisJob, 'HyperParameters'>): Promise<SourceMapping | undefined> {
  let entry = job.HyperParameters?.['sagemaker_program'];
  try {
    entry = entry !== undefined ? String(JSON.parse(entry)) : undefined;
  } catch {
    // sent without JSON encoding: the raw value
  }
  for (const file of await workspaceJobFiles()) {
    if (entry && existsSync(path.join(file.sourceDir, entry))) return { sourceDir: file.sourceDir, dependencies: file.dependencies, exists: existsSync };
  }
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
  return folder ? { sourceDir: folder.uri.fsPath, exists: existsSync } : undefined;
}

/**
 * The workspace file a traceback frame's file came from, for the log channels' links: a local job's
 * code folder maps to its job's source_dir; /opt/ml/code (or a bare relative name) to the source_dir
 * of a workspace job file that has the file, else to the one file of that path in the workspace.
 */
export async function locateFrameFile(file: string, localRoot: string | undefined): Promise<vscode.Uri | undefined> {
  const normalized = file.replace(/\\/g, '/');
  if (localRoot) {
    const root = localRoot.replace(/\\/g, '/').replace(/\/+$/, '');
    const m = new RegExp(`^${escapeRegExp(root)}/([^/]+)/(algo-\\d+)/opt/ml/code/(.+)$`).exec(normalized);
    if (m) {
      const { readLocalJob } = require('../local/localJobRecord') as typeof import('../local/localJobRecord');
      const record = await readLocalJob(path.join(localRoot, m[1]!));
      const inCode = pathInCodeDir(`/opt/ml/code/${m[3]!}`);
      if (record && inCode) {
        const candidate = path.join(record.Local.sourceDir, inCode);
        if (existsSync(candidate)) return vscode.Uri.file(candidate);
      }
      return undefined;
    }
  }
  const inCode = pathInCodeDir(normalized);
  if (!inCode) return undefined;
  for (const jobFile of await workspaceJobFiles()) {
    const candidate = path.join(jobFile.sourceDir, inCode);
    if (existsSync(candidate)) return vscode.Uri.file(candidate);
  }
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) return undefined;
  const found = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, `**/${inCode}`), '**/{node_modules,.git,.sagemaker-local}/**', 2);
  return found.length === 1 ? found[0] : undefined;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
