// npm metadata of every published package (`private` not set), derived from
// the root package.json: `repository` (with the package's `directory`),
// `homepage` and `bugs`. The root package.json's `repository.url` is the one
// place that names where this project lives; change it there and run
//   node scripts/package-metadata.js
// to rewrite the packages. With --check (the test command), it changes
// nothing and exits 1 naming each package whose fields are out of date, or
// that has no `keywords` starting with "backstage".
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const check = process.argv.includes('--check');

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function publishedPackageDirs() {
  const { workspaces } = readJson(path.join(root, 'package.json'));
  const dirs = [];
  for (const pattern of workspaces) {
    const parent = pattern.replace(/\/\*$/, '');
    for (const name of fs.readdirSync(path.join(root, parent)).sort()) {
      const file = path.join(root, parent, name, 'package.json');
      if (fs.existsSync(file) && !readJson(file).private) {
        dirs.push(`${parent}/${name}`);
      }
    }
  }
  return dirs;
}

function expectedFields(rootPkg, dir) {
  const url = rootPkg.repository.url.replace(/\.git$/, '');
  return {
    repository: { type: rootPkg.repository.type ?? 'git', url, directory: dir },
    homepage: `${url}/tree/main/${dir}#readme`,
    bugs: `${url}/issues`,
  };
}

// Keeps the key order stable: the fields go where they are, or just above
// `backstage` (where `backstage-cli repo fix --publish` puts `repository`).
function withFields(pkg, fields) {
  const entries = Object.entries(pkg).filter(([key]) => !(key in fields));
  let at = Object.keys(pkg).findIndex(key => key in fields);
  if (at < 0) {
    at = entries.findIndex(([key]) => key === 'backstage');
  }
  entries.splice(at < 0 ? entries.length : at, 0, ...Object.entries(fields));
  return Object.fromEntries(entries);
}

function main() {
  const rootPkg = readJson(path.join(root, 'package.json'));
  if (!rootPkg.repository?.url) {
    console.error('The root package.json has no repository.url');
    return 1;
  }
  const problems = [];
  for (const dir of publishedPackageDirs()) {
    const file = path.join(root, dir, 'package.json');
    const pkg = readJson(file);
    const fields = expectedFields(rootPkg, dir);
    const keywords = pkg.keywords ?? [];
    if (!keywords.includes('backstage')) {
      problems.push(`${dir}/package.json: keywords must include "backstage"`);
    }
    const stale = Object.keys(fields).filter(
      key => JSON.stringify(pkg[key]) !== JSON.stringify(fields[key]),
    );
    if (stale.length === 0) {
      continue;
    }
    if (check) {
      problems.push(
        `${dir}/package.json: ${stale.join(
          ', ',
        )} differ from the root package.json's repository (run: node scripts/package-metadata.js)`,
      );
    } else {
      fs.writeFileSync(
        file,
        `${JSON.stringify(withFields(pkg, fields), null, 2)}\n`,
      );
      console.log(`${dir}/package.json: updated ${stale.join(', ')}`);
    }
  }
  if (rootPkg.repository.url.includes('example-org')) {
    console.log(
      `Note: the repository URL is still the placeholder ${rootPkg.repository.url} (root package.json)`,
    );
  }
  for (const problem of problems) {
    console.error(problem);
  }
  return problems.length > 0 ? 1 : 0;
}

process.exitCode = main();
