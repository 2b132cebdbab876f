import {
  recordingLogger,
  startTestVault,
  TestVault,
} from '../__testUtils__/vault';
import { VaultClient } from './VaultClient';
import { VaultIdentityDirectory } from './VaultIdentityDirectory';

jest.setTimeout(60_000);

describe('VaultIdentityDirectory against the Vault peer', () => {
  let vault: TestVault;

  beforeAll(async () => {
    vault = await startTestVault({ approle: true });
  });
  afterAll(async () => {
    await vault.peer.close();
  });

  function makeDirectory(aliasMountPath?: string) {
    const { logger, lines } = recordingLogger();
    const client = VaultClient.create({ config: vault.config(), logger });
    return {
      directory: new VaultIdentityDirectory({ client, aliasMountPath, logger }),
      client,
      lines,
    };
  }

  it('creates an entity for a user who has none, once', async () => {
    const { directory, client } = makeDirectory();
    await expect(
      vault.root('GET', 'identity/entity/name/dave'),
    ).rejects.toThrow(/404/);

    const first = await directory.ensureUser({
      username: 'dave',
      userEntityRef: 'user:default/dave',
    });
    expect(first).toEqual({
      id: expect.any(String),
      created: true,
      groups: [],
    });
    const entity = await vault.root('GET', 'identity/entity/name/dave');
    expect(entity.data.id).toBe(first.id);
    expect(entity.data.metadata).toEqual({
      backstage_entity_ref: 'user:default/dave',
    });

    const again = await directory.ensureUser({
      username: 'dave',
      userEntityRef: 'user:default/dave',
    });
    expect(again).toEqual({ id: first.id, created: false, groups: [] });
    client.close();
  });

  it("returns the names of the entity's direct and inherited groups", async () => {
    const { directory, client } = makeDirectory();
    const { id } = await directory.ensureUser({
      username: 'erin',
      userEntityRef: 'user:default/erin',
    });
    const platform = await vault.root('POST', 'identity/group', {
      name: 'platform-admins',
      member_entity_ids: [id],
    });
    await vault.root('POST', 'identity/group', {
      name: 'all-engineers',
      member_group_ids: [platform.data.id],
    });
    const identity = await directory.ensureUser({
      username: 'erin',
      userEntityRef: 'user:default/erin',
    });
    expect([...identity.groups].sort()).toEqual([
      'all-engineers',
      'platform-admins',
    ]);
    client.close();
  });

  it('adds an alias on the configured auth mount, once', async () => {
    const { directory, client } = makeDirectory('approle');
    const { id } = await directory.ensureUser({
      username: 'frank',
      userEntityRef: 'user:default/frank',
    });
    await directory.ensureUser({
      username: 'frank',
      userEntityRef: 'user:default/frank',
    });
    const entity = await vault.root('GET', `identity/entity/id/${id}`);
    const mounts = await vault.root('GET', 'sys/auth');
    expect(entity.data.aliases).toEqual([
      expect.objectContaining({
        name: 'frank',
        mount_accessor: mounts.data['approle/'].accessor,
      }),
    ]);
    client.close();
  });

  it('warns and carries on when the alias mount does not exist', async () => {
    const { directory, client, lines } = makeDirectory('oidc');
    const identity = await directory.ensureUser({
      username: 'grace',
      userEntityRef: 'user:default/grace',
    });
    expect(identity.created).toBe(true);
    expect(lines.join('\n')).toMatch(/'oidc' is not an auth mount/);
    client.close();
  });
});
