/**
 * What the failure triage (core/diagnosis) needs of a local job: its job.json, the last lines of
 * each host's log file and where its code came from (source_dir, and each host's code folder, which
 * the host's traceback frames name).
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';

import type { DiagnosisJob } from '../core/diagnosis/classify';
import { DIAGNOSIS_LINES_PER_HOST } from '../core/diagnosis/diagnoseJob';
import type { HostLog } from '../core/diagnosis/traceback';
import { readLocalJob } from './localJobRecord';

export interface LocalDiagnosisInput {
  job: DiagnosisJob;
  logs: HostLog[];
  sourceDir: string;
  codeRoots: string[];
}

/** A local job's job.json and its hosts' log files (their last lines); undefined when there is no such job. */
export async function readLocalDiagnosisInput(root: string, jobName: string): Promise<LocalDiagnosisInput | undefined> {
  if (jobName.includes('/') || jobName.includes('\\') || jobName === '..' || jobName === '.') return undefined;
  const record = await readLocalJob(path.join(root, jobName));
  if (!record) return undefined;
  const logs: HostLog[] = [];
  for (const host of record.Local.hosts) {
    const file = record.Local.logFiles[host];
    let text = '';
    if (file) {
      try {
        text = await readFile(file, 'utf8');
      } catch {
        text = ''; // a host that never started has no log
      }
    }
    const lines = text.replace(/\n$/, '').split('\n');
    logs.push({ host, lines: (text === '' ? [] : lines.slice(-DIAGNOSIS_LINES_PER_HOST)).map((message) => ({ message })) });
  }
  return {
    job: record,
    logs,
    sourceDir: record.Local.sourceDir,
    codeRoots: record.Local.hosts.map((h) => path.join(record.Local.folder, h, 'opt', 'ml', 'code').split(path.sep).join('/')),
  };
}
