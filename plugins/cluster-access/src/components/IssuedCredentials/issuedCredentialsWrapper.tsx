import { PluginWrapperDefinition } from '@backstage/frontend-plugin-api';
import {
  IssuedCredentials,
  IssuedCredentialsProvider,
  useIssuedCredentialsState,
} from './IssuedCredentials';

/**
 * For the new frontend system's plugin wrapper: the app calls
 * `useWrapperValue` once, at its root, so the state outlives the sub-pages
 * (the tabs) that come and go below it.
 */
export const issuedCredentialsWrapper: PluginWrapperDefinition<IssuedCredentials> =
  {
    useWrapperValue: useIssuedCredentialsState,
    component: ({ value, children }) => (
      <IssuedCredentialsProvider value={value}>
        {children}
      </IssuedCredentialsProvider>
    ),
  };
