import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { esbuildOptions } from '#cdk/constructs/bundling.ts';

export interface Built {
  name: string;
  /** The directory holding index.mjs and its map, as the function's asset does. */
  dir: string;
  file: string;
  /** index.mjs without its source map. */
  bytes: number;
  /** Its own output's part of the build's metafile. */
  metafile: Metafile;
}

export const dirName = (name: string) => name.replace(/\W/g, '-');

/**
 * Builds each entry with the CDK app's own options (`esbuildOptions`) into
 * `<root>/<name>/index.mjs`, in one esbuild build with an entry point per bundle: esbuild
 * builds them in parallel and parses each shared module once (3.4 s for the 58 functions
 * where one build per function, even all at once, took 13 s on the 2-core machine). Without
 * code splitting each output is the very bundle a build of its entry alone makes, byte for
 * byte, map included (the `bundles` test checks one).
 */
export async function buildBundles(
  root: string,
  entries: { name: string; entry: string }[],
): Promise<Built[]> {
  const { entryPoints: _, outfile: __, ...options } = esbuildOptions('', '');
  const { metafile } = await build({
    ...options,
    entryPoints: Object.fromEntries(entries.map(({ name, entry }) => [`${dirName(name)}/index`, entry])),
    outdir: root,
    outExtension: { '.js': '.mjs' },
    metafile: true,
    logLevel: 'error',
  } satisfies BuildOptions);
  return entries.map(({ name }) => {
    const dir = join(root, dirName(name));
    const file = join(dir, 'index.mjs');
    const key = relative(process.cwd(), file);
    const output = metafile.outputs[key];
    if (!output) throw new Error(`esbuild wrote no ${key}`);
    return {
      name,
      dir,
      file,
      bytes: readFileSync(file).byteLength,
      metafile: { inputs: {}, outputs: { [key]: output } },
    };
  });
}

/** The bytes of each package (or of our own code) in a bundle, largest first. */
export function packages(metafile: Metafile): [string, number][] {
  const bytes = new Map<string, number>();
  for (const output of Object.values(metafile.outputs))
    for (const [path, input] of Object.entries(output.inputs)) {
      const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? 'own code';
      bytes.set(name, (bytes.get(name) ?? 0) + input.bytesInOutput);
    }
  return [...bytes].sort((a, b) => b[1] - a[1]);
}
