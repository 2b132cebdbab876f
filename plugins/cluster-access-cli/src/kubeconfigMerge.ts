import { isDeepStrictEqual } from 'node:util';
import type { Document, YAMLSeq } from 'yaml';
import { loadYaml } from './libraries';
import { CliError } from './errors';

/** The three named lists of a kubeconfig, in the order kubectl writes them. */
const KINDS = ['clusters', 'contexts', 'users'] as const;
type Kind = (typeof KINDS)[number];

/** One named entry of a kubeconfig list, as plain data. */
export type KubeconfigEntry = { name: string } & Record<string, unknown>;

/**
 * The entries `login` adds: those of the standalone kubeconfig it builds.
 *
 * @public
 */
export type KubeconfigEntries = Record<Kind, KubeconfigEntry[]>;

/**
 * One kubeconfig file as read: its text (`undefined` when it does not exist)
 * and its YAML document, which keeps the comments and order of everything
 * login does not touch.
 *
 * @public
 */
export interface LoadedKubeconfig {
  path: string;
  text?: string;
  document: Document;
}

/** What kubectl writes into a kubeconfig it creates, keys in its order. */
function emptyKubeconfig(): Document {
  return new (loadYaml().Document)({
    apiVersion: 'v1',
    clusters: [],
    contexts: [],
    'current-context': '',
    kind: 'Config',
    preferences: {},
    users: [],
  });
}

/**
 * Parses a kubeconfig file, refusing anything that kubectl would not read
 * as one (so that login never rewrites a file it does not understand). A
 * missing or empty file is an empty kubeconfig, as it is for kubectl.
 *
 * @public
 */
export function parseKubeconfig(
  path: string,
  text: string | undefined,
): LoadedKubeconfig {
  if (text === undefined || !text.trim()) {
    return { path, text, document: emptyKubeconfig() };
  }
  const documents = loadYaml().parseAllDocuments(text);
  if (!Array.isArray(documents) || documents.length !== 1) {
    throw new CliError(
      `${path} holds more than one YAML document; it is not a kubeconfig login can change`,
    );
  }
  const [document] = documents;
  if (document.errors.length > 0) {
    throw new CliError(
      `${path} is not valid YAML (${
        document.errors[0].message.split('\n')[0]
      }); nothing was changed`,
    );
  }
  if (document.contents === null) {
    return { path, text, document: emptyKubeconfig() };
  }
  if (!loadYaml().isMap(document.contents)) {
    throw new CliError(`${path} is not a kubeconfig (not a YAML mapping)`);
  }
  const kind = document.get('kind');
  if (kind !== undefined && kind !== null && kind !== 'Config') {
    throw new CliError(
      `${path} is not a kubeconfig (kind ${String(kind)}, not Config)`,
    );
  }
  for (const list of KINDS) {
    const value = document.get(list);
    if (value !== undefined && value !== null && !loadYaml().isSeq(value)) {
      throw new CliError(`${path} is not a kubeconfig (${list} is not a list)`);
    }
  }
  return { path, text, document };
}

function findEntry(file: LoadedKubeconfig, kind: Kind, name: string) {
  const list = file.document.get(kind);
  const { isMap, isSeq } = loadYaml();
  if (!isSeq(list)) return undefined;
  const index = list.items.findIndex(
    item => isMap(item) && item.get('name') === name,
  );
  return index < 0 ? undefined : { list, index };
}

/**
 * Why replacing an existing entry would break something that is not
 * login's: a cluster of that name for another server, or a context of that
 * name for another cluster. Users are named `<user>@<cluster>`, so an entry
 * of that name is one an earlier login wrote.
 */
