import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration for the Cluster Access plugin. */
  clusterAccess?: {
    /** How client certificates for signed-in users are made. */
    certificates?: {
      /**
       * Lifetime of a certificate when the client does not ask for one, e.g.
       * `{ hours: 8 }` (the default), `PT8H` or `8h`; whole seconds.
       */
      defaultTtl?: HumanDuration | string;
      /** The older form of defaultTtl, in seconds (not both). */
      defaultTtlSeconds?: number;
      /**
       * Longest lifetime a client may ask for, e.g. `{ hours: 24 }` (the
       * default); the Vault role may cap it further.
       */
      maxTtl?: HumanDuration | string;
      /** The older form of maxTtl, in seconds (not both). */
      maxTtlSeconds?: number;
      /**
       * Certificate username (CN) from the user entity ref. '{{name}}' (default):
       * `alice` for user:default/alice, `eu/alice` for users of any other
       * catalog namespace; '{{namespace}}/{{name}}': always qualified
       * (`default/alice`). The former '{{namespace}}-{{name}}' gave two users
       * one name and is refused at startup.
       */
      usernameFormat?: '{{name}}' | '{{namespace}}/{{name}}';
      /** Prefix put before every group name (O), e.g. 'backstage:'; a-z, 0-9, '.', '_', ':', '-'. Default none. */
      groupPrefix?: string;
      /** Whether the user's Vault identity groups go into certificates. Default true. */
      includeVaultGroups?: boolean;
      /** When not empty, only groups matching one of these names (after the prefix; '*' is a wildcard, case is ignored) go into certificates. */
      allowedGroups?: string[];
      /** Groups (after the prefix; '*' is a wildcard) that never go into certificates, on top of the built-in 'system:*' and 'kubeadm:*'. */
      deniedGroups?: string[];
    };
    /** The Vault that signs certificates. Without it the certificate routes answer 503. */
    vault?: {
      /** Vault address, e.g. https://vault.example.com:8200. */
      address: string;
      /** Mount path of the PKI secrets engine. Default 'pki'. */
      pkiMount?: string;
      /** PKI role used with sign-verbatim. Default 'kubernetes-client'. */
      role?: string;
      /** Timeout of each Vault request, e.g. `{ seconds: 5 }` (the default) or `5s`. */
      timeout?: HumanDuration | string;
      /** The older form of timeout, in milliseconds (not both). */
      timeoutMs?: number;
      /** PEM file with the CA that must have issued the certificates; default: read from <pkiMount>/ca/pem at startup. */
      caFile?: string;
      /** PEM file with CA certificates to trust for Vault's own TLS certificate (https addresses). */
      tlsCaFile?: string;
      /** Vault identity (entity) settings. */
      identity?: {
        /** Path of the auth mount (e.g. 'oidc') whose accessor new entity aliases use; no alias is made when unset. */
        aliasMountPath?: string;
        /** Seconds a user's Vault entity and groups, once read, are reused without asking Vault again (changes in Vault reach certificates within this time, in every replica); 0 reads them on every request. Default 30. */
        cacheTtlSeconds?: number;
      };
      /** How the backend authenticates to Vault. */
      auth: {
        /** One of 'token', 'tokenFile', 'kubernetes', 'approle'. */
        method: 'token' | 'tokenFile' | 'kubernetes' | 'approle';
        /**
         * A Vault token (method 'token').
         * @visibility secret
         */
        token?: string;
        /** File holding a Vault token, e.g. a Vault agent sink; re-read when it changes (method 'tokenFile'). */
        tokenFile?: string;
        /** Kubernetes auth (method 'kubernetes'). */
        kubernetes?: {
          /** Mount path of the Kubernetes auth method. Default 'kubernetes'. */
          mount?: string;
          /** Vault role to log in with. */
          role: string;
          /** Service-account JWT file, re-read at each login. Default /var/run/secrets/kubernetes.io/serviceaccount/token. */
          jwtFile?: string;
        };
        /** AppRole auth (method 'approle'). */
        approle?: {
          /** Mount path of the AppRole auth method. Default 'approle'. */
          mount?: string;
          /** The role id. */
          roleId: string;
          /**
           * The secret id.
           * @visibility secret
           */
          secretId: string;
        };
      };
    };
    /**
     * Clusters of Cluster Access, and what it adds to the clusters of the
     * Kubernetes plugin (`kubernetes.clusterLocatorMethods` of type `config`)
     * and of the catalog (`kubernetes-cluster` Resources): an entry whose
     * name is one of those adds or overrides the title, the CA and the
     * provisioning token; any other entry declares a cluster of its own and
     * needs `url`. Every kubeconfig gets one context per known cluster.
     */
    clusters?: Array<{
      /** Short name, used for the kubeconfig cluster and context. */
      name: string;
      /** Human-readable name. */
      title?: string;
      /**
       * API server URL. Required unless a cluster of this name comes from
       * `kubernetes.clusterLocatorMethods` (where it must then be the same,
       * or left out) or from the catalog.
       */
      url?: string;
      /**
       * PEM file with the CA bundle of the API server's certificate. Required
       * with a service-account token for a catalog cluster: the token is
       * then only sent to a server whose certificate that CA signed,
       * whatever the entity's annotations say.
       */
      caFile?: string;
      /** Base64 of the PEM CA bundle of the API server's certificate (instead of caFile). */
      caData?: string;
      /**
       * Bearer token of the service account the backend provisions namespaces
       * with (bound to a role like the sandbox's `cluster-access-provisioner`).
       * Without it or serviceAccountTokenFile, namespaces cannot be requested
       * on this cluster. Never taken from the Kubernetes plugin's config or
       * from catalog entities.
       * @visibility secret
       */
      serviceAccountToken?: string;
      /**
       * File holding that token instead, e.g. a projected service-account
       * token; re-read when it changes.
       */
      serviceAccountTokenFile?: string;
      /**
       * Names of the tiers this cluster offers (it must also be in the
       * tier's own `clusters`, when that is set). Default: every tier.
       */
      tiers?: string[];
    }>;
    /** Clusters read from the catalog (`kubernetes-cluster` Resources, as the Kubernetes plugin's catalog locator reads them). */
    catalogClusters?: {
      /** Whether they are read. Default: when `kubernetes.clusterLocatorMethods` has a `type: catalog` entry. */
      enabled?: boolean;
      /** How often the catalog is read again. Default `{ minutes: 1 }`. */
      refreshFrequency?: HumanDuration | string;
      /**
       * Hosts (`127.0.0.1`, `*.internal.example.com`) whose API servers may
       * be on non-public addresses, added to the `dangerouslyAllowClusterUrls`
       * of the Kubernetes plugin's catalog locator.
       */
      dangerouslyAllowClusterUrls?: string[];
    };
    /**
     * Namespace tiers users can request. When not set, `dev` (approved at
     * once) and `qa` (needs approval) are offered on every cluster.
     */
    tiers?: Array<{
      /** Short name, a DNS label such as `dev`; used in names and labels. */
      name: string;
      /** Human-readable name. Default: the name. */
      title?: string;
      /** What the tier is for, shown when requesting. */
      description?: string;
      /** `none`: approved at once; `required`: waits for an approver. */
      approval: 'none' | 'required';
      /**
       * Names of the clusters the tier may be provisioned on: clusters of
       * config, or catalog clusters that have a `clusters` entry (only those
       * can hold a provisioning token). Default: every such cluster. A
       * cluster's own `tiers` narrows this further.
       */
      clusters?: string[];
      /**
       * Naming rule with the placeholders `{group}` (the owner Group's name),
       * `{tier}` and `{suffix}` (chosen by the requester). Default
       * `{group}-{suffix}-{tier}`.
       */
      namingPattern?: string;
      /** `spec.hard` of the namespace's ResourceQuota, e.g. `{ requests.cpu: '2', pods: '20' }`. */
      resourceQuota?: { [resource: string]: string | number };
      /** Container defaults of the namespace's LimitRange. */
      limitRange?: {
        /** Limits of containers that set none. */
        default?: { [resource: string]: string | number };
        /** Requests of containers that set none. */
        defaultRequest?: { [resource: string]: string | number };
        /** Largest limits a container may set. */
        max?: { [resource: string]: string | number };
        /** Smallest requests a container may set. */
        min?: { [resource: string]: string | number };
        /** Largest ratio of limit to request a container may have, e.g. `{ cpu: 4 }`. */
        maxLimitRequestRatio?: { [resource: string]: string | number };
      };
      /** Whether the namespace gets the NetworkPolicy that only admits ingress from itself. Default true. */
      networkPolicy?: boolean;
      /** Pod Security Admission levels of the namespace. */
      podSecurity?: {
        /** Level that is enforced. Default `baseline`. */
        enforce?: 'privileged' | 'baseline' | 'restricted';
        /** Level that only warns. Default `restricted`. */
        warn?: 'privileged' | 'baseline' | 'restricted';
      };
      /** Extra labels of the Namespace (not the ones Cluster Access sets itself). */
      labels?: { [key: string]: string };
      /** Extra annotations of the Namespace. */
      annotations?: { [key: string]: string };
      /**
       * What the reconciler does with RoleBindings made with kubectl (without
       * Cluster Access's label) that let in someone who is neither a member
       * nor an extra member: `report` (default) flags them on the access view
       * and in the history; `remove` deletes them. The product's own bindings
       * are never touched by this setting.
       */
      nonMemberBindings?: 'report' | 'remove';
      /**
       * How long an extra member keeps access after being added, e.g.
       * `{ days: 30 }`, `P30D` or `30d`; then the reconciler removes them and
       * they must be added again. Default: no limit.
       */
      extraMemberMaxLifetime?: HumanDuration | string;
      /**
       * Catalog Groups or Users (entity refs such as
       * `group:default/cluster-approvers`) notified when a request of this
       * tier waits for a decision, through Backstage's notifications. A
       * permission policy cannot be enumerated, so whom to tell is said here;
       * who may decide stays the policy's call. Default: nobody.
       */
      approvers?: string[];
    }>;
    /** Namespace requests. */
    requests?: {
      /** How long a request waits for a decision before it expires, e.g. `{ days: 7 }` (the default) or an ISO 8601 duration such as `P7D`. */
      pendingExpiry?: HumanDuration | string;
      /** How often pending work (provisioning, retries, expiry) is looked at. Default `{ seconds: 30 }`. */
      workerFrequency?: HumanDuration | string;
      /** Longest run of one pass of that work. Default `{ minutes: 5 }`. */
      workerTimeout?: HumanDuration | string;
      /** How many namespaces one backend replica provisions or deletes at once on each cluster. A cluster that answers 429 beyond the in-place waits holds back the rest of that cluster's work until its Retry-After. Default 8. */
      provisioningConcurrency?: number;
    };
    /** Notifications sent through Backstage's notifications plugin, when it is installed. */
    notifications?: {
      /** Path of the Cluster Access page in the app, for the links in notifications. Default `/cluster-access`. */
      pagePath?: string;
    };
    /** Managed namespaces. */
    namespaces?: {
      /** Cluster roles members may grant in their namespaces. Default `[view, edit]`; never `admin` or `cluster-admin`. */
      delegableClusterRoles?: string[];
    };
    /** The reconciler that keeps managed namespaces as configured and in step with the catalog. */
    reconcile?: {
      /** How often it runs. Default `{ minutes: 5 }`. */
      frequency?: HumanDuration | string;
      /** Longest run. Default `{ minutes: 4 }`. */
      timeout?: HumanDuration | string;
    };
  };
}
