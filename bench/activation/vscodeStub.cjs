// Stands in for the 'vscode' module when bench/extensionBundle.mjs requires the extension's bundle in
// plain node (to time module loading and list what it loads). It exports every top-level name of
// @types/vscode; each is a stub whose every property, call and `new` gives back a stub, so top-level
// code such as `class X extends vscode.TreeItem` or `new vscode.EventEmitter()` runs. Nothing here is
// a real editor: it only lets the module's own top-level code run.
'use strict';
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');

function stub() {
  const target = function vscodeStub() {};
  const proxy = new Proxy(target, {
    get: (t, key) => (key === 'prototype' ? t.prototype : key === Symbol.toPrimitive ? () => '' : key === 'then' ? undefined : proxy),
    apply: () => proxy,
    construct: () => proxy,
  });
  return proxy;
}

const types = fs.readFileSync(require.resolve('@types/vscode/index.d.ts', { paths: [path.resolve(__dirname, '..', '..')] }), 'utf8');
const vscode = {};
for (const m of types.matchAll(/^\t?\s?export (?:class|enum|namespace|function|const|let|var) ([A-Za-z_$][\w$]*)/gm)) vscode[m[1]] = stub();
const id = path.join(__dirname, 'vscode-stub-module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function resolveVscode(request, ...rest) {
  return request === 'vscode' ? id : resolve.call(this, request, ...rest);
};
const entry = new Module(id);
entry.filename = id;
entry.loaded = true;
entry.exports = vscode;
require.cache[id] = entry;
