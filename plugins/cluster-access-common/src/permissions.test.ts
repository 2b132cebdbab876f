import {
  clusterAccessHistoryReadPermission,
  clusterAccessNamespaceReadPermission,
  clusterAccessPermissions,
  clusterAccessRequestApprovePermission,
  isClusterAccessPermission,
} from './permissions';

describe('permissions', () => {
  it('names every permission under the cluster-access prefix, once', () => {
    const names = clusterAccessPermissions.map(p => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const p of clusterAccessPermissions) {
      expect(isClusterAccessPermission(p)).toBe(true);
    }
    expect(isClusterAccessPermission({ name: 'catalog.entity.read' })).toBe(
      false,
    );
  });

  it('makes approval a resource permission on requests', () => {
    expect(clusterAccessRequestApprovePermission.type).toBe('resource');
    expect(clusterAccessRequestApprovePermission).toMatchObject({
      resourceType: 'cluster-access-request',
    });
  });

  it('makes the reads basic read permissions that policies can deny', () => {
    for (const p of [
      clusterAccessHistoryReadPermission,
      clusterAccessNamespaceReadPermission,
    ]) {
      expect(p.type).toBe('basic');
      expect(p.attributes).toEqual({ action: 'read' });
      expect(clusterAccessPermissions).toContain(p);
    }
  });
});
