import {
  Content,
  Header,
  InfoCard,
  Page,
  ProxiedSignInPage,
} from '@backstage/core-components';
import { configApiRef, IdentityApi, useApi } from '@backstage/core-plugin-api';
import { SignInPageProps } from '@backstage/plugin-app-react';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';

const PROVIDER_ID = 'sample-users';
const HEADER = 'x-cluster-access-sample-user';
const STORAGE_KEY = 'cluster-access:sample-user';

type SampleUser = { name: string; description?: string };

/**
 * Sign-in for the local demo: pick one of the sample users. The backend's
 * sample-users provider checks the choice against its own list and signs the
 * user in from the catalog, so the portal then behaves as for a real login.
 */
export const SampleUserSignInPage = (props: SignInPageProps) => {
  const configApi = useApi(configApiRef);
  const users: SampleUser[] =
    configApi
      .getOptionalConfigArray(`auth.providers.${PROVIDER_ID}.users`)
      ?.map(c => ({
        name: c.getString('name'),
        description: c.getOptionalString('description'),
      })) ?? [];
  const [chosen, setChosen] = useState<string | undefined>(
    () => window.localStorage.getItem(STORAGE_KEY) ?? undefined,
  );

  if (chosen) {
    return (
      <ProxiedSignInPage
        provider={PROVIDER_ID}
        headers={{ [HEADER]: chosen }}
        onSignInSuccess={(identityApi: IdentityApi) => {
          // Signing out must bring the picker back, not sign in again.
          const signOut = identityApi.signOut.bind(identityApi);
          identityApi.signOut = async () => {
            window.localStorage.removeItem(STORAGE_KEY);
            await signOut();
          };
          props.onSignInSuccess(identityApi);
        }}
        ErrorComponent={({ error }) => (
          <Page themeId="home">
            <Header title="Sign-in failed" />
            <Content>
              <Typography paragraph>{error?.message}</Typography>
              <Typography paragraph>
                Right after the first start the catalog may still be reading
                the sample organisation: try again in a few seconds.
              </Typography>
              <Button
                variant="outlined"
                color="primary"
                style={{ marginRight: 16 }}
                onClick={() => window.location.reload()}
              >
                Try again
              </Button>
              <Button
                variant="contained"
                color="primary"
                onClick={() => {
                  window.localStorage.removeItem(STORAGE_KEY);
                  setChosen(undefined);
                }}
              >
                Choose another sample user
              </Button>
            </Content>
          </Page>
        )}
      />
    );
  }

  return (
    <Page themeId="home">
      <Header
        title="Cluster Access demo"
        subtitle="Local development sign-in: choose a sample user"
      />
      <Content>
        <Grid container spacing={2}>
          {users.map(user => (
            <Grid item xs={12} sm={6} md={4} key={user.name}>
              <InfoCard title={user.name}>
                <Typography variant="body2" paragraph>
                  {user.description ?? 'Sample user'}
                </Typography>
                <Button
                  variant="contained"
                  color="primary"
                  aria-label={`Sign in as ${user.name}`}
                  onClick={() => {
                    window.localStorage.setItem(STORAGE_KEY, user.name);
                    setChosen(user.name);
                  }}
                >
                  Sign in as {user.name}
                </Button>
              </InfoCard>
            </Grid>
          ))}
          {users.length === 0 && (
            <Grid item xs={12}>
              <Typography>
                No sample users are configured
                (auth.providers.sample-users.users).
              </Typography>
            </Grid>
          )}
        </Grid>
      </Content>
    </Page>
  );
};
