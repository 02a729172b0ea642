// The Model Card panel's Hub account: whether a token is set and where from, whose it is (whoAmI against the
// configured Hub), the namespaces it can push to, and the way to set one. The token itself never reaches
// the page: only its source, the account name and a problem in words.

import * as vscode from 'vscode';
import type { HubSession } from '../../host/hubSession';
import { CommandId } from '../../host/ids';
import type { Settings } from '../../host/settings';
import type { HostMessage, TokenStatus } from '../protocol';
import type { PanelPort } from './panelPort';

/** The title of the Set Token command (package.json), as notifications offer it. */
export const SET_TOKEN_ACTION = 'Set Hugging Face Token';

export interface HubAccountDeps {
  port: PanelPort;
  hub: HubSession;
  settings: Settings;
  /** The namespaces the token can push to (its user, then its organizations); posts the push defaults. */
  showNamespaces(namespaces: string[]): void;
}

export class HubAccountStatus {
  private status: TokenStatus = { set: false };

  constructor(private readonly deps: HubAccountDeps) {}

  snapshot(): HostMessage[] {
    return [{ type: 'tokenStatus', status: this.status }];
  }

  /** Reads the token and asks the Hub whose it is; the page gets the status, then the push defaults. */
  async refresh(): Promise<void> {
    const { port, settings } = this.deps;
    const token = await this.deps.hub.token();
    let status: TokenStatus = { set: false };
    let namespaces: string[] = [];
    if (token) {
      status = { set: true, source: token.source };
      try {
        const { hubWhoAmI } = require('../../hub/hubAccount') as typeof import('../../hub/hubAccount');
        const account = await hubWhoAmI({ accessToken: token.token, ...(settings.hubUrl ? { hubUrl: settings.hubUrl } : {}) });
        status.account = account.name;
        namespaces = [account.name, ...account.orgs];
        if (account.tokenRole && account.tokenRole !== 'write' && account.tokenRole !== 'fineGrained') {
          status.problem = `This token's role is "${account.tokenRole}": pushing needs a token with the "write" role.`;
        }
      } catch (err) {
        // Hub errors are redacted; the token never reaches the page.
        status.problem = err instanceof Error ? err.message : String(err);
      }
    }
    if (port.closed) return;
    this.status = status;
    port.post({ type: 'tokenStatus', status });
    this.deps.showNamespaces(namespaces);
  }

  /** Runs Set Token (which asks for the token and checks it), then shows the account it belongs to. */
  async setToken(): Promise<void> {
    await vscode.commands.executeCommand(CommandId.setHubToken);
    await this.refresh();
  }

  /** A notification with `message` that offers Set Token. */
  offerSetToken(message: string): void {
    void vscode.window.showWarningMessage(message, SET_TOKEN_ACTION).then(async (choice) => {
      if (choice === SET_TOKEN_ACTION) await this.setToken();
    });
  }
}
