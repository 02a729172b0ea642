import * as vscode from 'vscode';
import type { AwsEndpoints } from '../aws/awsClients';
import type { HubTransfer } from '../hub/pushModelFolder';
import { Setting } from './ids';

/** Typed access to the extension's settings: one getter per setting. */
export class Settings {
  private get<T>(key: Setting, fallback: T): T {
    const [section, ...rest] = key.split('.');
    return vscode.workspace.getConfiguration(section).get<T>(rest.join('.'), fallback);
  }

  get validationDelayMs(): number {
    return Math.max(0, this.get(Setting.validationDelayMs, 250));
  }

  get region(): string | undefined {
    return this.get<string>(Setting.region, '') || undefined;
  }

  get profile(): string | undefined {
    return this.get<string>(Setting.profile, '') || undefined;
  }

  /** The Hugging Face Hub to talk to; undefined means huggingface.co. */
  get hubUrl(): string | undefined {
    return this.get<string>(Setting.hubUrl, '').replace(/\/+$/, '') || undefined;
  }

  /** How Push to Hub sends large files; anything but "xet" is plain LFS. */
  get hubUploadTransfer(): HubTransfer {
    return this.get<string>(Setting.hubUploadTransfer, 'lfs') === 'xet' ? 'xet' : 'lfs';
  }

  /** Endpoint overrides per AWS service (LocalStack, moto, VPC endpoints). */
  get endpoints(): AwsEndpoints {
    const raw = this.get<Record<string, unknown>>(Setting.endpoints, {});
    const out: AwsEndpoints = {};
    for (const key of ['sagemaker', 's3', 'logs', 'sts', 'iam', 'serviceQuotas', 'pricing'] as const) {
      const v = raw[key];
      if (typeof v === 'string' && v.trim()) out[key] = v.trim();
    }
    return out;
  }

  get jobsPageSize(): number {
    return Math.min(100, Math.max(1, Math.round(this.get(Setting.jobsPageSize, 20))));
  }

  get jobsRefreshSeconds(): number {
    return Math.max(2, this.get(Setting.jobsRefreshSeconds, 15));
  }

  /** Lines of history shown when attaching to a running job's logs; 0 for all. */
  get logsHistoryLines(): number {
    return Math.max(0, Math.round(this.get(Setting.logsHistoryLines, 1000)));
  }

  /** Show the exact request and ask before launching. */
  get showLaunchPreview(): boolean {
    return this.get(Setting.showLaunchPreview, true);
  }

  static affects(e: vscode.ConfigurationChangeEvent, ...keys: Setting[]): boolean {
    return keys.some((k) => e.affectsConfiguration(k));
  }
}
