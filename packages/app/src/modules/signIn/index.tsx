import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';

const sampleUserSignInPage = SignInPageBlueprint.make({
  params: {
    loader: async () =>
      import('./SampleUserSignInPage').then(m => m.SampleUserSignInPage),
  },
});

/** Replaces the app's sign-in page with the sample-user picker of the demo. */
export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [sampleUserSignInPage],
});
