// The Hub's repository id rule (src/core/hubRepoId.ts), as huggingface_hub's validate_repo_id has it:
// one table for every place an id is typed or read (push form and host, Push to Hub, the CLI's push
// and card --repo-id, the inference model, the card's links, base_model and datasets).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hubRepoIdProblem, isHubRepoId, repoIdProblem, toHubRepoName } from '../../src/core/hubRepoId';

/** id, accepted with a namespace required, accepted with it optional, what the refusal says. */
const TABLE: Array<[string, boolean, boolean, RegExp?]> = [
  ['alice/bart-large-cnn-samsum', true, true],
  ['acme-org/model.v2_final', true, true],
  ['Foo-BAR_foo.bar123/x', true, true],
  ['alice/123', true, true],
  // "_" may start and end a part (validate_repo_id's \b accepts it); "-" and "." may not.
  ['_private/_model_', true, true],
  ['alice/' + 'n'.repeat(96), true, true],
  ['gpt2', false, true, /NAMESPACE\/NAME/],
  ['samsum', false, true, /NAMESPACE\/NAME/],
  ['', false, false, /repository name/],
  ['alice/', false, false, /Enter a repository name/],
  ['/model', false, false, /Choose a namespace/],
  ['a/b/c', false, false, /one "\/"/],
  ['datasets/foo/bar', false, false, /one "\/"/],
  ['alice/a--b', false, false, /"--" and "\.\."/],
  ['alice/a..b', false, false, /"--" and "\.\."/],
  ['alice/-a', false, false, /start and end/],
  ['alice/a.', false, false, /start and end/],
  ['alice/a-', false, false, /start and end/],
  ['.repo_id', false, false, /start and end/],
  ['al ice/x', false, false, /" " is not allowed/],
  ['alice/<script>', false, false, /"<" is not allowed/],
  ['evil](javascript:x)', false, false, /not allowed/],
  ['alice/model.git', false, false, /\.git/],
  ['model.git', false, false, /\.git/],
  ['alice/' + 'n'.repeat(97), false, false, /97 characters, at most 96/],
  ['alice/bärt', false, false, /"ä" is not allowed/],
];

describe('the Hub repository id rule', () => {
  for (const [id, required, optional, says] of TABLE) {
    it(`${JSON.stringify(id.length > 40 ? `${id.slice(0, 40)}…` : id)}: ${required ? 'a full id' : optional ? 'a bare name' : 'refused'}`, () => {
      assert.equal(isHubRepoId(id, { namespace: 'required' }), required);
      assert.equal(isHubRepoId(id, { namespace: 'optional' }), optional);
      const problem = hubRepoIdProblem(id, { namespace: optional ? 'required' : 'optional' });
      if (says) assert.match(problem ?? '', says);
    });
  }

  it('the form checks namespace and name apart, with the same rule', () => {
    assert.equal(repoIdProblem('alice', 'bart-large-cnn-samsum'), undefined);
    assert.match(repoIdProblem('', 'x') ?? '', /Choose a namespace/);
    // A namespace of blanks is a missing one, not a bad one; with both missing, the namespace is asked for first.
    assert.equal(repoIdProblem('  ', 'x'), 'Choose a namespace: your user name or one of your organisations.');
    assert.equal(repoIdProblem('', ''), 'Choose a namespace: your user name or one of your organisations.');
    assert.equal(repoIdProblem('alice', ''), 'Enter a repository name.');
    assert.match(repoIdProblem('alice', ' ') ?? '', /Enter a repository name/);
    assert.match(repoIdProblem('alice', 'a/b') ?? '', /The name "a\/b" is not valid on the Hub: "\/" is not allowed/);
    assert.match(repoIdProblem('al ice', 'x') ?? '', /The namespace "al ice"/);
    for (const [id, required] of TABLE) {
      const parts = id.split('/');
      if (parts.length === 2) assert.equal(repoIdProblem(parts[0]!, parts[1]!) === undefined, required, id);
    }
  });

  it('a bare name read where a namespace is optional is refused in full words', () => {
    assert.equal(
      hubRepoIdProblem('bart large', { namespace: 'optional' }),
      'The name "bart large" is not valid on the Hub: " " is not allowed (use letters, digits, "-", "_" and ".").',
    );
    assert.equal(
      hubRepoIdProblem('-gpt2', { namespace: 'optional' }),
      'The name "-gpt2" is not valid on the Hub: it must start and end with a letter, a digit or "_", not "-" or ".".',
    );
  });

  it('makes any text into a valid name, or nothing', () => {
    const table: Array<[string, string]> = [
      ['bart-large-cnn-samsum', 'bart-large-cnn-samsum'],
      ['facebook bart / samsum!', 'facebook-bart-samsum'],
      ['--a..b--', 'a.b'],
      ['a--b', 'a-b'],
      ['bart - samsum', 'bart-samsum'],
      // Mixed runs of "-", "." and "_" at either end go whole.
      ['(.model', 'model'],
      ['_-.model', 'model'],
      ['summary v2.!', 'summary-v2'],
      ['model._-', 'model'],
      ['_x_', 'x'],
      ['model.git', 'model'],
      ['model.git.git', 'model'],
      ['n'.repeat(120), 'n'.repeat(96)],
      [`${'n'.repeat(95)}-x`, 'n'.repeat(95)],
      ['<script>', 'script'],
      ['!!!', ''],
      ['ümlaut', 'mlaut'],
    ];
    for (const [text, name] of table) {
      assert.equal(toHubRepoName(text), name, text);
      if (name) assert.equal(repoIdProblem('alice', name), undefined, name);
    }
  });
});
