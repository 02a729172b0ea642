// One code-server + Chromium session for the end-to-end journey: the extension as users get it, the
// .vsix of `npm run package` installed with `code-server --install-extension` into the session's own
// extensions folder (not this checkout as a development extension, which is what
// test/integration/runInVsCode.mjs loads), and a Playwright page the journey drives like a user. The session itself is test/codeServer/workbenchSession.mjs;
// what is the journey's own is here: its quiet settings, its viewport, code-server at --log info, the
// CSP and script-dialog reporters in every frame, and no smoke-test driver.
//
// Unlike the integration runner, this one must NOT set developmentOptions.enableSmokeTestDriver: with
// it the workbench's dialog service refuses every modal ("DialogService: refused to show dialog in
// tests"), and the journey has to click Launch in one. code-server 4.100 honours `?payload=` without
// it; a VS Code that insists on it (≥ 1.139) would need the modal driven another way.
//
// Everything it starts lives in one temp folder and one process group, and goes on close(), on a
// signal, and when this process exits: code-server runs under coreutils' `timeout`, so even a SIGKILL
// of the journey cannot leave it behind for long.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WorkbenchSession, extensionId, workbenchSetupProblem } from '../codeServer/workbenchSession.mjs';

export { delay, extensionId, repoRoot } from '../codeServer/workbenchSession.mjs';

/** On top of the session's quiet settings: nothing the journey did not ask for appears on screen. */
const journeySettings = {
  'workbench.tips.enabled': false,
  'extensions.ignoreRecommendations': true,
  'files.autoSave': 'off',
  'git.enabled': false,
  'chat.commandCenter.enabled': false,
  'workbench.colorTheme': 'Default Dark Modern',
};

/** Why a session cannot start here, with what to do; undefined when it can. */
export function sessionPrerequisiteProblem() {
  return workbenchSetupProblem();
}

/**
 * @typedef {object} SessionOptions
 * @property {string} tmp a folder this session may fill (removed by the caller)
 * @property {string} workspace the folder to open
 * @property {Record<string, unknown>} settings user settings, on top of quiet defaults
 * @property {Record<string, unknown>} [remoteSettings] the Remote settings: where settings of scope
 *   `machine` / `machine-overridable` (sagemakerHf.aws.endpoints, local.pythonInterpreter) must go,
 *   since code-server's workbench is a remote window (see WorkbenchSession)
 * @property {Record<string, string>} env extra environment for code-server and so the extension host
 * @property {number} lifetimeSeconds code-server is killed after this long whatever happens
 * @property {{ width: number, height: number }} viewport
 * @property {string} vsix the packaged extension to install and run (test/e2e/steps/packagedExtension.mjs)
 */

/**
 * @param {SessionOptions} options
 */
export async function startVsCodeSession(options) {
  const session = new VsCodeSession(options);
  try {
    await session.start();
    return session;
  } catch (error) {
    await session.close();
    throw error;
  }
}

export class VsCodeSession extends WorkbenchSession {
  /** @param {SessionOptions} options */
  constructor(options) {
    super({
      root: options.tmp,
      smokeTestDriver: false, // see the top of this file
      settings: { ...journeySettings, ...options.settings },
      ...(options.remoteSettings ? { remoteSettings: options.remoteSettings } : {}),
      env: options.env,
      lifetimeSeconds: options.lifetimeSeconds,
      logLevel: 'info',
      healthTimeoutMs: 30_000,
      viewport: options.viewport,
      initScripts: [reportCspViolations, reportScriptDialogs],
    });
    this.workspace = options.workspace;
    this.vsix = options.vsix;
    /** Where code-server installed the extension, once start() has run. */
    this.extensionPath = '';
  }

  /** Installs the .vsix, then starts code-server and Chromium. */
  async start(/** @type {{ signal?: AbortSignal }} */ control = {}) {
    this.extensionPath = this.installExtension(this.vsix, extensionId);
    // The installed copy is the only one: nothing of this checkout may be in it.
    for (const forbidden of ['src', 'test', 'node_modules']) {
      if (fs.existsSync(path.join(this.extensionPath, forbidden))) throw new Error(`the installed extension ${this.extensionPath} holds ${forbidden}/`);
    }
    await super.start(control);
  }

  /** Opens the workbench and waits until it is interactive. */
  async open() {
    // No development extension: the workbench runs the installed one.
    await this.openWorkbench({ folder: this.workspace, extensionDevelopmentPaths: [] });
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await this.page.locator('.statusbar').waitFor({ timeout: 60_000 });
  }
}

/**
 * Runs in every frame, webview iframes included (an init script is not subject to the page's CSP).
 * Chromium prints "Refused to …" for most violations, but not for every kind; the event always fires.
 * VS Code writes a webview's page into its frame with document.open(), which erases every listener of
 * the document and its window: the listener goes back on after each open().
 */
function reportCspViolations() {
  const report = (event) => {
    console.error(
      `[e2e-csp] Content Security Policy violation in ${location.href}: ${event.violatedDirective} blocked ${event.blockedURI || '(inline)'} (${event.sourceFile || 'no source'}:${event.lineNumber})`,
    );
  };
  const listen = (doc) => doc.addEventListener('securitypolicyviolation', report);
  listen(document);
  const open = Document.prototype.open;
  Document.prototype.open = function (...args) {
    const opened = open.apply(this, args);
    listen(this);
    return opened;
  };
}

/**
 * Runs in every frame too. A webview's frames are sandboxed without `allow-modals`, so an injected
 * `alert(…)` that did run would open no dialog for Playwright to see: it is reported here instead,
 * before the browser ignores it.
 */
function reportScriptDialogs() {
  for (const name of ['alert', 'confirm', 'prompt', 'print']) {
    const original = window[name];
    if (typeof original !== 'function') continue;
    window[name] = function (...args) {
      console.error(`[e2e-dialog] ${name}(${args.map((a) => JSON.stringify(String(a))).join(', ')}) called in ${location.href}`);
      return original.apply(this, args);
    };
  }
}