function conflict(
  kind: Kind,
  existing: Record<string, any>,
  incoming: KubeconfigEntry,
  path: string,
): string | undefined {
  const inner = (incoming as Record<string, any>)[kind.slice(0, -1)];
  const current = existing?.[kind.slice(0, -1)];
  if (kind === 'clusters' && current?.server !== inner.server) {
    return `cluster '${incoming.name}' in ${path} is for ${current?.server}, not ${inner.server}`;
  }
  if (kind === 'contexts' && current?.cluster !== inner.cluster) {
    return `context '${incoming.name}' in ${path} uses cluster '${current?.cluster}', not '${inner.cluster}'`;
  }
  return undefined;
}

/**
 * Options of {@link mergeKubeconfigs}.
 *
 * @public
 */
export interface MergeOptions {
  /** The files kubectl reads, in its order of precedence. */
  files: LoadedKubeconfig[];
  /** Where new entries and a new current-context go (kubectl's rule). */
  defaultPath: string;
  entries: KubeconfigEntries;
  /** Make the first new context current even if one is set. */
  setCurrent: boolean;
  /** Replace entries of the same name that belong to something else. */
  force: boolean;
}

/**
 * What {@link mergeKubeconfigs} changed.
 *
 * @public
 */
export interface MergeResult {
  /** New text of each file that changes; untouched files are left out. */
  texts: Map<string, string>;
  /** The current-context login set, if it set one. */
  currentContext?: string;
}

/**
 * Adds `entries` to the kubeconfig files as kubectl's `ModifyConfig` would:
 * an entry that exists is replaced where it is (in the first file that has
 * it: the one kubectl uses), a new one goes to `defaultPath`. Everything
 * else in the files is kept. current-context is set (in `defaultPath`) only
 * when none is set or `setCurrent` asks for it. Entries already equal are
 * not rewritten, so a second login with the same result changes nothing.
 *
 * @public
 */
export function mergeKubeconfigs(options: MergeOptions): MergeResult {
  const { files, entries } = options;
  const byPath = new Map(files.map(f => [f.path, f]));
  const target = byPath.get(options.defaultPath);
  if (!target) {
    throw new Error(`${options.defaultPath} is not among the files`);
  }
  const changed = new Set<LoadedKubeconfig>();
  const conflicts: string[] = [];
  const writes: Array<() => void> = [];

  for (const kind of KINDS) {
    for (const entry of entries[kind]) {
      const file = files.find(f => findEntry(f, kind, entry.name));
      if (!file) {
        writes.push(() => {
          let list = target.document.get(kind);
          if (!loadYaml().isSeq(list)) {
            list = new (loadYaml().YAMLSeq)();
            target.document.set(kind, list);
          }
          (list as YAMLSeq).items.push(
            target.document.createNode(entry, { aliasDuplicateObjects: false }),
          );
          changed.add(target);
        });
        continue;
      }
      const { list, index } = findEntry(file, kind, entry.name)!;
      const existing = (list.items[index] as any).toJSON();
      if (isDeepStrictEqual(existing, entry)) continue;
      const why = conflict(kind, existing, entry, file.path);
      if (why) conflicts.push(why);
      writes.push(() => {
        list.items[index] = file.document.createNode(entry, {
          aliasDuplicateObjects: false,
        });
        changed.add(file);
      });
    }
  }
  if (conflicts.length > 0 && !options.force) {
    throw new CliError(
      `Your kubeconfig already has entries of these names for something else:\n  ${conflicts.join(
        '\n  ',
      )}\nNothing was changed. Use --force to replace them, or -o FILE to write a separate kubeconfig.`,
    );
  }
  writes.forEach(write => write());

  let currentContext: string | undefined;
  const effective = files
    .map(f => f.document.get('current-context'))
    .find(value => typeof value === 'string' && value !== '');
  const wanted = entries.contexts[0]?.name;
  if (wanted && (options.setCurrent || !effective) && effective !== wanted) {
    target.document.set('current-context', wanted);
    changed.add(target);
    currentContext = wanted;
  }

  const texts = new Map<string, string>();
  for (const file of changed) {
    const text = file.document.toString({ lineWidth: 0, indentSeq: false });
    if (text !== file.text) texts.set(file.path, text);
  }
  return { texts, currentContext };
}
