const tokenHelp = `Backstage token (first that is set):
  --token-command CMD       run CMD (no shell: split into arguments, $VAR
                            expanded on Linux/macOS) and use its output
                            (or env CLUSTER_ACCESS_TOKEN_COMMAND)
  env CLUSTER_ACCESS_TOKEN  the token itself, for CI and scripts
  otherwise                 backstage-cli auth print-token, for the instance
                            signed in to --backend-url
                            (run: backstage-cli auth login --backend-url URL)`;

const caHelp = `  --certificate-authority FILE
                         PEM CA that signed the backend's TLS certificate,
                         trusted instead of Node's defaults for the backend
                         only (or env CLUSTER_ACCESS_CERTIFICATE_AUTHORITY)`;

const usages = {
  main: `Usage: cluster-access <command> [options]

Get a short-lived Kubernetes client certificate from Backstage, and let
kubectl renew it. The private key is made on this machine and never sent.

Commands:
  login       get a certificate and add its contexts to your kubeconfig
  credential  the kubectl exec-credential plugin (kubectl runs it)
  status      show the cached certificates: user, groups, time left
  logout      remove cached certificates and keys (optionally revoke them)

Options:
  --version   print the version
  -h, --help  show this help

Run 'cluster-access <command> --help' for a command's options.
`,
  login: `Usage: cluster-access login --backend-url URL [options]

Asks Backstage who you are, makes a key pair and a CSR here, gets the
certificate signed, and adds one cluster, user and context per Backstage
cluster to the kubeconfig kubectl uses (--kubeconfig, else $KUBECONFIG, else
~/.kube/config), keeping a copy of the old file in <file>.bak.

Options:
  --backend-url URL      the Backstage backend, e.g. https://backstage.example.com
  --ttl DURATION         certificate lifetime, e.g. 8h (default: the portal's)
  --key-type TYPE        ecdsa-p256 (default), ecdsa-p384 or rsa-2048
  --kubeconfig FILE      the kubeconfig to merge into, as for kubectl
  --set-current          make the first new context current (by default it
                         is only set when no current-context is set)
  -o, --output FILE      write a separate kubeconfig instead of merging;
                         '-' writes it to stdout (messages go to stderr)
  --force                replace entries of the same name that are not
                         Cluster Access's, or overwrite the -o FILE
  --exec                 the kubeconfig runs 'cluster-access credential', which
                         renews the certificate (default); the certificate and
                         key are cached in ~/.kube/cache/cluster-access
                         ($KUBECACHEDIR/cluster-access)
  --embed                embed the certificate and key in the kubeconfig, like
                         the portal's download (no renewal)
  --min-remaining DUR    with --exec: renew when less than DUR is left
                         (default: 10m)
${caHelp}
  --token-command CMD    see below
  -h, --help             show this help

${tokenHelp}
`,
  credential: `Usage: cluster-access credential --backend-url URL [options]

The kubectl exec-credential plugin: prints an ExecCredential with a client
certificate and key. Uses the cached certificate while it has at least
--min-remaining left; otherwise makes a new key pair, gets a new certificate
from Backstage, and caches it.

Options:
  --backend-url URL      the Backstage backend
  --min-remaining DUR    renew when less than DUR is left (default: 10m)
  --ttl DURATION         lifetime of renewed certificates (default: the
                         portal's, or what login was given)
  --key-type TYPE        ecdsa-p256, ecdsa-p384 or rsa-2048 (default: as
                         before, else ecdsa-p256)
${caHelp}
  --token-command CMD    see below
  -h, --help             show this help

${tokenHelp}
`,
  status: `Usage: cluster-access status [--backend-url URL] [-o json]

Shows who the cached certificate says you are, its groups and the time it
has left, for one backend or for every cached one. Makes no network calls.
Exits 1 when there is no valid certificate.

Options:
  --backend-url URL      only this backend
  -o, --output FORMAT    text (default) or json
  -h, --help             show this help
`,
  logout: `Usage: cluster-access logout (--backend-url URL | --all) [--revoke]

Removes cached certificates and keys. The certificates stay valid until they
expire unless --revoke revokes them first (Kubernetes API servers do not
check revocation, so this marks them revoked in Vault and the portal's list).
kubeconfig entries are kept: the next kubectl call signs in again.

Options:
  --backend-url URL      the cached certificate of this backend
  --all                  every cached certificate
  --revoke               revoke each certificate at its backend first; one
                         that cannot be revoked stays cached
${caHelp}
  --token-command CMD    with --revoke; see 'cluster-access login --help'
  -h, --help             show this help
`,
};

/** The commands the CLI knows. */
export type CommandName = Exclude<keyof typeof usages, 'main'>;

/**
 * The usage text of a command, or of the whole CLI.
 *
 * @public
 */
export function usage(command?: string): string {
  return command && command in usages
    ? usages[command as keyof typeof usages]
    : usages.main;
}
