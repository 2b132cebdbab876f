import {
  AuthService,
  coreServices,
  createBackendModule,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  clusterAccessRequestApprovePermission,
  clusterAccessRequestCreatePermission,
  isClusterAccessPermission,
} from '@cluster-access/plugin-cluster-access-common';
import {
  createNamespaceRequestConditionalDecision,
  namespaceRequestConditions,
} from '@cluster-access/plugin-cluster-access-backend';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { CatalogService, catalogServiceRef } from '@backstage/plugin-catalog-node';

/** How long a Group's ancestry is trusted before it is read again. */
const ANCESTRY_TTL_MS = 30_000;
/** Bound on parent hops, so a cycle in the catalog cannot loop forever. */
const MAX_DEPTH = 16;

/**
 * Answers whether a user belongs to the organisation: whether any Group they
 * are a member of is the organisation's root Group or below it.
 */
export class OrganizationMembership {
  private readonly ancestry = new Map<
    string,
    { refs: string[]; expires: number }
  >();

  constructor(
    private readonly options: {
      catalog: Pick<CatalogService, 'getEntityByRef'>;
      auth: AuthService;
      organizationGroupRef: string;
      now?: () => number;
    },
  ) {}

  async isMember(ownershipEntityRefs: string[]): Promise<boolean> {
    const groups = ownershipEntityRefs.filter(
      ref => parseEntityRef(ref).kind.toLocaleLowerCase('en-US') === 'group',
    );
    for (const group of groups) {
      const ancestry = await this.ancestryOf(group);
      if (ancestry.includes(this.options.organizationGroupRef)) {
        return true;
      }
    }
    return false;
  }

  private async ancestryOf(groupRef: string): Promise<string[]> {
    const now = (this.options.now ?? Date.now)();
    const cached = this.ancestry.get(groupRef);
    if (cached && cached.expires > now) {
      return cached.refs;
    }
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const refs: string[] = [];
    let current: string | undefined = groupRef;
    while (current && refs.length < MAX_DEPTH && !refs.includes(current)) {
      refs.push(current);
      const entity: Entity | undefined =
        await this.options.catalog.getEntityByRef(current, { credentials });
      const parent = entity?.spec?.parent;
      current =
        typeof parent === 'string'
          ? stringifyEntityRef(
              parseEntityRef(parent, {
                defaultKind: 'group',
                defaultNamespace: entity!.metadata.namespace ?? 'default',
              }),
            )
          : undefined;
    }
    this.ancestry.set(groupRef, { refs, expires: now + ANCESTRY_TTL_MS });
    return refs;
  }
}

/**
 * The demo portal's policy: Cluster Access permissions only for members of
 * the sample organisation, but for reading (history, requests, namespaces),
 * which every signed-in user may; everything else allowed, as in the default
 * app.
 * Approving (or rejecting) namespace requests is further limited to members
 * of the approver Group. Tiers without approval (dev) never ask; the backend
 * refuses self-approval whatever this policy says. Only members of the prod
 * requester Group may request namespaces of the `prod` tier: for everyone
 * else, creating is a conditional decision that the backend checks against
 * the request being filed.
 */
export class DemoPermissionPolicy implements PermissionPolicy {
  constructor(
    private readonly options: {
      membership: Pick<OrganizationMembership, 'isMember'>;
      userInfo: Pick<UserInfoService, 'getUserInfo'>;
      /** Group whose direct members approve requests (default group:default/cluster-approvers). */
      approverGroupRef?: string;
      /** Group whose direct members may request prod namespaces (default group:default/platform). */
      prodRequesterGroupRef?: string;
    },
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!isClusterAccessPermission(request.permission)) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (!user) {
      return { result: AuthorizeResult.DENY };
    }
    // Reading the history, requests and namespaces stays public to every
    // signed-in user, members of the organisation or not: approvals happen
    // in view of all.
    if (request.permission.attributes.action === 'read') {
      return { result: AuthorizeResult.ALLOW };
    }
    const { ownershipEntityRefs } = await this.options.userInfo.getUserInfo(
      user.credentials,
    );
    const member = await this.options.membership.isMember(ownershipEntityRefs);
    if (!member) {
      return { result: AuthorizeResult.DENY };
    }
    if (isPermission(request.permission, clusterAccessRequestCreatePermission)) {
      const prodRequesters =
        this.options.prodRequesterGroupRef ?? 'group:default/platform';
      if (ownershipEntityRefs.includes(prodRequesters)) {
        return { result: AuthorizeResult.ALLOW };
      }
      return createNamespaceRequestConditionalDecision(request.permission, {
        not: namespaceRequestConditions.isTier({ tiers: ['prod'] }),
      });
    }
    if (
      request.permission.name === clusterAccessRequestApprovePermission.name
    ) {
      const approvers =
        this.options.approverGroupRef ?? 'group:default/cluster-approvers';
      return {
        result: ownershipEntityRefs.includes(approvers)
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      };
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

/** Installs {@link DemoPermissionPolicy} in the permission backend. */
export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'cluster-access-demo-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        auth: coreServices.auth,
        userInfo: coreServices.userInfo,
        catalog: catalogServiceRef,
      },
      async init({ policy, config, auth, userInfo, catalog }) {
        const organizationGroupRef = stringifyEntityRef(
          parseEntityRef(
            config.getOptionalString('clusterAccessDemo.organizationGroup') ??
              'group:default/acme',
            { defaultKind: 'group', defaultNamespace: 'default' },
          ),
        );
        policy.setPolicy(
          new DemoPermissionPolicy({
            membership: new OrganizationMembership({
              catalog,
              auth,
              organizationGroupRef,
            }),
            userInfo,
            approverGroupRef: stringifyEntityRef(
              parseEntityRef(
                config.getOptionalString('clusterAccessDemo.approverGroup') ??
                  'group:default/cluster-approvers',
                { defaultKind: 'group', defaultNamespace: 'default' },
              ),
            ),
            prodRequesterGroupRef: stringifyEntityRef(
              parseEntityRef(
                config.getOptionalString(
                  'clusterAccessDemo.prodRequesterGroup',
                ) ?? 'group:default/platform',
                { defaultKind: 'group', defaultNamespace: 'default' },
              ),
            ),
          }),
        );
      },
    });
  },
});
