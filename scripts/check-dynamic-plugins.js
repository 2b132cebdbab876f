// Checks what scripts/export-dynamic.sh produced in dist-packages/rhdh/ for
// Red Hat Developer Hub, and that examples/rhdh/dynamic-plugins.yaml names
// it: package names, the Scalprum name, the exposed module and every
// component it mounts; the backend and the scaffolder module load from their
// exported folder (with the embedded -common/-node) and give RHDH a
// BackendFeature; the example's backend config passes the exported config
// schema. Prints one line per plugin; exits 1 naming every problem.
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');
const YAML = require('yaml');
const { loadConfigSchema } = require('@backstage/config-loader');
const { runNode } = require('./lib/tarball-checks');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'dist-packages', 'rhdh');
const examplePath = 'examples/rhdh/dynamic-plugins.yaml';
const EMBEDDED = [
  '@cluster-access/plugin-cluster-access-common',
  '@cluster-access/plugin-cluster-access-node',
];

const readJson = file => JSON.parse(fs.readFileSync(file, 'utf8'));
const flatName = name => name.replace(/^@/, '').replace('/', '-');

function readIntegrity() {
  const file = path.join(out, 'integrity.txt');
  if (!fs.existsSync(file)) return {};
  return Object.fromEntries(
    fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map(line => line.split(' ')),
  );
}

/** The example's entry for a dynamic package, found by its tarball name. */
function exampleEntry(example, dynamicName) {
  return (example.plugins ?? []).find(p =>
    new RegExp(`(^|/)${flatName(dynamicName)}-\\d[^/]*\\.tgz$`).test(
      p.package ?? '',
    ),
  );
}

function checkPackage(folder, source, example, integrity) {
  const problems = [];
  const pkg = readJson(path.join(folder, 'package.json'));
  const dynamicName = `${source.name}-dynamic`;
  if (pkg.name !== dynamicName)
    problems.push(`package.json name is ${pkg.name}`);
  if (pkg.version !== source.version)
    problems.push(`version ${pkg.version}, not ${source.version}`);
  if (pkg.backstage?.role !== source.backstage.role) {
    problems.push(`backstage.role is ${pkg.backstage?.role}`);
  }
  for (const field of ['dependencies', 'peerDependencies']) {
    for (const [dep, range] of Object.entries(pkg[field] ?? {})) {
      if (/^(workspace|link):/.test(range))
        problems.push(`${field}.${dep} is "${range}"`);
    }
  }
  const tarball = `${flatName(dynamicName)}-${pkg.version}.tgz`;
  if (
    !/^sha512-/.test(integrity[tarball] ?? '') ||
    !fs.existsSync(path.join(out, tarball))
  ) {
    problems.push(`no ${tarball} with its integrity in dist-packages/rhdh`);
  }
  const entry = exampleEntry(example, dynamicName);
  if (!entry) {
    problems.push(
      `${examplePath} has no entry for ${flatName(dynamicName)}-<version>.tgz`,
    );
  } else if (entry.disabled !== false) {
    problems.push(`${examplePath} does not enable ${dynamicName}`);
  }
  return { problems, pkg, entry };
}

