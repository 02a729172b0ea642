import * as vscode from 'vscode';
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

  static affects(e: vscode.ConfigurationChangeEvent, ...keys: Setting[]): boolean {
    return keys.some((k) => e.affectsConfiguration(k));
  }
}
