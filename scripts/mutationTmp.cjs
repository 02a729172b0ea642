// Preloaded (`node --require`) into every test process a mutation run starts (stryker.config.mjs): the
// process gets a temporary folder of its own, and the folders of earlier test processes that have died
// are removed. Stryker stops a test file at its first failure and kills one that runs past its timeout,
// so the file's `after` hooks never run and the folders it made would stay: on 2026-12-07 a few hundred
// runs of hub.test.js left 49 GB in /tmp and filled the disk, which ended both runs going on.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const base = path.join(os.tmpdir(), 'sagemaker-hf-mutation');
fs.mkdirSync(base, { recursive: true });
for (const name of fs.readdirSync(base)) {
  const pid = Number(name);
  if (Number.isInteger(pid) && pid > 0 && !alive(pid)) fs.rmSync(path.join(base, name), { recursive: true, force: true });
}
const mine = path.join(base, String(process.pid));
fs.mkdirSync(mine, { recursive: true });
// os.tmpdir() reads TMPDIR at each call, and child processes (the CLI, moto) inherit it.
process.env.TMPDIR = mine;
process.on('exit', () => fs.rmSync(mine, { recursive: true, force: true }));

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}
