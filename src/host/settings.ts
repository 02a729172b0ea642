import * as vscode from 'vscode';
import type { AwsEndpoints } from '../aws/awsClients';
import type { HubTransfer } from '../hub/pushModelFolder';
import { Setting } from './ids';
import type { ComponentLog } from './log';
import { ignoredWorkspaceValueMessage, userLevelValue } from './userLevelSettings';

/**
 * Typed access to the extension's settings: one getter per setting. The settings that decide where
 * the Hugging Face token and signed AWS requests go are read from the user's settings only (see
 * userLevelSettings.ts): a repository's .vscode/settings.json never redirects them.
 */
export class Settings {
  /** User-level-only settings whose ignored workspace value was already logged (once per session). */
  private readonly warned = new Set<Setting>();

  constructor(private readonly log?: ComponentLog) {}

  private get<T>(key: Setting, fallback: T): T {
    const [section, ...rest] = key.split('.');
    return vscode.workspace.getConfiguration(section).get<T>(rest.join('.'), fallback);
  }

  /** A user-level-only setting: user (or remote) settings, else the default; a workspace value is ignored and logged once. */
  private userLevel<T>(key: Setting, fallback: T): T {
    const [section, ...rest] = key.split('.');
    const { value, ignored } = userLevelValue(vscode.workspace.getConfiguration(section).inspect<T>(rest.join('.')));
    if (ignored.length > 0 && !this.warned.has(key)) {
      this.warned.add(key);
      this.log?.warn(ignoredWorkspaceValueMessage(key, ignored));
    }
    return value ?? fallback;
  }

  get validationDelayMs(): number {
    return Math.max(0, this.get(Setting.validationDelayMs, 250));
  }

  get region(): string | undefined {
    return this.get<string>(Setting.region, '') || undefined;
  }

  /** The named AWS profile; user settings only. */
  get profile(): string | undefined {
    return str(this.userLevel<unknown>(Setting.profile, '')) || undefined;
  }

  /** The Hugging Face Hub to talk to (the token goes there); user settings only; undefined means huggingface.co. */
  get hubUrl(): string | undefined {
    return str(this.userLevel<unknown>(Setting.hubUrl, '')).replace(/\/+$/, '') || undefined;
  }

  /** The dedicated endpoint of the Model Card's inference test (the token goes there); user settings only. */
  get inferenceEndpointUrl(): string | undefined {
    return str(this.userLevel<unknown>(Setting.inferenceEndpointUrl, '')) || undefined;
  }

  /** How Push to Hub sends large files; anything but "xet" is plain LFS. */
  get hubUploadTransfer(): HubTransfer {
    return this.get<string>(Setting.hubUploadTransfer, 'lfs') === 'xet' ? 'xet' : 'lfs';
  }

  /** Endpoint overrides per AWS service (LocalStack, moto, VPC endpoints); user settings only. */
  get endpoints(): AwsEndpoints {
    const value = this.userLevel<unknown>(Setting.endpoints, {});
    const raw = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
    const out: AwsEndpoints = {};
    for (const key of ['sagemaker', 's3', 'logs', 'cloudwatch', 'sts', 'iam', 'serviceQuotas', 'pricing'] as const) {
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

  /** Where local jobs' folders go: absolute, or relative to the first workspace folder; undefined for the default. */
  get localRoot(): string | undefined {
    return str(this.get<unknown>(Setting.localRoot, '')) || undefined;
  }

  /** The Python interpreter a local run starts. */
  get localInterpreter(): string {
    return str(this.get<unknown>(Setting.localInterpreter, 'python3')) || 'python3';
  }

  /** Whether a local run pip-installs the source folder's requirements.txt: ask first, always, or never. */
  get localInstallRequirements(): 'ask' | 'always' | 'never' {
    const value = this.get<unknown>(Setting.localInstallRequirements, 'ask');
    return value === 'always' || value === 'never' ? value : 'ask';
  }

  static affects(e: vscode.ConfigurationChangeEvent, ...keys: Setting[]): boolean {
    return keys.some((k) => e.affectsConfiguration(k));
  }
}

/** A string setting's value trimmed; anything else a hand-edited settings.json may hold counts as unset. */
function str(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}
