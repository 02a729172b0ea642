// esbuild, with `metafile: true` forced on every build and context, each result's metafile written to
// $BENCH_METAFILE_DIR/<outfile's base name>.meta.json. Loaded in place of 'esbuild' by
// esbuildMetafileHook.mjs.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';

export * from 'esbuild';

const dir = process.env.BENCH_METAFILE_DIR;

function save(options, result) {
  if (!dir || !result?.metafile) return;
  mkdirSync(dir, { recursive: true });
  const name = path.basename(options.outfile ?? options.outdir ?? 'out');
  writeFileSync(path.join(dir, `${name}.meta.json`), JSON.stringify(result.metafile));
}

export async function build(options) {
  const result = await esbuild.build({ ...options, metafile: true });
  save(options, result);
  return result;
}

export async function context(options) {
  const ctx = await esbuild.context({ ...options, metafile: true });
  return {
    ...ctx,
    rebuild: async () => {
      const result = await ctx.rebuild();
      save(options, result);
      return result;
    },
    watch: (...args) => ctx.watch(...args),
    serve: (...args) => ctx.serve(...args),
    cancel: () => ctx.cancel(),
    dispose: () => ctx.dispose(),
  };
}

export default { ...esbuild, build, context };
