import * as vscode from 'vscode';
import { Cancelled } from '../host/commandRunner';
import type { Services } from '../host/services';

/**
 * Asks for a Hugging Face access token, checks it with whoAmI against the configured Hub, and
 * stores it in SecretStorage. The token is never echoed, logged or written to settings.
 */
export function setHubToken(services: Services) {
  return async (): Promise<void> => {
    const token = await vscode.window.showInputBox({
      title: 'Set Hugging Face Token',
      prompt: 'A Hugging Face access token with the "write" role (huggingface.co/settings/tokens). It is kept in the OS keychain through VS Code.',
      password: true,
      ignoreFocusOut: true,
      placeHolder: 'hf_…',
      validateInput: (v) => (v.trim().startsWith('hf_') ? undefined : 'Hugging Face tokens start with "hf_".'),
    });
    if (!token) throw new Cancelled();
    // Loaded on first use: the Hub client is not needed to activate the extension.
    const { hubWhoAmI } = require('../hub/hubAccount') as typeof import('../hub/hubAccount');
    const account = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Checking the token with the Hugging Face Hub…' }, () =>
      hubWhoAmI({ accessToken: token.trim(), hubUrl: services.settings.hubUrl }),
    );
    await services.hub.store(token.trim());
    services.log.for('hub').info(`token stored for ${account.name} (role ${account.tokenRole ?? 'unknown'})`);
    const orgs = account.orgs.length ? ` (organizations: ${account.orgs.join(', ')})` : '';
    const warn = account.tokenRole && account.tokenRole !== 'write' ? ` This token's role is "${account.tokenRole}": pushing needs "write".` : '';
    void vscode.window.showInformationMessage(`Hugging Face token stored for ${account.name}${orgs}.${warn}`);
  };
}

export function clearHubToken(services: Services) {
  return async (): Promise<void> => {
    await services.hub.clear();
    void vscode.window.showInformationMessage("Hugging Face token removed from this machine's keychain.");
  };
}
