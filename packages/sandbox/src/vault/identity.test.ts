import { startVaultPeer, VaultPeer } from './index';
import {
  vaultClient,
  VaultClient,
  vaultFailure,
} from './__testUtils__/helpers';

describe('Vault peer identity store', () => {
  let peer: VaultPeer;
  let root: VaultClient;
  let approleAccessor: string;

  beforeAll(async () => {
    peer = await startVaultPeer();
    root = vaultClient(peer.url, peer.rootToken);
    await root.enableAuth({ mount_point: 'approle', type: 'approle' });
    approleAccessor = (await root.auths()).data['approle/'].accessor;
  });

  afterAll(async () => {
    await peer.close();
  });

  it('creates an entity, updates it by name and reads it back', async () => {
    const created = await root.write('identity/entity', {
      name: 'alice',
      metadata: { email: 'alice@example.com' },
      policies: ['user'],
    });
    expect(created.data).toEqual({
      id: expect.any(String),
      name: 'alice',
      aliases: null,
    });

    // A second create with the same name updates the entity and answers 204, as Vault does.
    expect(
      await root.write('identity/entity', {
        name: 'alice',
        policies: ['user', 'extra'],
      }),
    ).toBe('');

    const read = (await root.read('identity/entity/name/alice')).data;
    expect(read).toMatchObject({
      id: created.data.id,
      name: 'alice',
      metadata: { email: 'alice@example.com' },
      policies: ['extra', 'user'],
      aliases: [],
      group_ids: [],
      direct_group_ids: [],
      inherited_group_ids: [],
      disabled: false,
    });
    expect(Date.parse(read.creation_time)).not.toBeNaN();
    expect(Date.parse(read.last_update_time)).not.toBeNaN();
    expect(
      (await root.read(`identity/entity/id/${created.data.id}`)).data.name,
    ).toBe('alice');
    expect((await root.list('identity/entity/name')).data.keys).toContain(
      'alice',
    );
    expect(
      await vaultFailure(root.read('identity/entity/name/nobody')),
    ).toEqual({ status: 404, errors: [] });
  });

  it('round-trips groups and reports direct and inherited membership on the entity', async () => {
    const bob = (
      await root.write('identity/entity/name/bob', {
        metadata: { team: 'platform' },
      })
    ).data;
    expect(bob.name).toBe('bob');
    const team = (
      await root.write('identity/group', {
        name: 'team-a',
        type: 'internal',
        member_entity_ids: [bob.id],
        policies: ['team-a'],
        metadata: { owner: 'platform' },
      })
    ).data;
    expect(team).toEqual({ id: expect.any(String), name: 'team-a' });
    const org = (
      await root.write('identity/group', {
        name: 'org',
        member_group_ids: [team.id],
      })
    ).data;

    const entity = (await root.read('identity/entity/name/bob')).data;
    expect(entity.direct_group_ids).toEqual([team.id]);
    expect(entity.inherited_group_ids).toEqual([org.id]);
    expect(entity.group_ids).toEqual([team.id, org.id]);

    const group = (await root.read('identity/group/name/team-a')).data;
    expect(group).toMatchObject({
      id: team.id,
      name: 'team-a',
      type: 'internal',
      member_entity_ids: [bob.id],
      policies: ['team-a'],
      metadata: { owner: 'platform' },
      member_group_ids: null,
      parent_group_ids: [org.id],
    });
    expect(
      (await root.read(`identity/group/id/${org.id}`)).data.member_group_ids,
    ).toEqual([team.id]);

    // Updating by name answers 204; deleting the entity removes it from the group.
    expect(
      await root.write('identity/group/name/team-a', {
        policies: ['team-a', 'more'],
      }),
    ).toBe('');
    await root.delete('identity/entity/name/bob');
    expect(
      (await root.read('identity/group/name/team-a')).data.member_entity_ids,
    ).toEqual([]);
    expect(
      await vaultFailure(
        root.write('identity/group', {
          name: 'bad',
          member_entity_ids: ['nope'],
        }),
      ),
    ).toEqual({
      status: 400,
      errors: ['invalid entity ID "nope"'],
    });
  });

  it('creates entity aliases against auth mount accessors', async () => {
    const carol = (await root.write('identity/entity', { name: 'carol' })).data;
    const alias = await root.write('identity/entity-alias', {
      name: 'carol@example.com',
      canonical_id: carol.id,
      mount_accessor: approleAccessor,
    });
    expect(alias.data).toEqual({
      id: expect.any(String),
      canonical_id: carol.id,
    });

    const entity = (await root.read(`identity/entity/id/${carol.id}`)).data;
    expect(entity.aliases).toEqual([
      expect.objectContaining({
        id: alias.data.id,
        name: 'carol@example.com',
        canonical_id: carol.id,
        mount_accessor: approleAccessor,
        mount_type: 'approle',
        mount_path: 'auth/approle/',
      }),
    ]);
    const found = await root.write('identity/lookup/entity', {
      alias_name: 'carol@example.com',
      alias_mount_accessor: approleAccessor,
    });
    expect(found.data.id).toBe(carol.id);
    expect(await root.write('identity/lookup/entity', { name: 'nobody' })).toBe(
      '',
    );

    // Writing the same alias again changes nothing (204).
    expect(
      await root.write('identity/entity-alias', {
        name: 'carol@example.com',
        canonical_id: carol.id,
        mount_accessor: approleAccessor,
      }),
    ).toBe('');
    expect(
      await vaultFailure(
        root.write('identity/entity-alias', {
          name: 'carol2',
          canonical_id: carol.id,
          mount_accessor: approleAccessor,
        }),
      ),
    ).toEqual({
      status: 400,
      errors: ['Alias already exists for requested entity and mount accessor'],
    });
    expect(
      await vaultFailure(
        root.write('identity/entity-alias', {
          name: 'x',
          canonical_id: carol.id,
          mount_accessor: 'auth_nope_1234',
        }),
      ),
    ).toEqual({
      status: 400,
      errors: ['invalid mount accessor "auth_nope_1234"'],
    });
  });

  it('moves an existing alias to the entity a create names, as Vault does', async () => {
    // Vault's handleAliasCreateUpdateCommon: an existing mount and name is an
    // update, and handleAliasUpdate moves it to the canonical_id given.
    const login = (
      await root.write('identity/entity', { name: 'login-of-erin' })
    ).data;
    const created = await root.write('identity/entity-alias', {
      name: 'erin',
      canonical_id: login.id,
      mount_accessor: approleAccessor,
    });
    const other = (await root.write('identity/entity', { name: 'erin' })).data;
    const moved = await root.write('identity/entity-alias', {
      name: 'erin',
      canonical_id: other.id,
      mount_accessor: approleAccessor,
    });
    expect(moved.data).toEqual({
      id: created.data.id,
      canonical_id: other.id,
    });
    expect(
      (await root.read(`identity/entity/id/${login.id}`)).data.aliases,
    ).toEqual([]);
    const owner = await root.write('identity/lookup/entity', {
      alias_name: 'erin',
      alias_mount_accessor: approleAccessor,
    });
    expect(owner.data.id).toBe(other.id);

    // It does not move onto an entity that already has an alias there.
    const third = (await root.write('identity/entity', { name: 'erin3' })).data;
    await root.write('identity/entity-alias', {
      name: 'erin3',
      canonical_id: third.id,
      mount_accessor: approleAccessor,
    });
    expect(
      await vaultFailure(
        root.write('identity/entity-alias', {
          name: 'erin',
          canonical_id: third.id,
          mount_accessor: approleAccessor,
        }),
      ),
    ).toEqual({
      status: 400,
      errors: [
        'Alias cannot be updated as the given entity already has an alias for this mount ',
      ],
    });
  });

  it("looks entities up with exactly one set of parameters, with Vault's messages", async () => {
    for (const [body, message] of [
      [{}, 'query parameter not supplied'],
      [
        { id: 'x', name: 'y' },
        'query parameter conflict; please supply distinct set of query parameters',
      ],
      [
        { alias_name: 'x' },
        "both 'alias_name' and 'alias_mount_accessor' needs to be set",
      ],
    ] as const) {
      expect(
        await vaultFailure(root.write('identity/lookup/entity', body)),
      ).toEqual({ status: 400, errors: [message] });
    }
  });

  it('grants entity and group policies to tokens of the entity', async () => {
    await root.write('sys/policies/acl/group-reader', {
      policy: 'path "identity/group/name/*" { capabilities = ["read"] }',
    });
    await root.write('auth/approle/role/svc', { token_policies: [] });
    const roleId = (await root.read('auth/approle/role/svc/role-id')).data
      .role_id;
    const secretId = (await root.write('auth/approle/role/svc/secret-id', {}))
      .data.secret_id;
    const client = vaultClient(peer.url);
    const login = await client.approleLogin({
      role_id: roleId,
      secret_id: secretId,
    });
    expect(login.auth.token_policies).toEqual(['default']);
    expect(
      await vaultFailure(client.read('identity/group/name/team-a')),
    ).toMatchObject({ status: 403 });

    await root.write('identity/group', {
      name: 'readers',
      member_entity_ids: [login.auth.entity_id],
      policies: ['group-reader'],
    });
    expect((await client.read('identity/group/name/team-a')).data.name).toBe(
      'team-a',
    );
    expect((await client.tokenLookupSelf()).data.identity_policies).toEqual([
      'group-reader',
    ]);

    await root.write(`identity/entity/id/${login.auth.entity_id}`, {
      disabled: true,
    });
    expect(await vaultFailure(client.tokenLookupSelf())).toMatchObject({
      status: 403,
    });
  });
});
