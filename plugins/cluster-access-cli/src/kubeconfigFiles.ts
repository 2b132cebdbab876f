import { promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { CliError } from './errors';
import { acquireFileLock, pathExists, writeFileAtomic } from './files';
import {
  KubeconfigEntries,
  LoadedKubeconfig,
  mergeKubeconfigs,
  parseKubeconfig,
} from './kubeconfigMerge';

/**
 * The kubeconfig files kubectl would use, by client-go's loading rules
 * (`clientcmd.PathOptions`).
 *
 * @public
 */
export interface KubeconfigLocations {
  /** The files kubectl reads, in order of precedence. */
  precedence: string[];
  /** Where kubectl writes new entries and a new current-context. */
  defaultPath: string;
  /** Whether `--kubeconfig` named the file. */
  explicit: boolean;
}

/**
 * Finds the kubeconfig files as kubectl does: `--kubeconfig` alone if given;
 * else every file in `$KUBECONFIG` (a list separated by `:`, `;` on
 * Windows; duplicates dropped), new entries going to the first that exists,
 * else the last; else `~/.kube/config`.
 *
 * @public
 */
export async function kubeconfigLocations(options: {
  explicit?: string;
  env: NodeJS.ProcessEnv;
  cwd?: string;
  homeDirectory?: string;
}): Promise<KubeconfigLocations> {
  const cwd = options.cwd ?? process.cwd();
  if (options.explicit) {
    const path = resolve(cwd, options.explicit);
    return { precedence: [path], defaultPath: path, explicit: true };
  }
  const listed = [
    ...new Set(
      (options.env.KUBECONFIG ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map(path => resolve(cwd, path)),
    ),
  ];
  if (listed.length === 0) {
    const path = join(options.homeDirectory ?? homedir(), '.kube', 'config');
    return { precedence: [path], defaultPath: path, explicit: false };
  }
  let defaultPath = listed[listed.length - 1];
  if (listed.length > 1) {
    for (const path of listed) {
      if (await pathExists(path)) {
        defaultPath = path;
        break;
      }
    }
  } else {
    defaultPath = listed[0];
  }
  return { precedence: listed, defaultPath, explicit: false };
}

/**
 * Reads and checks every kubeconfig file, so that a file login could not
 * change is reported before a certificate is issued.
 *
 * @public
 */
export async function readKubeconfigs(
  paths: string[],
): Promise<LoadedKubeconfig[]> {
  return Promise.all(
    paths.map(async path => {
      let text: string | undefined;
      try {
        text = await fs.readFile(path, 'utf8');
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT') {
          throw new CliError(`Cannot read ${path} (${code})`);
        }
      }
      return parseKubeconfig(path, text);
    }),
  );
}

/**
 * Locks every file, as kubectl does (`<file>.lock`, created exclusively, in
 * sorted order so that two writers cannot deadlock), waiting up to
 * `timeoutMs`. Resolves to a function that releases them all.
 */
async function lockAll(
  paths: string[],
  timeoutMs: number,
): Promise<() => Promise<void>> {
  const releases: Array<() => Promise<void>> = [];
  const releaseAll = async () => {
    for (const release of releases.reverse()) await release();
  };
  try {
    for (const path of [...paths].sort()) {
      await fs.mkdir(dirname(path), { recursive: true, mode: 0o700 });
      const release = await acquireFileLock(`${path}.lock`, { timeoutMs });
      if (!release) {
        throw new CliError(
          `${path}.lock exists: kubectl or cluster-access is changing ${path}. If neither is, delete ${path}.lock and try again.`,
        );
      }
      releases.push(release);
    }
  } catch (e) {
    await releaseAll();
    throw e;
  }
  return releaseAll;
}

/**
 * One file login changed.
 *
 * @public
 */
export interface WrittenKubeconfig {
  path: string;
  /** `<path>.bak`: the file as it was, when there was one. */
  backup?: string;
}

/**
 * Merges login's entries into the kubeconfig kubectl uses
 * ({@link mergeKubeconfigs}), under kubectl's lock. Each changed file is
 * first copied to `<file>.bak`, then replaced atomically with mode 0600 (a
 * symbolic link is followed, so a kubeconfig kept elsewhere stays linked).
 *
 * @public
 */
export async function mergeIntoKubeconfig(options: {
  locations: KubeconfigLocations;
  entries: KubeconfigEntries;
  setCurrent: boolean;
  force: boolean;
  lockTimeoutMs?: number;
}): Promise<{ written: WrittenKubeconfig[]; currentContext?: string }> {
  const { locations } = options;
  const release = await lockAll(
    locations.precedence,
    options.lockTimeoutMs ?? 10_000,
  );
  try {
    const files = await readKubeconfigs(locations.precedence);
    const { texts, currentContext } = mergeKubeconfigs({
      files,
      defaultPath: locations.defaultPath,
      entries: options.entries,
      setCurrent: options.setCurrent,
      force: options.force,
    });
    const written: WrittenKubeconfig[] = [];
    for (const file of files) {
      const text = texts.get(file.path);
      if (text === undefined) continue;
      const real =
        file.text === undefined ? file.path : await fs.realpath(file.path);
      let backup: string | undefined;
      if (file.text !== undefined) {
        backup = `${real}.bak`;
        await writeFileAtomic(backup, file.text);
      }
      await writeFileAtomic(real, text);
      written.push({ path: file.path, backup });
    }
    return { written, currentContext };
  } finally {
    await release();
  }
}
