// One composition: the services are built in extension.ts only, settings are read through Settings only,
// and the VS Code side spells no `sagemakerHf.` key outside host/ids.ts. The sources are parsed with
// TypeScript's own parser, so comments (which may quote package.json) are told apart from code.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { Setting, WebviewType } from '../../src/host/ids';
import { REPO_ROOT } from './repoRoot';

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(REPO_ROOT, dir))) {
    const rel = path.posix.join(dir, name);
    if (statSync(path.join(REPO_ROOT, rel)).isDirectory()) out.push(...sources(rel));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

const parsed = new Map<string, ts.SourceFile>();
function parse(file: string): ts.SourceFile {
  let sf = parsed.get(file);
  if (!sf) parsed.set(file, (sf = ts.createSourceFile(file, readFileSync(path.join(REPO_ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true)));
  return sf;
}

function visit(node: ts.Node, fn: (n: ts.Node) => void): void {
  fn(node);
  node.forEachChild((c) => visit(c, fn));
}

function where(sf: ts.SourceFile, node: ts.Node): string {
  return `${sf.fileName}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`;
}

/** Every place in `files` where `match` holds, as file:line. */
function findings(files: string[], match: (n: ts.Node) => boolean): string[] {
  return files.flatMap((file) => {
    const sf = parse(file);
    const found: string[] = [];
    visit(sf, (n) => {
      if (match(n)) found.push(where(sf, n));
    });
    return found;
  });
}

/** String text in code: literals and the fixed parts of template literals (not comments). */
function literalText(n: ts.Node): string | undefined {
  return ts.isStringLiteralLike(n) || ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n) ? n.text : undefined;
}

const isKeyLiteral = (n: ts.Node) => literalText(n)?.includes('sagemakerHf.') === true;
const isGetConfiguration = (n: ts.Node) => ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'getConfiguration';

/** The classes of the services, read from the Services interface's imports (host/services.ts). */
function serviceClasses(): string[] {
  const sf = parse('src/host/services.ts');
  return sf.statements.flatMap((s) =>
    ts.isImportDeclaration(s) &&
    ts.isStringLiteral(s.moduleSpecifier) &&
    s.moduleSpecifier.text.startsWith('./') &&
    s.importClause?.namedBindings &&
    ts.isNamedImports(s.importClause.namedBindings)
      ? s.importClause.namedBindings.elements.map((e) => e.name.text)
      : [],
  );
}

// The precompiled schema validator is generated at build time (not in git); it carries the schema's $id.
const SRC = sources('src').filter((f) => !f.includes('/generated/'));
/** Layers that cannot import src/host (no vscode; the CLI uses them): their messages may name a setting in words. */
const ADAPTERS = /^src\/(aws|hub|local|artifacts|source|core|cli)\/|^src\/cli\.ts$/;

describe('one composition', () => {
  it('spells every sagemakerHf. key (commands, settings, views, context and storage keys) in src/host/ids.ts only', () => {
    const outside = findings(
      SRC.filter((f) => f !== 'src/host/ids.ts' && !ADAPTERS.test(f)),
      isKeyLiteral,
    );
    assert.deepEqual(outside, [], 'use the constant from src/host/ids.ts (a comment may quote the key)');
    assert.ok(findings(['src/host/ids.ts'], isKeyLiteral).length >= 20, 'the scan finds the keys in ids.ts: it sees literals');
  });

  it('lets the adapters and the CLI name only settings that exist (their messages cannot import src/host/ids.ts)', () => {
    const settings = new Set<string>(Object.values(Setting));
    const unknown = SRC.filter((f) => ADAPTERS.test(f)).flatMap((file) => {
      const sf = parse(file);
      const found: string[] = [];
      visit(sf, (n) => {
        for (const key of literalText(n)?.match(/sagemakerHf(?:\.[A-Za-z]+)+/g) ?? []) if (!settings.has(key)) found.push(`${where(sf, n)} ${key}`);
      });
      return found;
    });
    assert.deepEqual(unknown, [], 'a message names a setting that src/host/ids.ts does not declare');
  });

  it('reads settings through Settings only (src/host/settings.ts)', () => {
    assert.deepEqual(
      findings(
        SRC.filter((f) => f !== 'src/host/settings.ts'),
        isGetConfiguration,
      ),
      [],
      'add a getter to Settings and read it from services.settings',
    );
    assert.ok(findings(['src/host/settings.ts'], isGetConfiguration).length > 0, 'the scan finds the calls in settings.ts');
  });

  it('builds the services in src/extension.ts only, each once', () => {
    const classes = serviceClasses();
    assert.ok(
      ['Settings', 'Log', 'HubSession', 'AwsSession', 'LocalJobs'].every((c) => classes.includes(c)),
      `Services lists ${classes.join(', ')}`,
    );
    const constructs = (n: ts.Node) => ts.isNewExpression(n) && ts.isIdentifier(n.expression) && classes.includes(n.expression.text);
    assert.deepEqual(
      findings(
        SRC.filter((f) => f !== 'src/extension.ts'),
        constructs,
      ),
      [],
      'take the service from the Services object instead',
    );
    const built = findings(['src/extension.ts'], constructs);
    assert.equal(built.length, classes.length, `extension.ts builds ${built.join(', ')}`);
  });

  it('keeps no state in module variables of the VS Code side (it would outlive or be shared between activations)', () => {
    // jobFileTools.ts keeps the modules it requires on first use: code, not state.
    const glue = SRC.filter((f) => /^src\/(commands|views|language|logs|host|webview\/host)\//.test(f) && f !== 'src/language/jobFileTools.ts');
    // A `let`, or a `const` holding a new object (a Map, a cache, a client); a table typed Readonly… is not state.
    const isState = (s: ts.VariableStatement, sf: ts.SourceFile) =>
      !(s.declarationList.flags & ts.NodeFlags.Const) ||
      s.declarationList.declarations.some((d) => d.initializer !== undefined && ts.isNewExpression(d.initializer) && !d.type?.getText(sf).startsWith('Readonly'));
    const moduleState = glue.flatMap((file) => {
      const sf = parse(file);
      return sf.statements.flatMap((s) => (ts.isVariableStatement(s) && isState(s, sf) ? [where(sf, s)] : []));
    });
    assert.deepEqual(moduleState, []);
  });

  it('activates on every webview type of src/host/ids.ts (panels are restored after a reload)', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    for (const type of Object.values(WebviewType)) assert.ok((pkg.activationEvents as string[]).includes(`onWebviewPanel:${type}`), type);
  });
});
