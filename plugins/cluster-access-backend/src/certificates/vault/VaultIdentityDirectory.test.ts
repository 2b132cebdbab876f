import { ConflictError } from '@backstage/errors';
import {
  recordingLogger,
  startTestVault,
  TestVault,
} from '../../__testUtils__/vault';
import { VaultClient } from './VaultClient';
import { VaultIdentityDirectory } from './VaultIdentityDirectory';

jest.setTimeout(60_000);

describe('VaultIdentityDirectory against the Vault peer', () => {
  let vault: TestVault;
  let approleAccessor: string;

  beforeAll(async () => {
    vault = await startTestVault({ approle: true });
    const mounts = await vault.root('GET', 'sys/auth');
    approleAccessor = mounts.data['approle/'].accessor;
  });
  afterAll(async () => {
    await vault.peer.close();
  });

  // Without the cache unless asked: most tests look at Vault's answers.
  function makeDirectory(aliasMountPath?: string, cacheTtlSeconds = 0) {
    const { logger, lines } = recordingLogger();
    const client = VaultClient.create({ config: vault.config(), logger });
    return {
      directory: new VaultIdentityDirectory({
        client,
        aliasMountPath,
        cacheTtlSeconds,
        logger,
      }),
      client,
      lines,
    };
  }

  /** What a login on the approle mount leaves behind: an entity with an alias. */
  async function loginEntity(aliasName: string) {
    const entity = await vault.root('POST', 'identity/entity', {
      name: `login-${aliasName}`,
    });
    await vault.root('POST', 'identity/entity-alias', {
      name: aliasName,
      mount_accessor: approleAccessor,
      canonical_id: entity.data.id,
    });
    return entity.data.id as string;
  }

  async function aliasOwner(aliasName: string) {
    const res = await vault.root('POST', 'identity/lookup/entity', {
      alias_name: aliasName,
      alias_mount_accessor: approleAccessor,
    });
    return res?.data?.id as string | undefined;
  }

  it('only reads when looking, and creates an entity for a user who has none, once', async () => {
    const { directory, client } = makeDirectory();
    const dave = { username: 'dave', userEntityRef: 'user:default/dave' };
    expect(await directory.findUser(dave)).toBeUndefined();
    await expect(
      vault.root('GET', 'identity/entity/name/dave'),
    ).rejects.toThrow(/404/);

    // "None" moments ago stands: create, then read it back, no lookup again.
    vault.peer.reset();
    const first = await directory.ensureUser({ ...dave, found: null });
    expect(first).toEqual({
      id: expect.any(String),
      created: true,
      groups: [],
    });
    expect(vault.peer.requestCounts()).toEqual({
      'POST /v1/identity/entity/name/dave': 1,
      'GET /v1/identity/entity/name/dave': 1,
    });
    const entity = await vault.root('GET', 'identity/entity/name/dave');
    expect(entity.data.id).toBe(first.id);
    expect(entity.data.metadata).toEqual({
      backstage_entity_ref: 'user:default/dave',
    });

    const found = await directory.findUser(dave);
    expect(found).toEqual({ id: first.id, groups: [] });
    const again = await directory.ensureUser({ ...dave, found });
    expect(again).toEqual({ id: first.id, created: false, groups: [] });
    client.close();
  });

  it("returns the names of the entity's direct and inherited groups", async () => {
    const { directory, client } = makeDirectory();
    const erin = { username: 'erin', userEntityRef: 'user:default/erin' };
    const { id } = await directory.ensureUser(erin);
    const platform = await vault.root('POST', 'identity/group', {
      name: 'platform-admins',
      member_entity_ids: [id],
    });
    await vault.root('POST', 'identity/group', {
      name: 'all-engineers',
      member_group_ids: [platform.data.id],
    });
    const found = await directory.findUser(erin);
    expect([...found!.groups].sort()).toEqual([
      'all-engineers',
      'platform-admins',
    ]);
    client.close();
  });

  it('adds an alias on the configured auth mount, once', async () => {
    const { directory, client } = makeDirectory('approle');
    const frank = { username: 'frank', userEntityRef: 'user:default/frank' };
    const { id } = await directory.ensureUser(frank);
    await directory.ensureUser(frank);
    const entity = await vault.root('GET', `identity/entity/id/${id}`);
    expect(entity.data.aliases).toEqual([
      expect.objectContaining({
        name: 'frank',
        mount_accessor: approleAccessor,
      }),
    ]);
    client.close();
  });

  it("finds a user's login entity through their alias and uses it, without making another", async () => {
    const { directory, client } = makeDirectory('approle');
    const loginId = await loginEntity('gina');
    await vault.root('POST', `identity/entity/id/${loginId}`, {
      metadata: { team: 'payments' },
    });
    await vault.root('POST', 'identity/group', {
      name: 'gina-ops',
      member_entity_ids: [loginId],
    });
    const gina = { username: 'gina', userEntityRef: 'user:default/gina' };
    const found = await directory.findUser(gina);
    expect(found).toEqual({ id: loginId, groups: ['gina-ops'] });

    const ensured = await directory.ensureUser({ ...gina, found });
    expect(ensured).toEqual({
      id: loginId,
      created: false,
      groups: ['gina-ops'],
    });
    await expect(
      vault.root('GET', 'identity/entity/name/gina'),
    ).rejects.toThrow(/404/);
    const login = await vault.root('GET', `identity/entity/id/${loginId}`);
    // Claimed for gina, keeping what was there.
    expect(login.data.metadata).toEqual({
      team: 'payments',
      backstage_entity_ref: 'user:default/gina',
    });
    expect(await aliasOwner('gina')).toBe(loginId);
    client.close();
  });

  it('never moves an alias that appeared after the lookup to its own entity', async () => {
    const { directory, client, lines } = makeDirectory('approle');
    const hugo = { username: 'hugo', userEntityRef: 'user:default/hugo' };
    // An entity named after hugo exists, with no login alias yet.
    const named = await vault.root('POST', 'identity/entity/name/hugo', {});
    const found = await directory.findUser(hugo);
    expect(found?.id).toBe(named.data.id);
    // hugo logs in to Vault meanwhile; Vault makes him a login entity.
    const loginId = await loginEntity('hugo');

    await directory.ensureUser({ ...hugo, found });
    // A create of (approle, hugo) would have moved it (see the peer's
    // identity tests); the directory looked again and left it alone.
    expect(await aliasOwner('hugo')).toBe(loginId);
    expect(
      (await vault.root('GET', 'identity/entity/name/hugo')).data.aliases,
    ).toEqual([]);
    expect(lines.join('\n')).toMatch(
      /alias 'hugo' on approle\/ belongs to entity .*; it is left where it is/,
    );
    client.close();
  });

  it('refuses an entity that records another Backstage user, for reading and writing', async () => {
    const { directory, client } = makeDirectory('approle');
    await vault.root('POST', 'identity/entity/name/ivy', {
      metadata: { backstage_entity_ref: 'user:other/ivy' },
    });
    const ivy = { username: 'ivy', userEntityRef: 'user:default/ivy' };
    for (const call of [
      () => directory.findUser(ivy),
      () => directory.ensureUser(ivy),
    ]) {
      const error = await call().catch(e => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toMatch(
        /Vault identity for the certificate name 'ivy' \(entity 'ivy'\) belongs to user:other\/ivy, not to user:default\/ivy/,
      );
    }
    expect(await aliasOwner('ivy')).toBeUndefined();
    client.close();
  });

  it('warns and carries on when the alias mount does not exist', async () => {
    const { directory, client, lines } = makeDirectory('oidc');
    const identity = await directory.ensureUser({
      username: 'jack',
      userEntityRef: 'user:default/jack',
    });
    expect(identity.created).toBe(true);
    expect(lines.join('\n')).toMatch(/'oidc' is not an auth mount/);
    client.close();
  });

  describe('with the identity cache', () => {
    it('reuses a user found moments ago, until the TTL; another replica sees Vault as it is', async () => {
      const { directory, client } = makeDirectory(undefined, 300);
      const kim = { username: 'kim', userEntityRef: 'user:default/kim' };
      const { id } = await directory.ensureUser(kim);
      expect((await directory.findUser(kim))!.groups).toEqual([]);
      await vault.root('POST', 'identity/group', {
        name: 'kim-admins',
        member_entity_ids: [id],
      });

      vault.peer.reset();
      expect((await directory.findUser(kim))!.groups).toEqual([]);
      expect(vault.peer.requestCounts()).toEqual({});

      // A replica without a copy (or this one after the TTL) reads Vault.
      const other = makeDirectory(undefined, 300);
      expect((await other.directory.findUser(kim))!.groups).toEqual([
        'kim-admins',
      ]);
      client.close();
      other.client.close();
    });

    it('still refuses an entity of another user from its copy', async () => {
      const { directory, client } = makeDirectory(undefined, 300);
      const lea = { username: 'lea', userEntityRef: 'user:default/lea' };
      await directory.ensureUser(lea);
      await directory.findUser(lea);
      await expect(
        directory.findUser({ username: 'lea', userEntityRef: 'user:eu/lea' }),
      ).rejects.toThrow(ConflictError);
      client.close();
    });

    it('does not remember users it did not find, nor the copy of an entity it claimed', async () => {
      const { directory, client } = makeDirectory(undefined, 300);
      const max = { username: 'max', userEntityRef: 'user:default/max' };
      expect(await directory.findUser(max)).toBeUndefined();
      // Made by someone else meanwhile, owned by nobody: found, then claimed.
      await vault.root('POST', 'identity/entity', { name: 'max' });
      const found = await directory.findUser(max);
      expect(found).toBeDefined();
      await directory.ensureUser({ ...max, found });

      vault.peer.reset();
      await directory.findUser(max);
      expect(vault.peer.requestCounts()).toEqual({
        'GET /v1/identity/entity/name/max': 1,
      });
      // The fresh copy records the claim: another user is refused from it.
      await expect(
        directory.findUser({ username: 'max', userEntityRef: 'user:eu/max' }),
      ).rejects.toThrow(ConflictError);
      client.close();
    });
  });
});
