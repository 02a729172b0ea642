// The CLI's usage text and its command table say the same thing: every command the table runs is in
// the usage, every command the usage names runs, and each module the table requires exists.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMANDS, runCli } from '../../src/cli';

async function usage(): Promise<string> {
  let out = '';
  const code = await runCli(['--help'], { stdout: (t) => (out += t), stderr: () => undefined, cwd: process.cwd(), env: {} });
  assert.equal(code, 0);
  return out;
}

/** The commands the usage lists: a line indented by two spaces that starts with a lower-case word. */
function commandsIn(text: string): string[] {
  return [...new Set([...text.matchAll(/^ {2}([a-z][a-z-]*)(?= |$)/gm)].map((m) => m[1]!))].sort();
}

describe('sagemaker-hf usage', () => {
  it('names exactly the commands of the table', async () => {
    const listed = commandsIn(await usage());
    assert.ok(listed.length >= 10, `the usage parser found only ${listed.join(', ')}`);
    assert.deepEqual(listed, Object.keys(COMMANDS).sort());
  });

  it('loads a function for every command of the table', () => {
    for (const [name, load] of Object.entries(COMMANDS)) assert.equal(typeof load(), 'function', name);
  });

  it('says an unknown command is unknown, with the usage', async () => {
    let err = '';
    assert.equal(await runCli(['lanch'], { stdout: () => undefined, stderr: (t) => (err += t), cwd: process.cwd(), env: {} }), 2);
    assert.match(err, /unknown command 'lanch'/);
    assert.deepEqual(commandsIn(err), Object.keys(COMMANDS).sort());
  });
});
