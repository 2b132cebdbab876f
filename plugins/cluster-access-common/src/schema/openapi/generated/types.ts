// ******************************************************************
// * Generated from cluster-access-backend/src/schema/openapi.yaml
// * by scripts/openapi.mjs: do not edit; run ./scripts/dev openapi. *
// ******************************************************************

export interface paths {
  '/health': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Answers while the plugin is up; needs no credentials. */
    get: operations['getHealth'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/history': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** History events, newest first; public to every signed-in user unless the policy denies cluster-access.history.read. */
    get: operations['listHistory'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/identity': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The username and groups the caller's certificates carry, and the TTLs they may ask for.
     * @description Permission `cluster-access.certificate.create`. Only reads: the
     *     caller's Vault entity is looked up, never created, so a caller without
     *     one gets no Vault groups.
     */
    get: operations['getCertificateIdentity'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/certificates': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The caller's own certificates, newest first.
     * @description Permission `cluster-access.certificate.create`.
     */
    get: operations['listCertificates'];
    put?: never;
    /**
     * Has Vault sign the caller's CSR into a client certificate.
     * @description Permission `cluster-access.certificate.create`. The CSR (DER, valid
     *     signature, EC P-256/P-384 or RSA 2048–8192) must have exactly CN =
     *     the caller's username and one O per group of `GET /identity`, and at
     *     most one extensionRequest attribute requesting nothing beyond key
     *     usage digitalSignature (+ keyEncipherment for RSA), extended key usage
     *     clientAuth and basic constraints CA:false. Checks that need nothing
     *     from Vault run before any Vault call; the caller's Vault entity is
     *     created only for a CSR that passed every check. The certificate Vault
     *     returns is checked before anyone gets it; it is recorded, and the
     *     issuance goes into the history.
     */
    post: operations['issueCertificate'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/certificates/{serial}/revoke': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Serial number as hex pairs separated by colons (Vault's notation), dashes, or plain hex. */
        serial: string;
      };
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Revokes one of the caller's certificates in Vault and in the store.
     * @description Permission `cluster-access.certificate.create`. Revoking a revoked
     *     certificate again answers it as it is. Unknown serials and other
     *     users' certificates are both 404.
     */
    post: operations['revokeCertificate'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/tiers': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The configured tiers, what a namespace of each gets, and where the caller may request one.
     * @description `requestable` says, for the signed-in user, on which clusters and for which of their own Groups the permission policy allows `cluster-access.request.create` (its conditional decision evaluated for each). A form offers only those; `POST /requests` still checks.
     */
    get: operations['listTiers'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/clusters': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The configured clusters, whether namespaces can be made there, and their tiers. */
    get: operations['listClusters'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/requests': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Namespace requests, newest first. */
    get: operations['listRequests'];
    put?: never;
    /**
     * Ask for a namespace for one of the caller's Groups.
     * @description Permission `cluster-access.request.create`; the caller must belong to
     *     the owner Group. A tier with `approval: none` is approved at once and
     *     provisioning starts in the background.
     */
    post: operations['createRequest'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/requests/dry-run': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Check a namespace request and show what it would apply, filing nothing.
     * @description The same checks as `createRequest` (input, permission
     *     `cluster-access.request.create` with its conditions, membership of the
     *     owner Group, a free name), then the objects provisioning would apply.
     *     Nothing is stored and nothing is written to a cluster. Used by the
     *     scaffolder action's dry run.
     */
    post: operations['dryRunRequest'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/requests/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: components['parameters']['RequestId'];
      };
      cookie?: never;
    };
    get: operations['getRequest'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/requests/{id}/manifests': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: components['parameters']['RequestId'];
      };
      cookie?: never;
    };
    /**
     * The Kubernetes objects a request applies (or applied), as JSON and YAML.
     * @description The objects provisioning applies for the namespace of this request,
     *     in order, rendered by the same code that provisions and reconciles it,
     *     with the owner Group's members and extra members of now (the
     *     reconciler keeps a ready namespace so). A decommission request shows
     *     the objects of the namespace it deletes. Open to every signed-in
     *     user, like the request itself. `format=yaml` answers with the YAML
     *     file alone, as a download (`Content-Disposition: attachment`).
     */
    get: operations['getRequestManifests'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/requests/{id}/approve': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: components['parameters']['RequestId'];
      };
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * @description Resource permission `cluster-access.request.approve` on the request
     *     (conditions `IS_TIER`, `IS_CLUSTER`, `HAS_OWNER`). The requester can
     *     never approve their own request.
     */
    post: operations['approveRequest'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/requests/{id}/reject': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: components['parameters']['RequestId'];
      };
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** @description Same permission and rules as approve; a comment is required. */
    post: operations['rejectRequest'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/requests/{id}/withdraw': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: components['parameters']['RequestId'];
      };
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** @description The requester takes back their own pending request (a new namespace or a deletion); nobody else may. No permission beyond being the requester: withdrawing only ever undoes what the caller asked for. */
    post: operations['withdrawRequest'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/namespaces': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Managed namespaces with status, owner, tier, members and quota usage. */
    get: operations['listNamespaces'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/access': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Who can get into managed namespaces, and why.
     * @description One entry per way in: members of the owner Group and extra members
     *     (from the catalog and the database, as they are now), and the
     *     subjects of RoleBindings made outside Cluster Access (with kubectl),
     *     as the reconciler last saw them. Entries that let in someone who is
     *     neither a member nor an extra member are `flagged`. Open to every
     *     signed-in user, like the members list.
     */
    get: operations['listAccess'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/namespaces/{cluster}/{name}': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        cluster: components['parameters']['Cluster'];
        name: components['parameters']['Name'];
      };
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * @description Files a decommission request (permission `cluster-access.namespace.delete`,
     *     caller in the owner Group). It always needs an approval; once approved
     *     the namespace is deleted.
     */
    delete: operations['decommissionNamespace'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/namespaces/{cluster}/{name}/members': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        cluster: components['parameters']['Cluster'];
        name: components['parameters']['Name'];
      };
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * @description Adds an extra member (permission `cluster-access.namespace.members.manage`,
     *     caller in the owner Group as the catalog says now); their RoleBindings
     *     are applied at once when the namespace is ready. Someone who is in the
     *     owner Group already is refused (409). In tiers with
     *     `extraMemberMaxLifetime`, access ends that long after adding.
     */
    post: operations['addMember'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/namespaces/{cluster}/{name}/members/{user}': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        cluster: components['parameters']['Cluster'];
        name: components['parameters']['Name'];
        /** @description User entity ref (URL-encoded). */
        user: string;
      };
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** @description Removes an extra member; members of the owner Group are managed in the catalog (400). */
    delete: operations['removeMember'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    ErrorResponse: {
      error: {
        /** @example InputError */
        name: string;
        message: string;
        /** @description On errors that carry their own status, such as `BadGatewayError` (502). */
        statusCode?: number;
      };
      request?: {
        method?: string;
        url?: string;
      };
      response?: {
        statusCode?: number;
      };
    };
    /** @enum {string} */
    RequestKind: 'create' | 'decommission';
    /** @enum {string} */
    RequestStatus:
      | 'pending'
      | 'approved'
      | 'provisioning'
      | 'ready'
      | 'failed'
      | 'rejected'
      | 'expired'
      | 'withdrawn'
      | 'decommissioning'
      | 'deleted';
    ResourceList: {
      [key: string]: string;
    };
    Tier: {
      /** @example dev */
      name: string;
      title: string;
      description?: string;
      /** @enum {string} */
      approval: 'none' | 'required';
      clusters: string[];
      /** @example {group}-{suffix}-dev */
      namingPattern: string;
      resourceQuota: components['schemas']['ResourceList'];
      limitRange: {
        default?: components['schemas']['ResourceList'];
        defaultRequest?: components['schemas']['ResourceList'];
        max?: components['schemas']['ResourceList'];
        min?: components['schemas']['ResourceList'];
      };
      networkPolicy: boolean;
      podSecurity: {
        /** @enum {string} */
        enforce: 'privileged' | 'baseline' | 'restricted';
        /** @enum {string} */
        warn: 'privileged' | 'baseline' | 'restricted';
      };
      labels: {
        [key: string]: string;
      };
      annotations: {
        [key: string]: string;
      };
      /**
       * @description What happens to kubectl-made RoleBindings for people who are neither members nor extra members.
       * @enum {string}
       */
      nonMemberBindings: 'report' | 'remove';
      /** @description How long extra members keep access; absent for no limit. */
      extraMemberMaxLifetimeSeconds?: number;
      /** @description Catalog Groups and Users notified when a request of this tier waits for a decision. */
      approvers?: string[];
    };
    RequestableTier: components['schemas']['Tier'] & {
      /** @description Clusters where the caller may request a namespace of this tier; empty when nowhere. */
      requestable: {
        cluster: string;
        /** @description The caller's own Groups the policy allows as owners. */
        owners: string[];
      }[];
    };
    Cluster: {
      name: string;
      title?: string;
      server: string;
      provisioning: boolean;
      tiers: string[];
    };
    NamespaceRequestInput: {
      cluster: string;
      /** @example payments-api-dev */
      namespace: string;
      /** @example group:default/payments */
      owner: string;
      /** @example dev */
      tier: string;
      reason: string;
    };
    NamespaceRequestDryRun: {
      cluster: string;
      namespace: string;
      /** @description The owner Group's normalised entity ref */
      owner: string;
      tier: string;
      /**
       * @description Whether the request would wait for an approver
       * @enum {string}
       */
      approval: 'none' | 'required';
      /**
       * @description The objects provisioning would apply, in order, with the owner
       *     Group's members of now; the request id annotation holds the nil
       *     UUID until a request is filed.
       */
      manifests: components['schemas']['KubernetesManifest'][];
    };
    /** @description A Kubernetes object as the API server receives it. */
    KubernetesManifest: {
      apiVersion: string;
      kind: string;
      metadata: {
        name: string;
        namespace?: string;
      } & {
        [key: string]: unknown;
      };
    } & {
      [key: string]: unknown;
    };
    NamespaceRequestManifests: {
      /** Format: uuid */
      requestId: string;
      cluster: string;
      namespace: string;
      status: components['schemas']['RequestStatus'];
      /**
       * @description Where the request stands with these objects: `planned` (they will
       *     be applied once approved and provisioned), `applied` (in the
       *     cluster, kept so by the reconciler), `failed` (provisioning
       *     stopped; some may be applied), `deleting` (a decommission will
       *     delete them, or is), `deleted` (were applied, deleted since),
       *     `not-applied` (rejected, expired or withdrawn: never applied).
       * @enum {string}
       */
      state:
        | 'planned'
        | 'applied'
        | 'failed'
        | 'deleting'
        | 'deleted'
        | 'not-applied';
      /** @description A file name for the YAML, e.g. `sandbox-payments-api-dev.yaml` */
      filename: string;
      /** @description The objects, in the order they are applied. */
      items: components['schemas']['KubernetesManifest'][];
      /** @description The same objects as one multi-document YAML file. */
      yaml: string;
    };
    NamespaceRequest: {
      /** Format: uuid */
      id: string;
      kind: components['schemas']['RequestKind'];
      cluster: string;
      namespace: string;
      owner: string;
      tier: string;
      reason: string;
      requester: string;
      status: components['schemas']['RequestStatus'];
      /** @description Approver or rejecter; `system` for automatic approvals */
      decidedBy?: string;
      decisionComment?: string;
      /** Format: date-time */
      decidedAt?: string;
      /** Format: date-time */
      expiresAt?: string;
      error?: string;
      attempts: number;
      /** Format: date-time */
      nextAttemptAt?: string;
      /** Format: uuid */
      targetRequestId?: string;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      updatedAt: string;
    };
    NamespaceMember: {
      user: string;
      username: string;
      /** @enum {string} */
      source: 'group' | 'extra';
      /** @description Extra members: who added them */
      addedBy?: string;
      /** Format: date-time */
      addedAt?: string;
      /**
       * Format: date-time
       * @description Extra members in tiers with a maximum lifetime
       */
      expiresAt?: string;
    };
    QuotaUsage: {
      resource: string;
      hard: string;
      used?: string;
    };
    ManagedNamespace: {
      cluster: string;
      name: string;
      owner: string;
      tier: string;
      /** Format: uuid */
      requestId: string;
      status: components['schemas']['RequestStatus'];
      requester: string;
      /** Format: date-time */
      createdAt: string;
      members: components['schemas']['NamespaceMember'][];
      quota?: components['schemas']['QuotaUsage'][];
      quotaError?: string;
      /** Format: uuid */
      pendingDecommissionRequestId?: string;
    };
    NamespaceAccess: {
      cluster: string;
      namespace: string;
      /** @description Owner Group entity ref */
      owner: string;
      status: components['schemas']['RequestStatus'];
      /**
       * @description Member of the owner Group, extra member, or a RoleBinding made with kubectl
       * @enum {string}
       */
      via: 'group' | 'extra' | 'binding';
      subject: {
        /** @enum {string} */
        kind: 'User' | 'Group' | 'ServiceAccount';
        name: string;
        namespace?: string;
      };
      /** @description User entity ref, when known */
      user?: string;
      role: {
        /** @enum {string} */
        kind: 'ClusterRole' | 'Role';
        name: string;
      };
      /** @description via group and extra: the roles of the RoleBindings Cluster Access made for them, as provisioning or a member change applied them, then as the reconciler last saw them in the cluster (empty until one of them is applied) */
      roles?: {
        /** @enum {string} */
        kind: 'ClusterRole' | 'Role';
        name: string;
      }[];
      /** @description via binding: the RoleBinding */
      binding?: string;
      /**
       * @description via binding: who the subject is to the namespace
       * @enum {string}
       */
      standing?:
        | 'member'
        | 'extra'
        | 'owner-group'
        | 'own-service-account'
        | 'outsider'
        | 'unknown';
      /** @description Lets in someone who is neither a member nor an extra member */
      flagged: boolean;
      addedBy?: string;
      /** Format: date-time */
      addedAt?: string;
      /** Format: date-time */
      expiresAt?: string;
      /**
       * Format: date-time
       * @description via binding: when the reconciler first saw it
       */
      since?: string;
    };
    HistoryEvent: {
      /** Format: uuid */
      id: string;
      /** Format: date-time */
      createdAt: string;
      /** @description Entity ref of the user that caused the event, or `system` */
      actor: string;
      /**
       * @description Dotted event type, e.g. `request.created`, `certificate.failed`
       * @example certificate.issued
       */
      type: string;
      /** Format: uuid */
      requestId?: string;
      /** @description `<cluster>/<namespace>` */
      namespace?: string;
      message: string;
      /** @description Structured details; never secrets or keys. */
      details?: {
        [key: string]: unknown;
      };
    };
    CertificateIdentity: {
      /** @description The certificate's CN; Kubernetes maps it to the user. */
      username: string;
      /** @description The certificate's O values; Kubernetes maps each to a group. */
      groups: string[];
      defaultTtlSeconds: number;
      maxTtlSeconds: number;
    };
    CertificateRequest: {
      /** @description PEM PKCS#10 CSR with subject exactly CN=username, O=each group. */
      csr: string;
      /**
       * @description Lifetime; default `defaultTtlSeconds`. Beyond the configured
       *     maximum is 400; beyond the Vault role's cap it is capped, with a
       *     warning.
       */
      ttlSeconds?: number;
    };
    ClusterInfo: {
      name: string;
      title?: string;
      /** @description API server URL */
      server: string;
      /** @description Base64 of the PEM CA bundle of the API server */
      certificateAuthorityData?: string;
    };
    IssuedCertificate: {
      /** @description PEM client certificate */
      certificate: string;
      /** @description PEM certificates from the issuer up to the root. */
      caChain: string[];
      /** @example 1a:2b:3c */
      serialNumber: string;
      /** Format: date-time */
      expiresAt: string;
      username: string;
      groups: string[];
      clusters: components['schemas']['ClusterInfo'][];
      /** @description E.g. a TTL that was capped. */
      warnings: string[];
    };
    CertificateRecord: {
      serialNumber: string;
      username: string;
      groups: string[];
      /** Format: date-time */
      issuedAt: string;
      /** Format: date-time */
      expiresAt: string;
      /** Format: date-time */
      revokedAt?: string;
    };
  };
  responses: {
    /** @description Invalid input */
    BadRequest: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['ErrorResponse'];
      };
    };
    /** @description Not signed in */
    Unauthorized: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['ErrorResponse'];
      };
    };
    /** @description Not allowed */
    Forbidden: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['ErrorResponse'];
      };
    };
    /** @description No such request or namespace */
    NotFound: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['ErrorResponse'];
      };
    };
    /** @description The request is no longer pending, or a conflicting one exists */
    Conflict: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['ErrorResponse'];
      };
    };
    /** @description The cluster could not be reached */
    Unavailable: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['ErrorResponse'];
      };
    };
    /**
     * @description Not a user (service principal), no permission
     *     `cluster-access.certificate.create`, or no certificate username can
     *     be made from the caller's entity ref
     */
    CertificateForbidden: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['ErrorResponse'];
      };
    };
    /**
     * @description The Vault entity found for the caller's certificate username records
     *     another Backstage user (metadata `backstage_entity_ref`); a Vault
     *     operator has to resolve it
     */
    IdentityConflict: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['ErrorResponse'];
      };
    };
    /**
     * @description Vault refused the backend (check its policy and login), or returned a
     *     certificate that fails the backend's checks (it is revoked at once)
     */
    BadGateway: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['ErrorResponse'];
      };
    };
    /**
     * @description Certificate issuance is not configured (`clusterAccess.vault`), or
     *     Vault is sealed, down, slow or failing
     */
    CertificatesUnavailable: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['ErrorResponse'];
      };
    };
  };
  parameters: {
    RequestId: string;
    Cluster: string;
    Name: string;
  };
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  getHealth: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Up */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {string} */
            status: 'ok';
          };
        };
      };
    };
  };
  listHistory: {
    parameters: {
      query?: {
        /** @description Only the events of this namespace request. */
        request?: string;
        /** @description Only the events of this namespace, as `<cluster>/<namespace>`. */
        namespace?: string;
        /** @description Only the events this entity ref (or `system`) caused. */
        actor?: string;
        /** @description At most this many events (default 100). */
        limit?: number;
        /**
         * @description The next, older page: `pageInfo.nextCursor` of the previous
         *     answer, sent with the same `request`, `namespace` and `actor`
         *     (a cursor for other filters is refused, 400); `limit` may
         *     differ. Opaque. Events added while paging do not shift the pages.
         */
        cursor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Events */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['HistoryEvent'][];
            pageInfo: {
              /** @description Set when older events match; send it as `cursor` for the next page. */
              nextCursor?: string;
            };
          };
        };
      };
      /** @description An invalid or unknown query parameter, or a cursor that is malformed or for other filters */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponse'];
        };
      };
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
    };
  };
  getCertificateIdentity: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The caller's certificate identity */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CertificateIdentity'];
        };
      };
      401: components['responses']['Unauthorized'];
      403: components['responses']['CertificateForbidden'];
      409: components['responses']['IdentityConflict'];
      502: components['responses']['BadGateway'];
      503: components['responses']['CertificatesUnavailable'];
    };
  };
  listCertificates: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Certificates */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['CertificateRecord'][];
          };
        };
      };
      401: components['responses']['Unauthorized'];
      403: components['responses']['CertificateForbidden'];
      503: components['responses']['CertificatesUnavailable'];
    };
  };
  issueCertificate: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CertificateRequest'];
      };
    };
    responses: {
      /** @description The certificate, its CA chain and the clusters it works on */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['IssuedCertificate'];
        };
      };
      /** @description Invalid body, a CSR that breaks the rules, or a TTL out of range */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponse'];
        };
      };
      401: components['responses']['Unauthorized'];
      403: components['responses']['CertificateForbidden'];
      409: components['responses']['IdentityConflict'];
      502: components['responses']['BadGateway'];
      503: components['responses']['CertificatesUnavailable'];
    };
  };
  revokeCertificate: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Serial number as hex pairs separated by colons (Vault's notation), dashes, or plain hex. */
        serial: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The revoked certificate */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CertificateRecord'];
        };
      };
      401: components['responses']['Unauthorized'];
      403: components['responses']['CertificateForbidden'];
      /** @description The caller has no certificate with this serial number */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponse'];
        };
      };
      502: components['responses']['BadGateway'];
      503: components['responses']['CertificatesUnavailable'];
    };
  };
  listTiers: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Tiers */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['RequestableTier'][];
          };
        };
      };
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
    };
  };
  listClusters: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Clusters */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['Cluster'][];
          };
        };
      };
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
    };
  };
  listRequests: {
    parameters: {
      query?: {
        /** @description Comma-separated statuses. */
        status?: string;
        /** @description Owner Group entity ref. */
        owner?: string;
        /** @description Only the caller's own requests. */
        mine?: 'true' | 'false';
        /** @description Only requests the caller approved or rejected, most recently decided first. */
        decidedByMe?: 'true' | 'false';
        cluster?: string;
        namespace?: string;
        kind?: components['schemas']['RequestKind'];
        limit?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Requests */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['NamespaceRequest'][];
          };
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
    };
  };
  createRequest: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['NamespaceRequestInput'];
      };
    };
    responses: {
      /** @description The request (status `pending`, or `approved` for tiers without approval) */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['NamespaceRequest'];
        };
      };
      /** @description Invalid name (DNS-1123 label, ≤ 63, reserved, naming rule), unknown tier, cluster or Group */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponse'];
        };
      };
      401: components['responses']['Unauthorized'];
      /** @description No permission, or not a member of the owner Group */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponse'];
        };
      };
      /** @description The namespace exists in the cluster or is requested already */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponse'];
        };
      };
      503: components['responses']['Unavailable'];
    };
  };
  dryRunRequest: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['NamespaceRequestInput'];
      };
    };
    responses: {
      /** @description What filing the request would do */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['NamespaceRequestDryRun'];
        };
      };
      /** @description Invalid name, unknown tier, cluster or Group */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponse'];
        };
      };
      401: components['responses']['Unauthorized'];
      /** @description No permission, or not a member of the owner Group */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponse'];
        };
      };
      /** @description The namespace exists in the cluster or is requested already */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponse'];
        };
      };
      503: components['responses']['Unavailable'];
    };
  };
  getRequest: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: components['parameters']['RequestId'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The request */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['NamespaceRequest'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
    };
  };
  getRequestManifests: {
    parameters: {
      query?: {
        /** @description `yaml`: the manifests as one multi-document YAML file to download. */
        format?: 'json' | 'yaml';
      };
      header?: never;
      path: {
        id: components['parameters']['RequestId'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The objects, and where the request stands with them */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['NamespaceRequestManifests'];
          'text/yaml': string;
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
    };
  };
  approveRequest: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: components['parameters']['RequestId'];
      };
      cookie?: never;
    };
    requestBody?: {
      content: {
        'application/json': {
          comment?: string;
        };
      };
    };
    responses: {
      /** @description The approved request */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['NamespaceRequest'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      409: components['responses']['Conflict'];
    };
  };
  rejectRequest: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: components['parameters']['RequestId'];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          comment: string;
        };
      };
    };
    responses: {
      /** @description The rejected request */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['NamespaceRequest'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      409: components['responses']['Conflict'];
    };
  };
  withdrawRequest: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: components['parameters']['RequestId'];
      };
      cookie?: never;
    };
    requestBody?: {
      content: {
        'application/json': {
          comment?: string;
        };
      };
    };
    responses: {
      /** @description The withdrawn request */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['NamespaceRequest'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      409: components['responses']['Conflict'];
    };
  };
  listNamespaces: {
    parameters: {
      query?: {
        owner?: string;
        cluster?: string;
        /** @description Only namespaces this user entity ref has access to. */
        user?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Namespaces */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['ManagedNamespace'][];
          };
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
    };
  };
  listAccess: {
    parameters: {
      query?: {
        /** @description Only namespaces owned by this Group entity ref. */
        owner?: string;
        cluster?: string;
        namespace?: string;
        /** @description Only the ways in of this User entity ref (by entity ref, Kubernetes user name, or through their Groups). */
        user?: string;
        /** @description `true`: only flagged entries. */
        flagged?: 'true' | 'false';
        /** @description `true`: only the ways in of the signed-in user (as `user` with their own entity ref). */
        mine?: 'true' | 'false';
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Ways in, by cluster and namespace */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['NamespaceAccess'][];
          };
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
    };
  };
  decommissionNamespace: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        cluster: components['parameters']['Cluster'];
        name: components['parameters']['Name'];
      };
      cookie?: never;
    };
    requestBody?: {
      content: {
        'application/json': {
          reason?: string;
        };
      };
    };
    responses: {
      /** @description The decommission request */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['NamespaceRequest'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      409: components['responses']['Conflict'];
    };
  };
  addMember: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        cluster: components['parameters']['Cluster'];
        name: components['parameters']['Name'];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description User entity ref */
          user: string;
        };
      };
    };
    responses: {
      /** @description The member */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            user: string;
            username: string;
            /** @description False when the cluster could not be reached; the reconciler grants it later. */
            applied: boolean;
          };
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      409: components['responses']['Conflict'];
    };
  };
  removeMember: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        cluster: components['parameters']['Cluster'];
        name: components['parameters']['Name'];
        /** @description User entity ref (URL-encoded). */
        user: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Removed */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            applied: boolean;
          };
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
    };
  };
}
