// The settings that decide where the Hugging Face token and signed AWS requests go are the user's alone
// (issue 14): the manifest gives them a scope no workspace can set, and Settings reads them through
// userLevelValue(), which ignores workspace values even if VS Code handed them over. The integration
// suite (workspaceSettings.test.ts) checks the same inside code-server, trusted and untrusted.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Setting } from '../../src/host/ids';
import { USER_LEVEL_SETTINGS, ignoredWorkspaceValueMessage, userLevelValue } from '../../src/host/userLevelSettings';
import { REPO_ROOT } from './repoRoot';

const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const properties: Record<string, { scope?: string; markdownDescription?: string }> = pkg.contributes.configuration.properties;

describe('user-level-only settings: the manifest', () => {
  it('are exactly the Hub endpoint, the inference endpoint, the AWS endpoints and the AWS profile', () => {
    assert.deepEqual([...USER_LEVEL_SETTINGS.keys()].sort(), [Setting.endpoints, Setting.profile, Setting.hubUrl, Setting.inferenceEndpointUrl].sort());
  });

  it('gives each a scope a workspace cannot set: machine for AWS, application where the token goes', () => {
    assert.equal(properties[Setting.endpoints]?.scope, 'machine');
    assert.equal(properties[Setting.profile]?.scope, 'machine');
    assert.equal(properties[Setting.hubUrl]?.scope, 'application');
    assert.equal(properties[Setting.inferenceEndpointUrl]?.scope, 'application');
  });

  it('restricts each in untrusted workspaces too, and says in its description that it is user-level only and why', () => {
    const restricted: string[] = pkg.capabilities.untrustedWorkspaces.restrictedConfigurations;
    for (const key of USER_LEVEL_SETTINGS.keys()) {
      assert.ok(restricted.includes(key), `${key} is in restrictedConfigurations`);
      const description = properties[key]?.markdownDescription ?? '';
      assert.match(description, /\*\*User (\(or Remote\) )?settings only\*\*/, key);
      assert.match(description, /\.vscode\/settings\.json` cannot set/, key);
    }
  });
});

describe('userLevelValue', () => {
  it("takes the user's value over the default, and the default when the user set none", () => {
    assert.deepEqual(userLevelValue({ defaultValue: '', globalValue: 'https://hub.example.com' }), { value: 'https://hub.example.com', ignored: [] });
    assert.deepEqual(userLevelValue({ defaultValue: '' }), { value: '', ignored: [] });
    assert.deepEqual(userLevelValue(undefined), { value: undefined, ignored: [] });
  });

  it('ignores a workspace or folder value, over the default and over the user value, and says where it was', () => {
    assert.deepEqual(userLevelValue({ defaultValue: '', workspaceValue: 'http://127.0.0.1:9' }), { value: '', ignored: ['workspace'] });
    assert.deepEqual(userLevelValue({ defaultValue: '', globalValue: 'https://hub.example.com', workspaceFolderValue: 'http://127.0.0.1:9' }), {
      value: 'https://hub.example.com',
      ignored: ['workspace folder'],
    });
    assert.deepEqual(userLevelValue({ defaultValue: '', workspaceValue: 'a', workspaceFolderValue: 'b' }), { value: '', ignored: ['workspace', 'workspace folder'] });
    // Language-specific workspace values are workspace values too.
    assert.deepEqual(userLevelValue({ defaultValue: '', workspaceLanguageValue: 'a', workspaceFolderLanguageValue: 'b' }), {
      value: '',
      ignored: ['workspace', 'workspace folder'],
    });
  });

  it('never merges a workspace object into the user object, as get() would', () => {
    const user = { sagemaker: 'http://127.0.0.1:5000' };
    const { value } = userLevelValue<Record<string, string>>({ defaultValue: {}, globalValue: user, workspaceValue: { s3: 'http://127.0.0.1:9' } });
    assert.deepEqual(value, user);
  });

  it('keeps a value the user set to an empty or falsy one (an explicit choice, not "unset")', () => {
    assert.equal(userLevelValue({ defaultValue: 'x', globalValue: '' }).value, '');
  });
});

describe('the log line for an ignored workspace value', () => {
  it('names the setting, where it was, why, and what to do, for each setting', () => {
    for (const key of USER_LEVEL_SETTINGS.keys()) {
      const line = ignoredWorkspaceValueMessage(key, ['workspace']);
      assert.match(line, new RegExp(`^ignored ${key.replace(/\./g, '\\.')} from the workspace settings: `));
      assert.match(line, /set it in your user settings/);
      assert.ok(line.includes(USER_LEVEL_SETTINGS.get(key)!), line);
    }
    assert.match(ignoredWorkspaceValueMessage(Setting.hubUrl, ['workspace', 'workspace folder']), /from the workspace settings and the workspace folder settings:/);
  });
});
