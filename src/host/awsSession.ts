import * as vscode from 'vscode';
import { AwsClients } from '../aws/awsClients';
import type { AwsEndpoints } from '../aws/awsClients';
import { Setting } from './ids';
import type { Settings } from './settings';

/**
 * The AWS side of the extension: clients built from the settings (region, profile, endpoint
 * overrides) and the environment (AWS_ENDPOINT_URL_*), rebuilt when those settings change. The
 * adapters are required on first use so that activation never loads an AWS SDK.
 */
export class AwsSession implements vscode.Disposable {
  private current: AwsClients | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when region, profile or endpoints change: views reload. */
  readonly onDidChange = this.changed.event;
  private readonly watcher: vscode.Disposable;

  constructor(
    private readonly settings: Settings,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.watcher = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(Setting.region) || e.affectsConfiguration(Setting.profile) || e.affectsConfiguration(Setting.endpoints)) {
        this.current?.destroy();
        this.current = undefined;
        this.changed.fire();
      }
    });
  }

  /** Clients for the configured region, or for `region` (a job file's) when given. */
  clients(region?: string): AwsClients {
    const base = this.connection();
    if (region && region !== base.region) return new AwsClients({ ...base, region });
    this.current ??= new AwsClients(base);
    return this.current;
  }

  private connection(): ConstructorParameters<typeof AwsClients>[0] & object {
    const endpoints: AwsEndpoints = { ...AwsClients.endpointsFromEnv(this.env), ...this.settings.endpoints };
    return {
      ...(this.settings.region ? { region: this.settings.region } : {}),
      ...(this.settings.profile ? { profile: this.settings.profile } : {}),
      ...(Object.keys(endpoints).length ? { endpoints } : {}),
    };
  }

  /** The named profile whose credentials sign requests: the user setting, else AWS_PROFILE. */
  profileName(): string | undefined {
    return this.settings.profile ?? (this.env['AWS_PROFILE'] || undefined);
  }

  /** Where the view says it looks: "us-east-1 · profile dev". */
  async describe(): Promise<string> {
    const region = await this.clients()
      .region()
      .catch(() => 'no region');
    return [region, this.settings.profile ? `profile ${this.settings.profile}` : undefined].filter(Boolean).join(' · ');
  }

  jobs(): typeof import('../aws/trainingJobs') {
    return require('../aws/trainingJobs') as typeof import('../aws/trainingJobs');
  }

  tuning(): typeof import('../aws/tuningJobs') {
    return require('../aws/tuningJobs') as typeof import('../aws/tuningJobs');
  }

  costs(): typeof import('../aws/cost/jobCosts') {
    return require('../aws/cost/jobCosts') as typeof import('../aws/cost/jobCosts');
  }

  logTail(): typeof import('../aws/logTail') {
    return require('../aws/logTail') as typeof import('../aws/logTail');
  }

  dispose(): void {
    this.watcher.dispose();
    this.changed.dispose();
    this.current?.destroy();
  }
}
