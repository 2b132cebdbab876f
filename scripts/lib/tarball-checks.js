// Checks on an unpacked npm tarball, shared by scripts/check-packages.js.
// Each check returns a list of problems, in words an installer would use.
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const { builtinModules } = require('node:module');
const path = require('node:path');

function listFiles(dir, prefix = '') {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      out.push(...listFiles(path.join(dir, entry.name), rel));
    } else {
      out.push(rel);
    }
  }
  return out.sort();
}

/** Unpacks a tarball into `dest` (its `package/` folder becomes `dest`). */
function readTarball(tarball, dest) {
  fs.mkdirSync(dest, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', dest, '--strip-components=1']);
  const files = listFiles(dest);
  const fileSet = new Set(files);
  const has = file =>
    fileSet.has(path.posix.normalize(file.replace(/^\.\//, '')));
  const read = file =>
    has(file) ? fs.readFileSync(path.join(dest, file), 'utf8') : undefined;
  return {
    tarball,
    dir: dest,
    files,
    bytes: fs.statSync(tarball).size,
    pkg: JSON.parse(read('package.json')),
    has,
    read,
  };
}

function exportTargets(value, conditions = []) {
  if (typeof value === 'string') return [{ target: value, conditions }];
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([condition, inner]) =>
    // `backstage` is metadata (the feature type), not a file.
    condition === 'backstage'
      ? []
      : exportTargets(inner, [...conditions, condition]),
  );
}

/** main/module/types/exports/typesVersions/bin point at files that ship. */
function checkEntryPoints(t) {
  const { pkg } = t;
  const problems = [];
  const must = (what, file) => {
    if (!t.has(file))
      problems.push(`${what} points at ${file}, which is not in the tarball`);
  };
  if (!pkg.main) problems.push('package.json has no main');
  for (const field of ['main', 'module', 'types', 'browser']) {
    if (typeof pkg[field] === 'string') must(field, pkg[field]);
  }
  if (pkg.types && !pkg.types.endsWith('.d.ts')) {
    problems.push(`types is ${pkg.types}, not a .d.ts file`);
  }
  const typesVersions = pkg.typesVersions?.['*'] ?? {};
  for (const [subpath, value] of Object.entries(pkg.exports ?? {})) {
    for (const { target, conditions } of exportTargets(value)) {
      must(
        `exports["${subpath}"]${conditions.map(c => `.${c}`).join('')}`,
        target,
      );
      if (conditions.includes('types') && !target.endsWith('.d.ts')) {
        problems.push(
          `exports["${subpath}"].types is ${target}, not a .d.ts file`,
        );
      }
    }
    const short = subpath.replace(/^\.\//, '');
    if (
      subpath !== '.' &&
      subpath !== './package.json' &&
      !typesVersions[short]
    ) {
      problems.push(
        `exports "${subpath}" has no typesVersions entry (TypeScript with moduleResolution node would not find its types)`,
      );
    }
  }
  for (const [subpath, targets] of Object.entries(typesVersions)) {
    for (const target of targets) {
      if (!target.includes('*')) must(`typesVersions["${subpath}"]`, target);
    }
  }
  const bins =
    typeof pkg.bin === 'string' ? { [pkg.name]: pkg.bin } : pkg.bin ?? {};
  for (const [name, file] of Object.entries(bins)) must(`bin.${name}`, file);
  return problems;
}

const builtins = new Set(builtinModules);
const SPECIFIER =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)['"]([^'"\s]+)['"]/g;

function packageOf(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return undefined;
  if (specifier.startsWith('node:') || builtins.has(specifier.split('/')[0])) {
    return undefined;
  }
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Every package the built code imports is declared in dependencies or
 * peerDependencies: an installer gets nothing else.
 */
function checkDeclaredImports(t) {
  const { pkg } = t;
  const declared = new Set([
    pkg.name,
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
    ...Object.keys(pkg.optionalDependencies ?? {}),
  ]);
  const missing = new Map();
  for (const file of t.files) {
    if (!/^dist\/.*\.(c|m)?js$/.test(file)) continue;
    for (const [, specifier] of t.read(file).matchAll(SPECIFIER)) {
      const name = packageOf(specifier);
      if (name && !declared.has(name) && !missing.has(name)) {
        missing.set(name, file);
      }
    }
  }
  return [...missing].map(
    ([name, file]) =>
      `${file} imports ${name}, which package.json does not declare`,
  );
}

function runNode(code, nodePath) {
  const result = spawnSync(process.execPath, ['-e', code], {
    env: { ...process.env, NODE_PATH: nodePath, NODE_ENV: 'production' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return {
    ok: result.status === 0,
    output: `${result.stdout}${result.stderr}`.trim(),
  };
}

/**
 * Loads the package's main entry from the unpacked tarball in a fresh Node
 * process. Backend plugins and modules must default-export a BackendFeature
 * (what `backend.add(import(...))` takes); libraries must export something.
 * Every shipped migration must export up() and down() for knex.
 */
function checkNodeEntry(t, { expectFeature, nodePath }) {
  const code = `
    const path = require('node:path');
    const fs = require('node:fs');
    const dir = ${JSON.stringify(t.dir)};
    const mod = require(dir);
    const problems = [];
    if (${expectFeature}) {
      const feature = mod.default;
      if (!feature || feature.$$type !== '@backstage/BackendFeature') {
        problems.push('the default export is not a BackendFeature (got ' + (feature && feature.$$type) + ')');
      }
    } else if (Object.keys(mod).length === 0) {
      problems.push('the main entry exports nothing');
    }
    const migrations = path.join(dir, 'migrations');
    if (fs.existsSync(migrations)) {
      for (const name of fs.readdirSync(migrations)) {
        const m = require(path.join(migrations, name));
        if (typeof m.up !== 'function' || typeof m.down !== 'function') {
          problems.push('migrations/' + name + ' does not export up() and down()');
        }
      }
    }
    if (problems.length) { console.log(problems.join('\\n')); process.exit(1); }
  `;
  const { ok, output } = runNode(code, nodePath);
  if (ok) return [];
  const lines = output.split('\n').filter(Boolean);
  return lines.length && !/^\s*at /.test(lines[1] ?? '')
    ? lines.slice(0, 10)
    : [`loading ${t.pkg.main} failed: ${lines.slice(0, 6).join(' | ')}`];
}

module.exports = {
  checkDeclaredImports,
  checkEntryPoints,
  checkNodeEntry,
  readTarball,
  runNode,
};