async function checkBackend(folder, source, pkg, entry) {
  const problems = [];
  const shared = Object.keys(pkg.dependencies ?? {}).filter(d =>
    d.startsWith('@backstage/'),
  );
  if (shared.length) {
    problems.push(
      `@backstage packages must be shared (peerDependencies), not bundled: ${shared.join(
        ', ',
      )}`,
    );
  }
  if (fs.existsSync(path.join(folder, 'node_modules/@backstage'))) {
    problems.push(
      'node_modules/@backstage exists: RHDH would load a second copy of Backstage packages',
    );
  }
  for (const dep of Object.keys(pkg.dependencies ?? {})) {
    if (
      !fs.existsSync(path.join(folder, 'node_modules', dep, 'package.json'))
    ) {
      problems.push(
        `dependency ${dep} is not installed in the exported package`,
      );
    }
  }
  for (const name of EMBEDDED.filter(n => n in (pkg.dependencies ?? {}))) {
    const installed = path.join(
      folder,
      'node_modules',
      name,
      'dist/index.cjs.js',
    );
    if (!fs.existsSync(installed))
      problems.push(`${name} is not embedded (built code missing)`);
  }
  const migrations = path.join(root, source.dir, 'migrations');
  if (fs.existsSync(migrations)) {
    for (const name of fs.readdirSync(migrations)) {
      if (!fs.existsSync(path.join(folder, 'migrations', name))) {
        problems.push(`migrations/${name} is missing`);
      }
    }
  }
  // RHDH provides the @backstage packages; the workspace's stand in for them.
  const { ok, output } = runNode(
    `const m = require(${JSON.stringify(folder)});
     if (m.default?.$$type !== '@backstage/BackendFeature') {
       console.log('the default export is not a BackendFeature'); process.exit(1);
     }`,
    path.join(root, 'node_modules'),
  );
  if (!ok)
    problems.push(
      `loading the exported plugin failed: ${output
        .split('\n')
        .slice(0, 4)
        .join(' | ')}`,
    );
  if (entry?.pluginConfig && source.configSchema) {
    problems.push(...(await checkExampleConfig(folder, entry.pluginConfig)));
  }
  return problems;
}

// The example's pluginConfig against the schema RHDH reads from the export,
// with undeclared keys refused so that a misspelt key fails too.
async function checkExampleConfig(folder, pluginConfig) {
  const schemaFile = path.join(folder, 'dist/.config-schema.json');
  if (!fs.existsSync(schemaFile)) {
    return ['dist/.config-schema.json is missing'];
  }
  const schema = await loadConfigSchema({
    serialized: {
      backstageConfigSchemaVersion: 1,
      schemas: [{ path: 'config.d.ts', value: readJson(schemaFile) }],
    },
    noUndeclaredProperties: true,
  });
  try {
    schema.process([{ data: pluginConfig, context: examplePath }], {
      visibility: ['frontend', 'backend', 'secret'],
    });
    return [];
  } catch (error) {
    return [
      `the backend's pluginConfig in ${examplePath} fails the exported config schema: ${error.message}`,
    ];
  }
}

/** Names of the values (not types) a declaration file exports. */
function valueExports(dtsFile) {
  const sf = ts.createSourceFile(
    dtsFile,
    fs.readFileSync(dtsFile, 'utf8'),
    ts.ScriptTarget.Latest,
  );
  const values = new Set();
  const exported = new Map();
  const isExported = node =>
    node.modifiers?.some(m => m.kind === ts.SyntaxKind.ExportKeyword);
  for (const node of sf.statements) {
    const names = ts.isVariableStatement(node)
      ? node.declarationList.declarations.map(d => d.name.getText(sf))
      : (ts.isFunctionDeclaration(node) ||
          ts.isClassDeclaration(node) ||
          ts.isEnumDeclaration(node)) &&
        node.name
      ? [node.name.text]
      : [];
    for (const name of names) {
      values.add(name);
      if (isExported(node)) exported.set(name, name);
    }
    if (
      ts.isExportDeclaration(node) &&
      !node.isTypeOnly &&
      node.exportClause &&
      ts.isNamedExports(node.exportClause)
    ) {
      for (const el of node.exportClause.elements) {
        if (!el.isTypeOnly)
          exported.set(el.name.text, (el.propertyName ?? el.name).text);
      }
    }
  }
  return new Set(
    [...exported]
      .filter(([, local]) => values.has(local))
      .map(([name]) => name),
  );
}

