import { Config } from '@backstage/config';
import {
  ClusterCredentials,
  ClusterSettings,
} from '@cluster-access/plugin-cluster-access-node';
import { readPemFile } from './certificates';

/** Exactly one of two keys, or neither; the error names the entry. */
function oneOf(
  entry: Config,
  key: string,
  keys: [string, string],
): [string | undefined, string | undefined] {
  const values = keys.map(k => entry.getOptionalString(k)) as [
    string | undefined,
    string | undefined,
  ];
  if (values[0] && values[1]) {
    throw new Error(`${key}: set ${keys[0]} or ${keys[1]}, not both`);
  }
  return values;
}

function readCaPem(entry: Config, key: string): string | undefined {
  const [caFile, caData] = oneOf(entry, key, ['caFile', 'caData']);
  if (caFile) return readPemFile(caFile, `${key}.caFile`);
  return caData ? Buffer.from(caData, 'base64').toString('utf8') : undefined;
}

function readCredentials(
  entry: Config,
  key: string,
): ClusterCredentials | undefined {
  const [token, tokenFile] = oneOf(entry, key, [
    'serviceAccountToken',
    'serviceAccountTokenFile',
  ]);
  if (token) return { type: 'token', token };
  if (tokenFile) return { type: 'tokenFile', tokenFile };
  return undefined;
}

function readCluster(entry: Config, index: number): ClusterSettings {
  const name = entry.getString('name');
  const key = `clusterAccess.clusters[${index}] (${name})`;
  const url = entry.getString('url');
  try {
    // eslint-disable-next-line no-new
    new URL(url);
  } catch {
    throw new Error(
      `clusterAccess.clusters[${index}].url is not a URL: '${url}'`,
    );
  }
  const title = entry.getOptionalString('title');
  const caPem = readCaPem(entry, key);
  const credentials = readCredentials(entry, key);
  return {
    name,
    ...(title ? { title } : {}),
    url: url.replace(/\/+$/, ''),
    ...(caPem ? { caPem } : {}),
    ...(credentials ? { credentials } : {}),
  };
}

/** `clusterAccess.clusters`: every cluster once, for certificates and namespaces. */
export function readClusters(entries: Config[] | undefined): ClusterSettings[] {
  const clusters = (entries ?? []).map(readCluster);
  const names = clusters.map(c => c.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) {
    throw new Error(`clusterAccess.clusters: duplicate name '${duplicate}'`);
  }
  return clusters;
}
