import { startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderModuleClusterAccess } from './module';

describe('scaffolderModuleClusterAccess', () => {
  it('installs into a backend', async () => {
    const backend = await startTestBackend({
      features: [scaffolderModuleClusterAccess],
    });
    expect(backend.server.listening).toBe(true);
    await backend.stop();
  });
});
