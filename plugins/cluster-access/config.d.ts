export interface Config {
  /** Settings of the Cluster Access plugins. */
  clusterAccess?: {
    /**
     * Whom people ask when the portal refuses them something (no permission
     * to get a certificate, to request a namespace, to approve); every
     * denial names it.
     * @visibility frontend
     */
    contact?: {
      /**
       * Who or where to ask, as people say it: `#platform on Slack`, `the
       * platform team`.
       * @visibility frontend
       */
      name: string;
      /**
       * A link to it: a chat channel, a ticket form, a `mailto:` address.
       * @visibility frontend
       */
      url?: string;
    };
  };
}
