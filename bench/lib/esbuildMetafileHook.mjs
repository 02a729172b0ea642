// A module-resolution hook (node's module.register) that hands esbuild.mjs a wrapped esbuild whose
// builds also produce a metafile, written to $BENCH_METAFILE_DIR/<outfile>.meta.json. This is how
// bench/suites/activation.mjs learns what is in the bundles the repository's own build script makes,
// without that script having to know about the benchmarks.
//
//   node --import ./bench/lib/esbuildMetafileHook.mjs ../esbuild.mjs --production
import { register } from 'node:module';

register('./esbuildMetafileHook.mjs', import.meta.url, { data: { wrapper: new URL('./esbuildWithMetafile.mjs', import.meta.url).href } });

let wrapper;

export function initialize(data) {
  wrapper = data?.wrapper;
}

export async function resolve(specifier, context, next) {
  if (wrapper && specifier === 'esbuild' && context.parentURL && !context.parentURL.endsWith('/esbuildWithMetafile.mjs')) {
    return { url: wrapper, shortCircuit: true };
  }
  return next(specifier, context);
}
