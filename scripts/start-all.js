// Starts the local Vault and Kubernetes peers, waits until they have written
// what the backend reads (.sandbox/), then starts the Backstage app and
// backend. Ctrl-C stops everything.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const sandboxDir = path.join(root, '.sandbox');
const readyFile = path.join(sandboxDir, 'ready.json');
const yarn = path.join(root, '.yarn/releases/yarn-4.13.0.cjs');

const children = [];
function run(name, command, args, env = {}) {
  const child = spawn(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited (${signal ?? code}); stopping the rest`);
      stop(code ?? 1);
    }
  });
  children.push(child);
  return child;
}

let stopping = false;
function stop(code) {
  stopping = true;
  for (const child of children) {
    if (child.exitCode === null) child.kill('SIGTERM');
  }
  setTimeout(() => process.exit(code), 500).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

async function main() {
  fs.mkdirSync(sandboxDir, { recursive: true });
  fs.rmSync(readyFile, { force: true });
  // The peers keep their state (CAs, tokens, cluster objects) in memory and
  // start fresh every time, so the demo database starts fresh with them:
  // otherwise it would list certificates from a CA that no longer exists.
  if (!process.env.CLUSTER_ACCESS_DATA_DIR) {
    fs.rmSync(path.join(sandboxDir, 'db'), { recursive: true, force: true });
  }
  run('sandbox', process.execPath, [
    '--require',
    require.resolve('@backstage/cli/config/nodeTransform.cjs', {
      paths: [root],
    }),
    path.join(root, 'packages/sandbox/src/cli.ts'),
    '--dir',
    sandboxDir,
  ]);
  const deadline = Date.now() + 60_000;
  while (!fs.existsSync(readyFile)) {
    if (Date.now() > deadline || stopping) {
      console.error('The local Vault/Kubernetes peers did not start in time');
      stop(1);
      return;
    }
    await new Promise(r => setTimeout(r, 200));
  }
  run('backstage', process.execPath, [yarn, 'start'], {
    NODE_OPTIONS: process.env.NODE_OPTIONS ?? '',
  });
}

main();
