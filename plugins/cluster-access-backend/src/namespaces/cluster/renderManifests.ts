import { dumpYaml } from '@kubernetes/client-node';
import { KubernetesManifest } from '@cluster-access/plugin-cluster-access-common';
import { KubeObject } from '@cluster-access/plugin-cluster-access-node';
import YAML from 'yaml';

/**
 * An object as the API server receives it. The backend holds objects in
 * client-node's model form (`_default`, `_from`); the client's serializer
 * turns them into the API's names, and drops what the model does not know,
 * when it sends them. `dumpYaml` runs that same serializer, so this is what
 * goes over the wire, not a copy of its rules.
 *
 * @internal
 */
export function toManifest(object: KubeObject): KubernetesManifest {
  return YAML.parse(dumpYaml(object)) as KubernetesManifest;
}

/**
 * Objects as one multi-document YAML file, with a header saying what it is.
 * Key order follows the objects (apiVersion, kind, metadata first), which is
 * how people read Kubernetes YAML.
 *
 * @internal
 */
export function manifestsYaml(
  manifests: KubernetesManifest[],
  header: string[],
): string {
  const comment = header.map(line => `# ${line}\n`).join('');
  const documents = manifests.map(m => YAML.stringify(m, { lineWidth: 0 }));
  return `${comment}---\n${documents.join('---\n')}`;
}