function checkFrontend(folder, source, entry) {
  const problems = [];
  const scalprum = source.scalprum ?? {};
  const manifestFile = path.join(folder, 'dist-scalprum/plugin-manifest.json');
  if (!fs.existsSync(manifestFile))
    return ['dist-scalprum/plugin-manifest.json is missing'];
  const manifest = readJson(manifestFile);
  if (manifest.name !== scalprum.name) {
    problems.push(
      `plugin-manifest.json name is ${manifest.name}, package.json scalprum.name is ${scalprum.name}`,
    );
  }
  let entryScript = '';
  for (const script of manifest.loadScripts ?? []) {
    const file = path.join(folder, 'dist-scalprum', script);
    if (!fs.existsSync(file))
      problems.push(`dist-scalprum/${script} is missing`);
    else entryScript += fs.readFileSync(file, 'utf8');
  }
  for (const module of Object.keys(scalprum.exposedModules ?? {})) {
    // The container's module map: {PluginRoot:()=>…} once minified.
    const exposed = new RegExp(`[{,]\\s*["']?(\\./)?${module}["']?\\s*:`);
    if (!exposed.test(entryScript)) {
      problems.push(`the Scalprum container does not expose ${module}`);
    }
  }

  const mfFile = path.join(folder, 'dist/mf-manifest.json');
  const mf = fs.existsSync(mfFile) ? readJson(mfFile) : { exposes: [] };
  for (const wanted of ['.', './alpha']) {
    if (!mf.exposes.some(e => e.path === wanted))
      problems.push(`the module-federation assets do not expose "${wanted}"`);
  }
  const wiring = entry?.pluginConfig?.dynamicPlugins?.frontend?.[scalprum.name];
  if (!wiring)
    return [
      ...problems,
      `${examplePath} has no dynamicPlugins.frontend["${scalprum.name}"]`,
    ];
  // PluginRoot is ./src/index.ts: the legacy entry, whose built types list its exports.
  const exportsOf = valueExports(
    path.join(root, source.dir, 'dist/index.d.ts'),
  );
  const uses = [
    ...(wiring.dynamicRoutes ?? []).map(r => ({
      ...r,
      where: `route ${r.path}`,
    })),
    ...(wiring.mountPoints ?? []).map(m => ({ ...m, where: m.mountPoint })),
  ];
  for (const use of uses) {
    if ((use.module ?? 'PluginRoot') !== 'PluginRoot') {
      problems.push(`${use.where}: module ${use.module} is not exposed`);
    } else if (!exportsOf.has(use.importName)) {
      problems.push(
        `${use.where}: ${use.importName} is not exported by ${source.name}`,
      );
    }
  }
  for (const kind of ['group', 'user']) {
    const card = (wiring.mountPoints ?? []).find(
      m =>
        m.mountPoint === 'entity.page.overview/cards' &&
        JSON.stringify(m.config?.if ?? {}).includes(`"isKind":"${kind}"`),
    );
    if (!card)
      problems.push(`${examplePath} mounts no card on ${kind} overview pages`);
  }
  return problems;
}

async function main() {
  const example = YAML.parse(
    fs.readFileSync(path.join(root, examplePath), 'utf8'),
  );
  const integrity = readIntegrity();
  let failed = false;
  for (const dir of [
    'plugins/cluster-access',
    'plugins/cluster-access-backend',
    'plugins/scaffolder-backend-module-cluster-access',
  ]) {
    const source = { ...readJson(path.join(root, dir, 'package.json')), dir };
    const folder = path.join(out, flatName(`${source.name}-dynamic`));
    let problems;
    if (!fs.existsSync(path.join(folder, 'package.json'))) {
      problems = [`nothing exported in ${path.relative(root, folder)}`];
    } else {
      const result = checkPackage(folder, source, example, integrity);
      problems = result.problems;
      problems.push(
        ...(source.backstage.role === 'frontend-plugin'
          ? checkFrontend(folder, source, result.entry)
          : await checkBackend(folder, source, result.pkg, result.entry)),
      );
    }
    if (problems.length === 0) {
      console.log(
        `✔ ${path.relative(
          root,
          folder,
        )}: exported, loads, and matches ${examplePath}`,
      );
    } else {
      failed = true;
      console.log(`✘ ${source.name} (RHDH export):`);
      for (const problem of problems) console.log(`    ${problem}`);
    }
  }
  return failed ? 1 : 0;
}

main().then(
  code => {
    process.exitCode = code;
  },
  error => {
    console.error(error);
    process.exitCode = 1;
  },
);
