#!/usr/bin/env node
// The code that follows from the one contract,
// plugins/cluster-access-backend/src/schema/openapi.yaml:
//   - the backend's spec as a TypeScript const and its validated router
//     factory (what `backstage-repo-tools package schema openapi generate
//     --server` writes, without its Java generator);
//   - the request and response types the one client in -common is built on
//     (openapi-typescript; openapi-fetch makes the client from them).
// `backstage-repo-tools` cannot generate these here: both its server and its
// client commands run openapi-generator-cli, which downloads a Java jar from
// outside the npm registry.
//
//   node scripts/openapi.mjs           regenerate (./scripts/dev openapi)
//   node scripts/openapi.mjs --check   fail when a generated file is not current
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { parse } from 'yaml';

const require = createRequire(import.meta.url);
const prettier = require('prettier');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SPEC = 'plugins/cluster-access-backend/src/schema/openapi.yaml';
const ROUTER =
  'plugins/cluster-access-backend/src/schema/openapi/generated/router.ts';
const TYPES =
  'plugins/cluster-access-common/src/schema/openapi/generated/types.ts';

const header = [
  '// ******************************************************************',
  `// * Generated from ${relative('plugins', SPEC)}`,
  '// * by scripts/openapi.mjs: do not edit; run ./scripts/dev openapi. *',
  '// ******************************************************************',
  '',
].join('\n');

function routerSource(spec) {
  return `${header}
import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';
import type { Router } from 'express';

export const spec = ${JSON.stringify(spec, null, 2)} as const;

/**
 * An express router that checks every request against the spec before a
 * handler sees it: a request that breaks it is answered 400 (InputError)
 * naming what is wrong. Handlers are typed with -common's types; that they
 * fit the spec's schemas is checked by tsc in src/schema/openapi.test.ts.
 */
export const createOpenApiRouter = async (
  options?: Parameters<typeof createValidatedOpenApiRouter>['1'],
): Promise<Router> =>
  createValidatedOpenApiRouter(
    // The validator matches the request URL below the router's mount point,
    // so the paths must not carry the plugin's base path (servers[0]).
    { ...spec, servers: [{ url: '/' }] },
    {
      ...options,
      validatorOptions: {
        // Credentials are the handlers' (httpAuth: 401, 403), not the
        // validator's, which would answer a missing token with 400.
        validateSecurity: false,
        ...options?.validatorOptions,
      },
    },
  ) as unknown as Router;
`;
}

async function typesSource(spec) {
  const ast = await openapiTS(spec, {
    // Optional properties stay optional (no `| undefined` noise), and
    // `additionalProperties: false` in the spec is honoured.
    alphabetize: false,
  });
  return `${header}\n${astToString(ast)}`;
}

async function generated() {
  const spec = parse(await readFile(join(root, SPEC), 'utf8'));
  const files = {
    [ROUTER]: routerSource(spec),
    [TYPES]: await typesSource(spec),
  };
  for (const [path, source] of Object.entries(files)) {
    const options = await prettier.resolveConfig(join(root, path));
    files[path] = prettier.format(source, {
      ...options,
      filepath: join(root, path),
    });
  }
  return files;
}

async function main() {
  const check = process.argv.includes('--check');
  const files = await generated();
  const stale = [];
  for (const [path, source] of Object.entries(files)) {
    const target = join(root, path);
    const current = await readFile(target, 'utf8').catch(() => undefined);
    if (current === source) continue;
    if (check) {
      stale.push(path);
    } else {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, source);
      console.log(`wrote ${path}`);
    }
  }
  if (stale.length > 0) {
    console.error(
      `Not generated from the current ${SPEC}:\n  ${stale.join(
        '\n  ',
      )}\nRegenerate with ./scripts/dev openapi and commit the result.`,
    );
    process.exit(1);
  }
  if (check) console.log(`    generated files match ${SPEC}`);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
