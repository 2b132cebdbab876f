// Packs every published package as `npm publish` would ship it (`yarn pack`:
// the package's prepack applies publishConfig, workspace: ranges become
// versions) into dist-packages/npm/, then checks each tarball holds what an
// installer needs. Run after `backstage-cli repo build --all` (the tarballs
// hold the built dist/). Prints one line per package; exits 1 naming every
// problem.
//
//   node scripts/check-packages.js [package-dir ...]
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {
  checkDeclaredImports,
  checkEntryPoints,
  checkNodeEntry,
  readTarball,
} = require('./lib/tarball-checks');

const root = path.resolve(__dirname, '..');
const outDir = path.join(root, 'dist-packages', 'npm');
const yarnRelease = path.join(root, '.yarn/releases/yarn-4.13.0.cjs');

// Published packages whose packaging is not checked here yet, and why. The
// check covers every other non-private workspace package.
const NOT_CHECKED_YET = {};

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function publishedPackages(only) {
  const dirs = [];
  for (const parent of ['plugins', 'packages']) {
    for (const name of fs.readdirSync(path.join(root, parent)).sort()) {
      const dir = path.join(parent, name);
      const file = path.join(root, dir, 'package.json');
      if (!fs.existsSync(file)) continue;
      const pkg = readJson(file);
      if (pkg.private) continue;
      if (only.length && !only.some(o => path.normalize(o) === dir)) continue;
      dirs.push({ dir, pkg });
    }
  }
  return dirs;
}

