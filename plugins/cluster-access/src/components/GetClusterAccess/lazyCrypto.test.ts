/**
 * @jest-environment node
 */
import { build, Metafile } from 'esbuild';
import { join } from 'node:path';

/*
 * The page must not load the X.509/ASN.1 code until the user generates a
 * certificate. Bundling the page's module with code splitting (as the app's
 * bundler does) and every package but this plugin's own left external shows
 * which packages each chunk imports: @peculiar/x509 may only appear behind
 * a dynamic import().
 */

jest.setTimeout(60_000);

const PLUGIN = join(__dirname, '..', '..', '..');

async function pageChunks(): Promise<Metafile> {
  const result = await build({
    entryPoints: [join(PLUGIN, 'src/components/ClusterAccessPage/tabs.tsx')],
    bundle: true,
    splitting: true,
    format: 'esm',
    jsx: 'automatic',
    outdir: join(PLUGIN, 'dist-lazy-crypto-test'),
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [
      {
        name: 'packages-external',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, args =>
            args.path.startsWith('@cluster-access/')
              ? undefined
              : { path: args.path, external: true },
          );
        },
      },
    ],
  });
  return result.metafile;
}

/** External packages a chunk reaches through static imports, and the chunks it loads lazily. */
function walk(metafile: Metafile, output: string, lazy: Set<string>) {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imp of metafile.outputs[file].imports) {
      if (imp.kind === 'dynamic-import') {
        if (!imp.external) lazy.add(imp.path);
      } else if (imp.external) {
        packages.add(imp.path);
      } else {
        visit(imp.path);
      }
    }
  };
  visit(output);
  return packages;
}

describe('the X.509 code of a Generate', () => {
  it('is not in what the page loads, only in a chunk that Generate imports', async () => {
    const metafile = await pageChunks();
    const entry = Object.keys(metafile.outputs).find(
      file => metafile.outputs[file].entryPoint,
    )!;
    const lazy = new Set<string>();
    const atPageLoad = walk(metafile, entry, lazy);

    // The page itself is there, with its own packages...
    expect(atPageLoad).toContain('@material-ui/core/Button');
    expect(atPageLoad).toContain('yaml');
    // ...but none of the X.509/ASN.1 code.
    expect(
      [...atPageLoad].filter(p => /peculiar|reflect-metadata|asn1/.test(p)),
    ).toEqual([]);

    // Which the chunk loaded on Generate has.
    const onGenerate = new Set<string>();
    for (const chunk of lazy) {
      for (const p of walk(metafile, chunk, new Set())) onGenerate.add(p);
    }
    expect(onGenerate).toContain('@peculiar/x509');
    expect(onGenerate).toContain('reflect-metadata');
  });
});
