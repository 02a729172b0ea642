import type * as vscode from 'vscode';
import { StorageKey } from './ids';
import { resolveHubToken } from '../hub/hubToken';
import type { HubToken } from '../hub/hubToken';

const SECRET_KEY = StorageKey.hubToken;

/**
 * The Hugging Face token: kept in VS Code's SecretStorage (the OS keychain), never in settings,
 * logs or files; HF_TOKEN from the environment is honoured when nothing is stored.
 */
export class HubSession {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  async token(): Promise<HubToken | undefined> {
    return resolveHubToken({ stored: await this.secrets.get(SECRET_KEY), env: this.env });
  }

  store(token: string): Thenable<void> {
    return this.secrets.store(SECRET_KEY, token);
  }

  clear(): Thenable<void> {
    return this.secrets.delete(SECRET_KEY);
  }
}