function pack(dir, pkg) {
  const tarball = path.join(
    outDir,
    `${pkg.name.replace(/^@/, '').replace('/', '-')}-${pkg.version}.tgz`,
  );
  fs.rmSync(tarball, { force: true });
  execFileSync(process.execPath, [yarnRelease, 'pack', '--out', tarball], {
    cwd: path.join(root, dir),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return tarball;
}

// What every published package needs, whatever its role.
function checkCommon(t, source, dir) {
  const problems = [];
  const { pkg } = t;
  if (pkg.name !== source.name || pkg.version !== source.version) {
    problems.push(`package.json is ${pkg.name}@${pkg.version}`);
  }
  for (const field of [
    'dependencies',
    'peerDependencies',
    'optionalDependencies',
  ]) {
    for (const [dep, range] of Object.entries(pkg[field] ?? {})) {
      if (/^(workspace|link|file|portal):/.test(range)) {
        problems.push(
          `${field}.${dep} is "${range}", which npm cannot install`,
        );
      }
    }
  }
  for (const field of ['repository', 'homepage', 'bugs', 'license']) {
    if (!pkg[field]) problems.push(`package.json has no ${field}`);
  }
  if (!(pkg.keywords ?? []).includes('backstage')) {
    problems.push('package.json keywords do not include "backstage"');
  }
  const readme = t.read('README.md');
  if (readme === undefined) {
    problems.push('no README.md');
  } else if (
    !new RegExp(`\\b(add|install -g) ${pkg.name}\\b`).test(readme)
  ) {
    problems.push(
      `README.md has no install step ("yarn ... add ${pkg.name}" or, for a command, "npm install -g ${pkg.name}")`,
    );
  }
  if (!t.files.some(f => /^dist\/.*\.(c|m)?js$/.test(f))) {
    problems.push('no built JavaScript in dist/');
  }
  // A command line (role cli) is run, not imported: no types to ship.
  const isCommand = pkg.backstage?.role === 'cli';
  if (!isCommand && !t.files.some(f => /^dist\/.*\.d\.ts$/.test(f))) {
    problems.push('no type declarations (dist/*.d.ts)');
  }
  const leaked = t.files.filter(
    f => /^(src|dist-types|dev)\//.test(f) || /\.test\.[jt]sx?$/.test(f),
  );
  if (leaked.length) {
    problems.push(`sources or tests shipped: ${leaked.slice(0, 5).join(', ')}`);
  }
  problems.push(...checkEntryPoints(t));
  problems.push(...checkDeclaredImports(t));
  problems.push(...checkConfigSchema(t, source, dir));
  return problems;
}

// A package that reads config ships its schema: Backstage's prepack compiles
// config.d.ts into config.schema.json (as @backstage/* packages ship it); the
// keys marked secret must still be secret there, or the frontend could be
// served them.
function checkConfigSchema(t, source, dir) {
  if (!source.configSchema) return [];
  const file = t.pkg.configSchema;
  if (typeof file !== 'string' || !t.has(file)) {
    return [`configSchema "${file}" is not in the tarball`];
  }
  if (!file.endsWith('.json')) return [];
  const schema = JSON.parse(t.read(file));
  const problems = [];
  if (!schema.properties || Object.keys(schema.properties).length === 0) {
    problems.push(`${file} declares no config keys`);
  }
  const dts = fs.readFileSync(
    path.join(root, dir, source.configSchema),
    'utf8',
  );
  const wanted = (dts.match(/@visibility secret/g) ?? []).length;
  const found = (t.read(file).match(/"visibility":\s*"secret"/g) ?? []).length;
  if (found !== wanted) {
    problems.push(
      `${file} marks ${found} keys secret, ${source.configSchema} marks ${wanted}`,
    );
  }
  return problems;
}

// The backend creates its tables from migrations/ at startup
// (resolvePackagePath(..., 'migrations')): all of them must ship.
function checkMigrations(t, dir) {
  const sourceDir = path.join(root, dir, 'migrations');
  if (!fs.existsSync(sourceDir)) return [];
  const problems = [];
  for (const name of fs.readdirSync(sourceDir)) {
    if (!t.has(`migrations/${name}`)) {
      problems.push(`migrations/${name} is missing`);
    }
  }
  return problems;
}

// Node packages are loaded the way an installed app loads them: from the
// unpacked tarballs (so @cluster-access/* resolve to each other's built
// code, not to this repository's sources), with their third-party
// dependencies taken from the workspace's node_modules.
function checkNodeRoles(unpacked) {
  const problems = {};
  for (const [name, t] of Object.entries(unpacked)) {
    const role = t.pkg.backstage?.role;
    if (
      ![
        'backend-plugin',
        'backend-plugin-module',
        'node-library',
        'common-library',
      ].includes(role)
    ) {
      continue;
    }
    const expectFeature = role.startsWith('backend-plugin');
    problems[name] = checkNodeEntry(t, {
      expectFeature,
      nodePath: path.join(root, 'node_modules'),
    });
  }
  return problems;
}

function main() {
  const only = process.argv.slice(2);
  fs.mkdirSync(outDir, { recursive: true });
  const scratch = fs.mkdtempSync(
    path.join(os.tmpdir(), 'cluster-access-pack-'),
  );
  const installRoot = path.join(scratch, 'node_modules');
  const unpacked = {};
  const problems = {};
  let failed = false;
  try {
    for (const { dir, pkg } of publishedPackages(only)) {
      if (NOT_CHECKED_YET[pkg.name]) {
        console.log(
          `- ${pkg.name}: not packed here (${NOT_CHECKED_YET[pkg.name]})`,
        );
        continue;
      }
      const started = Date.now();
      let tarball;
      try {
        tarball = pack(dir, pkg);
      } catch (error) {
        const output = `${error.stdout ?? ''}${error.stderr ?? ''}`.trim();
        problems[pkg.name] = [
          `yarn pack failed:\n${output.split('\n').slice(-15).join('\n')}`,
        ];
        continue;
      }
      const t = readTarball(tarball, path.join(installRoot, pkg.name));
      t.seconds = (Date.now() - started) / 1000;
      unpacked[pkg.name] = t;
      problems[pkg.name] = [
        ...checkCommon(t, pkg, dir),
        ...(pkg.backstage?.role === 'backend-plugin'
          ? checkMigrations(t, dir)
          : []),
      ];
    }
    for (const [name, list] of Object.entries(checkNodeRoles(unpacked))) {
      problems[name].push(...list);
    }
    for (const [name, list] of Object.entries(problems)) {
      const t = unpacked[name];
      const size = t
        ? `${t.files.length} files, ${Math.round(
            t.bytes / 1024,
          )} kB, packed in ${t.seconds.toFixed(1)} s`
        : '';
      if (list.length === 0) {
        console.log(`✔ ${path.relative(root, t.tarball)}: ${size}`);
      } else {
        failed = true;
        console.log(`✘ ${name}${size ? ` (${size})` : ''}:`);
        for (const problem of list) console.log(`    ${problem}`);
      }
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  if (Object.keys(problems).length === 0) {
    console.log('No published package found to check');
    return 1;
  }
  return failed ? 1 : 0;
}

process.exitCode = main();
