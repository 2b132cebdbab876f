export interface Config {
  auth?: {
    providers?: {
      /**
       * Local-development sign-in as a sample user (see
       * packages/backend/src/modules/sampleUsersAuth.ts). Never configure it
       * in production.
       */
      'sample-users'?: {
        /**
         * The users one may sign in as; each must exist in the catalog.
         * @visibility frontend
         */
        users: Array<{
          /**
           * User entity name.
           * @visibility frontend
           */
          name: string;
          /**
           * One line shown on the sign-in page.
           * @visibility frontend
           */
          description?: string;
        }>;
        /**
         * Let the provider start when NODE_ENV is not development. Only for a
         * throwaway demo.
         */
        dangerouslyAllowOutsideDevelopment?: boolean;
      };
    };
  };
}
