export interface Config {
  /** Configuration for the Cluster Access plugin. */
  clusterAccess?: {
    /** How client certificates for signed-in users are made. */
    certificates?: {
      /** Lifetime of a certificate when the client does not ask for one, in seconds. Default 28800 (8h). */
      defaultTtlSeconds?: number;
      /** Longest lifetime a client may ask for, in seconds. Default 86400 (24h); the Vault role may cap it further. */
      maxTtlSeconds?: number;
      /** Certificate username (CN) from the user entity ref: '{{name}}' (default) or '{{namespace}}-{{name}}'. */
      usernameFormat?: '{{name}}' | '{{namespace}}-{{name}}';
      /** Prefix added to every group name (O) before sanitising, e.g. 'backstage:'. Default none. */
      groupPrefix?: string;
      /** Whether the user's Vault identity groups go into certificates. Default true. */
      includeVaultGroups?: boolean;
      /** When not empty, only groups matching one of these names (after the prefix; '*' is a wildcard) go into certificates. */
      allowedGroups?: string[];
    };
    /** The Vault that signs certificates. Without it the certificate routes answer 503. */
    vault?: {
      /** Vault address, e.g. https://vault.example.com:8200. */
      address: string;
      /** Mount path of the PKI secrets engine. Default 'pki'. */
      pkiMount?: string;
      /** PKI role used with sign-verbatim. Default 'kubernetes-client'. */
      role?: string;
      /** Timeout of each Vault request in milliseconds. Default 5000. */
      timeoutMs?: number;
      /** PEM file with the CA that must have issued the certificates; default: read from <pkiMount>/ca/pem at startup. */
      caFile?: string;
      /** PEM file with CA certificates to trust for Vault's own TLS certificate (https addresses). */
      tlsCaFile?: string;
      /** Vault identity (entity) settings. */
      identity?: {
        /** Path of the auth mount (e.g. 'oidc') whose accessor new entity aliases use; no alias is made when unset. */
        aliasMountPath?: string;
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
    /** The clusters certificates work on; every kubeconfig gets one context per cluster. */
    clusters?: Array<{
      /** Short name, used for the kubeconfig cluster and context. */
      name: string;
      /** Human-readable name. */
      title?: string;
      /** API server URL. */
      url: string;
      /** PEM file with the CA bundle of the API server's certificate. */
      caFile?: string;
      /** Base64 of the PEM CA bundle of the API server's certificate (instead of caFile). */
      caData?: string;
    }>;
  };
}
