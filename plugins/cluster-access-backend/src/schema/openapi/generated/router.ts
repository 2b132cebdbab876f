// ******************************************************************
// * Generated from cluster-access-backend/src/schema/openapi.yaml
// * by scripts/openapi.mjs: do not edit; run ./scripts/dev openapi. *
// ******************************************************************

import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';
import type { Router } from 'express';

export const spec = {
  openapi: '3.0.3',
  info: {
    title: 'Cluster Access API',
    version: '0.1.0',
    description:
      "Client certificates for `kubectl` and self-service Kubernetes namespaces:\nthe caller's certificate identity, issuing, listing and revoking\ncertificates; tiers, clusters, namespace requests and their approval,\nmanaged namespaces, members and decommissioning; the public history.\nMounted at `/api/cluster-access` of the Backstage backend.\n\nEvery route but `/health` needs a signed-in Backstage user (401 without\ncredentials, 403 for service principals). Certificate routes need the\npermission `cluster-access.certificate.create` and answer 503 when\n`clusterAccess.vault` is not configured. Reads of the history need\n`cluster-access.history.read`; reads of requests, namespaces and access\nneed `cluster-access.namespace.read` (both basic permissions, allowed by\npolicies that allow by default; 403 when denied). Writes check the\npermissions named on each operation with the permission framework;\nerrors are Backstage error bodies (`ErrorResponse`).\n",
  },
  servers: [
    {
      url: '/api/cluster-access',
    },
  ],
  security: [
    {
      backstageToken: [],
    },
  ],
  tags: [
    {
      name: 'health',
      description: 'Liveness',
    },
    {
      name: 'history',
      description: 'Who asked for what, who decided, what happened',
    },
    {
      name: 'certificates',
      description: 'Client certificates for kubectl, signed by Vault',
    },
    {
      name: 'catalog',
      description: 'What can be requested',
    },
    {
      name: 'requests',
      description: 'Namespace requests and decisions',
    },
    {
      name: 'namespaces',
      description: 'Managed namespaces',
    },
  ],
  paths: {
    '/health': {
      get: {
        tags: ['health'],
        operationId: 'getHealth',
        summary: 'Answers while the plugin is up; needs no credentials.',
        security: [],
        responses: {
          '200': {
            description: 'Up',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['status'],
                  properties: {
                    status: {
                      type: 'string',
                      enum: ['ok'],
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    '/history': {
      get: {
        tags: ['history'],
        operationId: 'listHistory',
        summary:
          'History events, newest first; public to every signed-in user unless the policy denies cluster-access.history.read.',
        parameters: [
          {
            name: 'request',
            in: 'query',
            description: 'Only the events of this namespace request.',
            schema: {
              type: 'string',
              format: 'uuid',
            },
          },
          {
            name: 'namespace',
            in: 'query',
            allowReserved: true,
            description:
              'Only the events of this namespace, as `<cluster>/<namespace>`.',
            schema: {
              type: 'string',
              minLength: 1,
              maxLength: 320,
            },
          },
          {
            name: 'actor',
            in: 'query',
            allowReserved: true,
            description:
              'Only the events this entity ref (or `system`) caused.',
            schema: {
              type: 'string',
              minLength: 1,
              maxLength: 255,
            },
          },
          {
            name: 'limit',
            in: 'query',
            description: 'At most this many events (default 100).',
            schema: {
              type: 'integer',
              minimum: 1,
              maximum: 1000,
            },
          },
          {
            name: 'cursor',
            in: 'query',
            description:
              'The next, older page: `pageInfo.nextCursor` of the previous\nanswer, sent with the same `request`, `namespace` and `actor`\n(a cursor for other filters is refused, 400); `limit` may\ndiffer. Opaque. Events added while paging do not shift the pages.\n',
            schema: {
              type: 'string',
              minLength: 1,
              maxLength: 2048,
            },
          },
        ],
        responses: {
          '200': {
            description: 'Events',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['items', 'pageInfo'],
                  properties: {
                    items: {
                      type: 'array',
                      items: {
                        $ref: '#/components/schemas/HistoryEvent',
                      },
                    },
                    pageInfo: {
                      type: 'object',
                      properties: {
                        nextCursor: {
                          type: 'string',
                          description:
                            'Set when older events match; send it as `cursor` for the next page.',
                        },
                      },
                    },
                  },
                },
              },
            },
          },
          '400': {
            description:
              'An invalid or unknown query parameter, or a cursor that is malformed or for other filters',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/ErrorResponse',
                },
              },
            },
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
        },
      },
    },
    '/identity': {
      get: {
        tags: ['certificates'],
        operationId: 'getCertificateIdentity',
        summary:
          "The username and groups the caller's certificates carry, and the TTLs they may ask for.",
        description:
          "Permission `cluster-access.certificate.create`. Only reads: the\ncaller's Vault entity is looked up, never created, so a caller without\none gets no Vault groups.\n",
        responses: {
          '200': {
            description: "The caller's certificate identity",
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/CertificateIdentity',
                },
              },
            },
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/CertificateForbidden',
          },
          '409': {
            $ref: '#/components/responses/IdentityConflict',
          },
          '502': {
            $ref: '#/components/responses/BadGateway',
          },
          '503': {
            $ref: '#/components/responses/CertificatesUnavailable',
          },
        },
      },
    },
    '/certificates': {
      get: {
        tags: ['certificates'],
        operationId: 'listCertificates',
        summary: "The caller's own certificates, newest first.",
        description: 'Permission `cluster-access.certificate.create`.',
        responses: {
          '200': {
            description: 'Certificates',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['items'],
                  properties: {
                    items: {
                      type: 'array',
                      items: {
                        $ref: '#/components/schemas/CertificateRecord',
                      },
                    },
                  },
                },
              },
            },
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/CertificateForbidden',
          },
          '503': {
            $ref: '#/components/responses/CertificatesUnavailable',
          },
        },
      },
      post: {
        tags: ['certificates'],
        operationId: 'issueCertificate',
        summary: "Has Vault sign the caller's CSR into a client certificate.",
        description:
          "Permission `cluster-access.certificate.create`. The CSR (DER, valid\nsignature, EC P-256/P-384 or RSA 2048–8192) must have exactly CN =\nthe caller's username and one O per group of `GET /identity`, and at\nmost one extensionRequest attribute requesting nothing beyond key\nusage digitalSignature (+ keyEncipherment for RSA), extended key usage\nclientAuth and basic constraints CA:false. Checks that need nothing\nfrom Vault run before any Vault call; the caller's Vault entity is\ncreated only for a CSR that passed every check. The certificate Vault\nreturns is checked before anyone gets it; it is recorded, and the\nissuance goes into the history.\n",
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/CertificateRequest',
              },
            },
          },
        },
        responses: {
          '201': {
            description:
              'The certificate, its CA chain and the clusters it works on',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/IssuedCertificate',
                },
              },
            },
          },
          '400': {
            description:
              'Invalid body, a CSR that breaks the rules, or a TTL out of range',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/ErrorResponse',
                },
              },
            },
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/CertificateForbidden',
          },
          '409': {
            $ref: '#/components/responses/IdentityConflict',
          },
          '502': {
            $ref: '#/components/responses/BadGateway',
          },
          '503': {
            $ref: '#/components/responses/CertificatesUnavailable',
          },
        },
      },
    },
    '/certificates/{serial}/revoke': {
      parameters: [
        {
          name: 'serial',
          in: 'path',
          required: true,
          description:
            "Serial number as hex pairs separated by colons (Vault's notation), dashes, or plain hex.",
          schema: {
            type: 'string',
            example: '1a:2b:3c',
          },
        },
      ],
      post: {
        tags: ['certificates'],
        operationId: 'revokeCertificate',
        summary:
          "Revokes one of the caller's certificates in Vault and in the store.",
        description:
          "Permission `cluster-access.certificate.create`. Revoking a revoked\ncertificate again answers it as it is. Unknown serials and other\nusers' certificates are both 404.\n",
        responses: {
          '200': {
            description: 'The revoked certificate',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/CertificateRecord',
                },
              },
            },
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/CertificateForbidden',
          },
          '404': {
            description:
              'The caller has no certificate with this serial number',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/ErrorResponse',
                },
              },
            },
          },
          '502': {
            $ref: '#/components/responses/BadGateway',
          },
          '503': {
            $ref: '#/components/responses/CertificatesUnavailable',
          },
        },
      },
    },
    '/tiers': {
      get: {
        tags: ['catalog'],
        operationId: 'listTiers',
        summary:
          'The configured tiers, what a namespace of each gets, and where the caller may request one.',
        description:
          '`requestable` says, for the signed-in user, on which clusters and for which of their own Groups the permission policy allows `cluster-access.request.create` (its conditional decision evaluated for each). A form offers only those; `POST /requests` still checks.\n',
        responses: {
          '200': {
            description: 'Tiers',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['items'],
                  properties: {
                    items: {
                      type: 'array',
                      items: {
                        $ref: '#/components/schemas/RequestableTier',
                      },
                    },
                  },
                },
              },
            },
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
        },
      },
    },
    '/clusters': {
      get: {
        tags: ['catalog'],
        operationId: 'listClusters',
        summary:
          'The configured clusters, whether namespaces can be made there, and their tiers.',
        responses: {
          '200': {
            description: 'Clusters',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['items'],
                  properties: {
                    items: {
                      type: 'array',
                      items: {
                        $ref: '#/components/schemas/Cluster',
                      },
                    },
                  },
                },
              },
            },
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
        },
      },
    },
    '/requests': {
      get: {
        tags: ['requests'],
        operationId: 'listRequests',
        summary: 'Namespace requests, newest first.',
        parameters: [
          {
            name: 'status',
            in: 'query',
            allowReserved: true,
            description: 'Comma-separated statuses.',
            schema: {
              type: 'string',
              example: 'pending,approved',
            },
          },
          {
            name: 'owner',
            in: 'query',
            allowReserved: true,
            description: 'Owner Group entity ref.',
            schema: {
              type: 'string',
            },
          },
          {
            name: 'mine',
            in: 'query',
            description: "Only the caller's own requests.",
            schema: {
              type: 'string',
              enum: ['true', 'false'],
            },
          },
          {
            name: 'decidedByMe',
            in: 'query',
            description:
              'Only requests the caller approved or rejected, most recently decided first.',
            schema: {
              type: 'string',
              enum: ['true', 'false'],
            },
          },
          {
            name: 'cluster',
            in: 'query',
            schema: {
              type: 'string',
            },
          },
          {
            name: 'namespace',
            in: 'query',
            schema: {
              type: 'string',
            },
          },
          {
            name: 'kind',
            in: 'query',
            schema: {
              $ref: '#/components/schemas/RequestKind',
            },
          },
          {
            name: 'limit',
            in: 'query',
            schema: {
              type: 'integer',
              minimum: 1,
              maximum: 1000,
            },
          },
        ],
        responses: {
          '200': {
            description: 'Requests',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['items'],
                  properties: {
                    items: {
                      type: 'array',
                      items: {
                        $ref: '#/components/schemas/NamespaceRequest',
                      },
                    },
                  },
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
        },
      },
      post: {
        tags: ['requests'],
        operationId: 'createRequest',
        summary: "Ask for a namespace for one of the caller's Groups.",
        description:
          'Permission `cluster-access.request.create`; the caller must belong to\nthe owner Group. A tier with `approval: none` is approved at once and\nprovisioning starts in the background.\n',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/NamespaceRequestInput',
              },
            },
          },
        },
        responses: {
          '201': {
            description:
              'The request (status `pending`, or `approved` for tiers without approval)',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/NamespaceRequest',
                },
              },
            },
          },
          '400': {
            description:
              'Invalid name (DNS-1123 label, ≤ 63, reserved, naming rule), unknown tier, cluster or Group',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/ErrorResponse',
                },
              },
            },
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            description: 'No permission, or not a member of the owner Group',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/ErrorResponse',
                },
              },
            },
          },
          '409': {
            description:
              'The namespace exists in the cluster or is requested already',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/ErrorResponse',
                },
              },
            },
          },
          '503': {
            $ref: '#/components/responses/Unavailable',
          },
        },
      },
    },
    '/requests/dry-run': {
      post: {
        tags: ['requests'],
        operationId: 'dryRunRequest',
        summary:
          'Check a namespace request and show what it would apply, filing nothing.',
        description:
          "The same checks as `createRequest` (input, permission\n`cluster-access.request.create` with its conditions, membership of the\nowner Group, a free name), then the objects provisioning would apply.\nNothing is stored and nothing is written to a cluster. Used by the\nscaffolder action's dry run.\n",
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/NamespaceRequestInput',
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'What filing the request would do',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/NamespaceRequestDryRun',
                },
              },
            },
          },
          '400': {
            description: 'Invalid name, unknown tier, cluster or Group',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/ErrorResponse',
                },
              },
            },
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            description: 'No permission, or not a member of the owner Group',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/ErrorResponse',
                },
              },
            },
          },
          '409': {
            description:
              'The namespace exists in the cluster or is requested already',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/ErrorResponse',
                },
              },
            },
          },
          '503': {
            $ref: '#/components/responses/Unavailable',
          },
        },
      },
    },
    '/requests/{id}': {
      parameters: [
        {
          $ref: '#/components/parameters/RequestId',
        },
      ],
      get: {
        tags: ['requests'],
        operationId: 'getRequest',
        responses: {
          '200': {
            description: 'The request',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/NamespaceRequest',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
        },
      },
    },
    '/requests/{id}/manifests': {
      parameters: [
        {
          $ref: '#/components/parameters/RequestId',
        },
      ],
      get: {
        tags: ['requests'],
        operationId: 'getRequestManifests',
        summary:
          'The Kubernetes objects a request applies (or applied), as JSON and YAML.',
        description:
          "The objects provisioning applies for the namespace of this request,\nin order, rendered by the same code that provisions and reconciles it,\nwith the owner Group's members and extra members of now (the\nreconciler keeps a ready namespace so). A decommission request shows\nthe objects of the namespace it deletes. Open to every signed-in\nuser, like the request itself. `format=yaml` answers with the YAML\nfile alone, as a download (`Content-Disposition: attachment`).\n",
        parameters: [
          {
            name: 'format',
            in: 'query',
            description:
              '`yaml`: the manifests as one multi-document YAML file to download.',
            schema: {
              type: 'string',
              enum: ['json', 'yaml'],
            },
          },
        ],
        responses: {
          '200': {
            description: 'The objects, and where the request stands with them',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/NamespaceRequestManifests',
                },
              },
              'text/yaml': {
                schema: {
                  type: 'string',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
        },
      },
    },
    '/requests/{id}/approve': {
      parameters: [
        {
          $ref: '#/components/parameters/RequestId',
        },
      ],
      post: {
        tags: ['requests'],
        operationId: 'approveRequest',
        description:
          'Resource permission `cluster-access.request.approve` on the request\n(conditions `IS_TIER`, `IS_CLUSTER`, `HAS_OWNER`). The requester can\nnever approve their own request.\n',
        requestBody: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  comment: {
                    type: 'string',
                    maxLength: 2000,
                  },
                },
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'The approved request',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/NamespaceRequest',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
          '409': {
            $ref: '#/components/responses/Conflict',
          },
        },
      },
    },
    '/requests/{id}/reject': {
      parameters: [
        {
          $ref: '#/components/parameters/RequestId',
        },
      ],
      post: {
        tags: ['requests'],
        operationId: 'rejectRequest',
        description:
          'Same permission and rules as approve; a comment is required.',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                required: ['comment'],
                properties: {
                  comment: {
                    type: 'string',
                    minLength: 1,
                    maxLength: 2000,
                  },
                },
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'The rejected request',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/NamespaceRequest',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
          '409': {
            $ref: '#/components/responses/Conflict',
          },
        },
      },
    },
    '/requests/{id}/withdraw': {
      parameters: [
        {
          $ref: '#/components/parameters/RequestId',
        },
      ],
      post: {
        tags: ['requests'],
        operationId: 'withdrawRequest',
        description:
          'The requester takes back their own pending request (a new namespace or a deletion); nobody else may. No permission beyond being the requester: withdrawing only ever undoes what the caller asked for.',
        requestBody: {
          required: false,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  comment: {
                    type: 'string',
                    minLength: 1,
                    maxLength: 2000,
                  },
                },
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'The withdrawn request',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/NamespaceRequest',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
          '409': {
            $ref: '#/components/responses/Conflict',
          },
        },
      },
    },
    '/namespaces': {
      get: {
        tags: ['namespaces'],
        operationId: 'listNamespaces',
        summary:
          'Managed namespaces with status, owner, tier, members and quota usage.',
        parameters: [
          {
            name: 'owner',
            in: 'query',
            allowReserved: true,
            schema: {
              type: 'string',
            },
          },
          {
            name: 'cluster',
            in: 'query',
            schema: {
              type: 'string',
            },
          },
          {
            name: 'user',
            in: 'query',
            allowReserved: true,
            description: 'Only namespaces this user entity ref has access to.',
            schema: {
              type: 'string',
            },
          },
        ],
        responses: {
          '200': {
            description: 'Namespaces',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['items'],
                  properties: {
                    items: {
                      type: 'array',
                      items: {
                        $ref: '#/components/schemas/ManagedNamespace',
                      },
                    },
                  },
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
        },
      },
    },
    '/access': {
      get: {
        tags: ['namespaces'],
        operationId: 'listAccess',
        summary: 'Who can get into managed namespaces, and why.',
        description:
          'One entry per way in: members of the owner Group and extra members\n(from the catalog and the database, as they are now), and the\nsubjects of RoleBindings made outside Cluster Access (with kubectl),\nas the reconciler last saw them. Entries that let in someone who is\nneither a member nor an extra member are `flagged`. Open to every\nsigned-in user, like the members list.\n',
        parameters: [
          {
            name: 'owner',
            in: 'query',
            allowReserved: true,
            description: 'Only namespaces owned by this Group entity ref.',
            schema: {
              type: 'string',
            },
          },
          {
            name: 'cluster',
            in: 'query',
            schema: {
              type: 'string',
            },
          },
          {
            name: 'namespace',
            in: 'query',
            schema: {
              type: 'string',
            },
          },
          {
            name: 'user',
            in: 'query',
            allowReserved: true,
            description:
              'Only the ways in of this User entity ref (by entity ref, Kubernetes user name, or through their Groups).',
            schema: {
              type: 'string',
            },
          },
          {
            name: 'flagged',
            in: 'query',
            description: '`true`: only flagged entries.',
            schema: {
              type: 'string',
              enum: ['true', 'false'],
            },
          },
          {
            name: 'mine',
            in: 'query',
            description:
              '`true`: only the ways in of the signed-in user (as `user` with their own entity ref).',
            schema: {
              type: 'string',
              enum: ['true', 'false'],
            },
          },
        ],
        responses: {
          '200': {
            description: 'Ways in, by cluster and namespace',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['items'],
                  properties: {
                    items: {
                      type: 'array',
                      items: {
                        $ref: '#/components/schemas/NamespaceAccess',
                      },
                    },
                  },
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
        },
      },
    },
    '/namespaces/{cluster}/{name}': {
      parameters: [
        {
          $ref: '#/components/parameters/Cluster',
        },
        {
          $ref: '#/components/parameters/Name',
        },
      ],
      delete: {
        tags: ['namespaces'],
        operationId: 'decommissionNamespace',
        description:
          'Files a decommission request (permission `cluster-access.namespace.delete`,\ncaller in the owner Group). It always needs an approval; once approved\nthe namespace is deleted.\n',
        requestBody: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  reason: {
                    type: 'string',
                    maxLength: 2000,
                  },
                },
              },
            },
          },
        },
        responses: {
          '202': {
            description: 'The decommission request',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/NamespaceRequest',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
          '409': {
            $ref: '#/components/responses/Conflict',
          },
        },
      },
    },
    '/namespaces/{cluster}/{name}/members': {
      parameters: [
        {
          $ref: '#/components/parameters/Cluster',
        },
        {
          $ref: '#/components/parameters/Name',
        },
      ],
      post: {
        tags: ['namespaces'],
        operationId: 'addMember',
        description:
          'Adds an extra member (permission `cluster-access.namespace.members.manage`,\ncaller in the owner Group as the catalog says now); their RoleBindings\nare applied at once when the namespace is ready. Someone who is in the\nowner Group already is refused (409). In tiers with\n`extraMemberMaxLifetime`, access ends that long after adding.\n',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                required: ['user'],
                properties: {
                  user: {
                    type: 'string',
                    description: 'User entity ref',
                  },
                },
              },
            },
          },
        },
        responses: {
          '201': {
            description: 'The member',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['user', 'username', 'applied'],
                  properties: {
                    user: {
                      type: 'string',
                    },
                    username: {
                      type: 'string',
                    },
                    applied: {
                      type: 'boolean',
                      description:
                        'False when the cluster could not be reached; the reconciler grants it later.',
                    },
                  },
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
          '409': {
            $ref: '#/components/responses/Conflict',
          },
        },
      },
    },
    '/namespaces/{cluster}/{name}/members/{user}': {
      parameters: [
        {
          $ref: '#/components/parameters/Cluster',
        },
        {
          $ref: '#/components/parameters/Name',
        },
        {
          name: 'user',
          in: 'path',
          required: true,
          description: 'User entity ref (URL-encoded).',
          schema: {
            type: 'string',
          },
        },
      ],
      delete: {
        tags: ['namespaces'],
        operationId: 'removeMember',
        description:
          'Removes an extra member; members of the owner Group are managed in the catalog (400).',
        responses: {
          '200': {
            description: 'Removed',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['applied'],
                  properties: {
                    applied: {
                      type: 'boolean',
                    },
                  },
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
        },
      },
    },
  },
  components: {
    securitySchemes: {
      backstageToken: {
        type: 'http',
        scheme: 'bearer',
      },
    },
    parameters: {
      RequestId: {
        name: 'id',
        in: 'path',
        required: true,
        schema: {
          type: 'string',
          format: 'uuid',
        },
      },
      Cluster: {
        name: 'cluster',
        in: 'path',
        required: true,
        schema: {
          type: 'string',
        },
      },
      Name: {
        name: 'name',
        in: 'path',
        required: true,
        schema: {
          type: 'string',
        },
      },
    },
    responses: {
      BadRequest: {
        description: 'Invalid input',
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/ErrorResponse',
            },
          },
        },
      },
      Unauthorized: {
        description: 'Not signed in',
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/ErrorResponse',
            },
          },
        },
      },
      Forbidden: {
        description: 'Not allowed',
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/ErrorResponse',
            },
          },
        },
      },
      NotFound: {
        description: 'No such request or namespace',
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/ErrorResponse',
            },
          },
        },
      },
      Conflict: {
        description:
          'The request is no longer pending, or a conflicting one exists',
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/ErrorResponse',
            },
          },
        },
      },
      Unavailable: {
        description: 'The cluster could not be reached',
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/ErrorResponse',
            },
          },
        },
      },
      CertificateForbidden: {
        description:
          "Not a user (service principal), no permission\n`cluster-access.certificate.create`, or no certificate username can\nbe made from the caller's entity ref\n",
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/ErrorResponse',
            },
          },
        },
      },
      IdentityConflict: {
        description:
          "The Vault entity found for the caller's certificate username records\nanother Backstage user (metadata `backstage_entity_ref`); a Vault\noperator has to resolve it\n",
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/ErrorResponse',
            },
          },
        },
      },
      BadGateway: {
        description:
          "Vault refused the backend (check its policy and login), or returned a\ncertificate that fails the backend's checks (it is revoked at once)\n",
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/ErrorResponse',
            },
          },
        },
      },
      CertificatesUnavailable: {
        description:
          'Certificate issuance is not configured (`clusterAccess.vault`), or\nVault is sealed, down, slow or failing\n',
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/ErrorResponse',
            },
          },
        },
      },
    },
    schemas: {
      ErrorResponse: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['name', 'message'],
            properties: {
              name: {
                type: 'string',
                example: 'InputError',
              },
              message: {
                type: 'string',
              },
              statusCode: {
                type: 'integer',
                description:
                  'On errors that carry their own status, such as `BadGatewayError` (502).',
              },
            },
          },
          request: {
            type: 'object',
            properties: {
              method: {
                type: 'string',
              },
              url: {
                type: 'string',
              },
            },
          },
          response: {
            type: 'object',
            properties: {
              statusCode: {
                type: 'integer',
              },
            },
          },
        },
      },
      RequestKind: {
        type: 'string',
        enum: ['create', 'decommission'],
      },
      RequestStatus: {
        type: 'string',
        enum: [
          'pending',
          'approved',
          'provisioning',
          'ready',
          'failed',
          'rejected',
          'expired',
          'withdrawn',
          'decommissioning',
          'deleted',
        ],
      },
      ResourceList: {
        type: 'object',
        additionalProperties: {
          type: 'string',
        },
      },
      Tier: {
        type: 'object',
        required: [
          'name',
          'title',
          'approval',
          'clusters',
          'namingPattern',
          'resourceQuota',
          'limitRange',
          'networkPolicy',
          'podSecurity',
          'labels',
          'annotations',
          'nonMemberBindings',
        ],
        properties: {
          name: {
            type: 'string',
            example: 'dev',
          },
          title: {
            type: 'string',
          },
          description: {
            type: 'string',
          },
          approval: {
            type: 'string',
            enum: ['none', 'required'],
          },
          clusters: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
          namingPattern: {
            type: 'string',
            example: '{group}-{suffix}-dev',
          },
          resourceQuota: {
            $ref: '#/components/schemas/ResourceList',
          },
          limitRange: {
            type: 'object',
            properties: {
              default: {
                $ref: '#/components/schemas/ResourceList',
              },
              defaultRequest: {
                $ref: '#/components/schemas/ResourceList',
              },
              max: {
                $ref: '#/components/schemas/ResourceList',
              },
              min: {
                $ref: '#/components/schemas/ResourceList',
              },
            },
          },
          networkPolicy: {
            type: 'boolean',
          },
          podSecurity: {
            type: 'object',
            required: ['enforce', 'warn'],
            properties: {
              enforce: {
                type: 'string',
                enum: ['privileged', 'baseline', 'restricted'],
              },
              warn: {
                type: 'string',
                enum: ['privileged', 'baseline', 'restricted'],
              },
            },
          },
          labels: {
            type: 'object',
            additionalProperties: {
              type: 'string',
            },
          },
          annotations: {
            type: 'object',
            additionalProperties: {
              type: 'string',
            },
          },
          nonMemberBindings: {
            type: 'string',
            enum: ['report', 'remove'],
            description:
              'What happens to kubectl-made RoleBindings for people who are neither members nor extra members.',
          },
          extraMemberMaxLifetimeSeconds: {
            type: 'integer',
            description:
              'How long extra members keep access; absent for no limit.',
          },
          approvers: {
            type: 'array',
            items: {
              type: 'string',
              example: 'group:default/cluster-approvers',
            },
            description:
              'Catalog Groups and Users notified when a request of this tier waits for a decision.',
          },
        },
      },
      RequestableTier: {
        allOf: [
          {
            $ref: '#/components/schemas/Tier',
          },
          {
            type: 'object',
            required: ['requestable'],
            properties: {
              requestable: {
                type: 'array',
                description:
                  'Clusters where the caller may request a namespace of this tier; empty when nowhere.',
                items: {
                  type: 'object',
                  required: ['cluster', 'owners'],
                  properties: {
                    cluster: {
                      type: 'string',
                    },
                    owners: {
                      type: 'array',
                      description:
                        "The caller's own Groups the policy allows as owners.",
                      items: {
                        type: 'string',
                        example: 'group:default/payments',
                      },
                    },
                  },
                },
              },
            },
          },
        ],
      },
      Cluster: {
        type: 'object',
        required: ['name', 'server', 'provisioning', 'tiers'],
        properties: {
          name: {
            type: 'string',
          },
          title: {
            type: 'string',
          },
          server: {
            type: 'string',
          },
          provisioning: {
            type: 'boolean',
          },
          tiers: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
        },
      },
      NamespaceRequestInput: {
        type: 'object',
        additionalProperties: false,
        required: ['cluster', 'namespace', 'owner', 'tier', 'reason'],
        properties: {
          cluster: {
            type: 'string',
          },
          namespace: {
            type: 'string',
            maxLength: 63,
            example: 'payments-api-dev',
          },
          owner: {
            type: 'string',
            example: 'group:default/payments',
          },
          tier: {
            type: 'string',
            example: 'dev',
          },
          reason: {
            type: 'string',
            minLength: 1,
            maxLength: 2000,
          },
        },
      },
      NamespaceRequestDryRun: {
        type: 'object',
        required: [
          'cluster',
          'namespace',
          'owner',
          'tier',
          'approval',
          'manifests',
        ],
        properties: {
          cluster: {
            type: 'string',
          },
          namespace: {
            type: 'string',
          },
          owner: {
            type: 'string',
            description: "The owner Group's normalised entity ref",
          },
          tier: {
            type: 'string',
          },
          approval: {
            type: 'string',
            enum: ['none', 'required'],
            description: 'Whether the request would wait for an approver',
          },
          manifests: {
            type: 'array',
            description:
              "The objects provisioning would apply, in order, with the owner\nGroup's members of now; the request id annotation holds the nil\nUUID until a request is filed.\n",
            items: {
              $ref: '#/components/schemas/KubernetesManifest',
            },
          },
        },
      },
      KubernetesManifest: {
        type: 'object',
        description: 'A Kubernetes object as the API server receives it.',
        required: ['apiVersion', 'kind', 'metadata'],
        additionalProperties: true,
        properties: {
          apiVersion: {
            type: 'string',
          },
          kind: {
            type: 'string',
          },
          metadata: {
            type: 'object',
            required: ['name'],
            additionalProperties: true,
            properties: {
              name: {
                type: 'string',
              },
              namespace: {
                type: 'string',
              },
            },
          },
        },
      },
      NamespaceRequestManifests: {
        type: 'object',
        required: [
          'requestId',
          'cluster',
          'namespace',
          'status',
          'state',
          'filename',
          'items',
          'yaml',
        ],
        properties: {
          requestId: {
            type: 'string',
            format: 'uuid',
          },
          cluster: {
            type: 'string',
          },
          namespace: {
            type: 'string',
          },
          status: {
            $ref: '#/components/schemas/RequestStatus',
          },
          state: {
            type: 'string',
            enum: [
              'planned',
              'applied',
              'failed',
              'deleting',
              'deleted',
              'not-applied',
            ],
            description:
              'Where the request stands with these objects: `planned` (they will\nbe applied once approved and provisioned), `applied` (in the\ncluster, kept so by the reconciler), `failed` (provisioning\nstopped; some may be applied), `deleting` (a decommission will\ndelete them, or is), `deleted` (were applied, deleted since),\n`not-applied` (rejected, expired or withdrawn: never applied).\n',
          },
          filename: {
            type: 'string',
            description:
              'A file name for the YAML, e.g. `sandbox-payments-api-dev.yaml`',
          },
          items: {
            type: 'array',
            description: 'The objects, in the order they are applied.',
            items: {
              $ref: '#/components/schemas/KubernetesManifest',
            },
          },
          yaml: {
            type: 'string',
            description: 'The same objects as one multi-document YAML file.',
          },
        },
      },
      NamespaceRequest: {
        type: 'object',
        required: [
          'id',
          'kind',
          'cluster',
          'namespace',
          'owner',
          'tier',
          'reason',
          'requester',
          'status',
          'attempts',
          'createdAt',
          'updatedAt',
        ],
        properties: {
          id: {
            type: 'string',
            format: 'uuid',
          },
          kind: {
            $ref: '#/components/schemas/RequestKind',
          },
          cluster: {
            type: 'string',
          },
          namespace: {
            type: 'string',
          },
          owner: {
            type: 'string',
          },
          tier: {
            type: 'string',
          },
          reason: {
            type: 'string',
          },
          requester: {
            type: 'string',
          },
          status: {
            $ref: '#/components/schemas/RequestStatus',
          },
          decidedBy: {
            type: 'string',
            description:
              'Approver or rejecter; `system` for automatic approvals',
          },
          decisionComment: {
            type: 'string',
          },
          decidedAt: {
            type: 'string',
            format: 'date-time',
          },
          expiresAt: {
            type: 'string',
            format: 'date-time',
          },
          error: {
            type: 'string',
          },
          attempts: {
            type: 'integer',
          },
          nextAttemptAt: {
            type: 'string',
            format: 'date-time',
          },
          targetRequestId: {
            type: 'string',
            format: 'uuid',
          },
          createdAt: {
            type: 'string',
            format: 'date-time',
          },
          updatedAt: {
            type: 'string',
            format: 'date-time',
          },
        },
      },
      NamespaceMember: {
        type: 'object',
        required: ['user', 'username', 'source'],
        properties: {
          user: {
            type: 'string',
          },
          username: {
            type: 'string',
          },
          source: {
            type: 'string',
            enum: ['group', 'extra'],
          },
          addedBy: {
            type: 'string',
            description: 'Extra members: who added them',
          },
          addedAt: {
            type: 'string',
            format: 'date-time',
          },
          expiresAt: {
            type: 'string',
            format: 'date-time',
            description: 'Extra members in tiers with a maximum lifetime',
          },
        },
      },
      QuotaUsage: {
        type: 'object',
        required: ['resource', 'hard'],
        properties: {
          resource: {
            type: 'string',
          },
          hard: {
            type: 'string',
          },
          used: {
            type: 'string',
          },
        },
      },
      ManagedNamespace: {
        type: 'object',
        required: [
          'cluster',
          'name',
          'owner',
          'tier',
          'requestId',
          'status',
          'requester',
          'createdAt',
          'members',
        ],
        properties: {
          cluster: {
            type: 'string',
          },
          name: {
            type: 'string',
          },
          owner: {
            type: 'string',
          },
          tier: {
            type: 'string',
          },
          requestId: {
            type: 'string',
            format: 'uuid',
          },
          status: {
            $ref: '#/components/schemas/RequestStatus',
          },
          requester: {
            type: 'string',
          },
          createdAt: {
            type: 'string',
            format: 'date-time',
          },
          members: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/NamespaceMember',
            },
          },
          quota: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/QuotaUsage',
            },
          },
          quotaError: {
            type: 'string',
          },
          pendingDecommissionRequestId: {
            type: 'string',
            format: 'uuid',
          },
        },
      },
      NamespaceAccess: {
        type: 'object',
        required: [
          'cluster',
          'namespace',
          'owner',
          'status',
          'via',
          'subject',
          'role',
          'flagged',
        ],
        properties: {
          cluster: {
            type: 'string',
          },
          namespace: {
            type: 'string',
          },
          owner: {
            type: 'string',
            description: 'Owner Group entity ref',
          },
          status: {
            $ref: '#/components/schemas/RequestStatus',
          },
          via: {
            type: 'string',
            enum: ['group', 'extra', 'binding'],
            description:
              'Member of the owner Group, extra member, or a RoleBinding made with kubectl',
          },
          subject: {
            type: 'object',
            required: ['kind', 'name'],
            properties: {
              kind: {
                type: 'string',
                enum: ['User', 'Group', 'ServiceAccount'],
              },
              name: {
                type: 'string',
              },
              namespace: {
                type: 'string',
              },
            },
          },
          user: {
            type: 'string',
            description: 'User entity ref, when known',
          },
          role: {
            type: 'object',
            required: ['kind', 'name'],
            properties: {
              kind: {
                type: 'string',
                enum: ['ClusterRole', 'Role'],
              },
              name: {
                type: 'string',
              },
            },
          },
          roles: {
            type: 'array',
            description:
              'via group and extra: the roles of the RoleBindings Cluster Access made for them, as provisioning or a member change applied them, then as the reconciler last saw them in the cluster (empty until one of them is applied)',
            items: {
              type: 'object',
              required: ['kind', 'name'],
              properties: {
                kind: {
                  type: 'string',
                  enum: ['ClusterRole', 'Role'],
                },
                name: {
                  type: 'string',
                },
              },
            },
          },
          binding: {
            type: 'string',
            description: 'via binding: the RoleBinding',
          },
          standing: {
            type: 'string',
            enum: [
              'member',
              'extra',
              'owner-group',
              'own-service-account',
              'outsider',
              'unknown',
            ],
            description: 'via binding: who the subject is to the namespace',
          },
          flagged: {
            type: 'boolean',
            description:
              'Lets in someone who is neither a member nor an extra member',
          },
          addedBy: {
            type: 'string',
          },
          addedAt: {
            type: 'string',
            format: 'date-time',
          },
          expiresAt: {
            type: 'string',
            format: 'date-time',
          },
          since: {
            type: 'string',
            format: 'date-time',
            description: 'via binding: when the reconciler first saw it',
          },
        },
      },
      HistoryEvent: {
        type: 'object',
        required: ['id', 'createdAt', 'actor', 'type', 'message'],
        properties: {
          id: {
            type: 'string',
            format: 'uuid',
          },
          createdAt: {
            type: 'string',
            format: 'date-time',
          },
          actor: {
            type: 'string',
            description:
              'Entity ref of the user that caused the event, or `system`',
          },
          type: {
            type: 'string',
            example: 'certificate.issued',
            description:
              'Dotted event type, e.g. `request.created`, `certificate.failed`',
          },
          requestId: {
            type: 'string',
            format: 'uuid',
          },
          namespace: {
            type: 'string',
            description: '`<cluster>/<namespace>`',
          },
          message: {
            type: 'string',
          },
          details: {
            type: 'object',
            additionalProperties: true,
            description: 'Structured details; never secrets or keys.',
          },
        },
      },
      CertificateIdentity: {
        type: 'object',
        required: ['username', 'groups', 'defaultTtlSeconds', 'maxTtlSeconds'],
        properties: {
          username: {
            type: 'string',
            description:
              "The certificate's CN; Kubernetes maps it to the user.",
          },
          groups: {
            type: 'array',
            description:
              "The certificate's O values; Kubernetes maps each to a group.",
            items: {
              type: 'string',
            },
          },
          defaultTtlSeconds: {
            type: 'integer',
          },
          maxTtlSeconds: {
            type: 'integer',
          },
        },
      },
      CertificateRequest: {
        type: 'object',
        additionalProperties: false,
        required: ['csr'],
        properties: {
          csr: {
            type: 'string',
            minLength: 1,
            maxLength: 32768,
            description:
              'PEM PKCS#10 CSR with subject exactly CN=username, O=each group.',
          },
          ttlSeconds: {
            type: 'integer',
            minimum: 60,
            description:
              "Lifetime; default `defaultTtlSeconds`. Beyond the configured\nmaximum is 400; beyond the Vault role's cap it is capped, with a\nwarning.\n",
          },
        },
      },
      ClusterInfo: {
        type: 'object',
        required: ['name', 'server'],
        properties: {
          name: {
            type: 'string',
          },
          title: {
            type: 'string',
          },
          server: {
            type: 'string',
            description: 'API server URL',
          },
          certificateAuthorityData: {
            type: 'string',
            description: 'Base64 of the PEM CA bundle of the API server',
          },
        },
      },
      IssuedCertificate: {
        type: 'object',
        required: [
          'certificate',
          'caChain',
          'serialNumber',
          'expiresAt',
          'username',
          'groups',
          'clusters',
          'warnings',
        ],
        properties: {
          certificate: {
            type: 'string',
            description: 'PEM client certificate',
          },
          caChain: {
            type: 'array',
            description: 'PEM certificates from the issuer up to the root.',
            items: {
              type: 'string',
            },
          },
          serialNumber: {
            type: 'string',
            example: '1a:2b:3c',
          },
          expiresAt: {
            type: 'string',
            format: 'date-time',
          },
          username: {
            type: 'string',
          },
          groups: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
          clusters: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/ClusterInfo',
            },
          },
          warnings: {
            type: 'array',
            description: 'E.g. a TTL that was capped.',
            items: {
              type: 'string',
            },
          },
        },
      },
      CertificateRecord: {
        type: 'object',
        required: [
          'serialNumber',
          'username',
          'groups',
          'issuedAt',
          'expiresAt',
        ],
        properties: {
          serialNumber: {
            type: 'string',
          },
          username: {
            type: 'string',
          },
          groups: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
          issuedAt: {
            type: 'string',
            format: 'date-time',
          },
          expiresAt: {
            type: 'string',
            format: 'date-time',
          },
          revokedAt: {
            type: 'string',
            format: 'date-time',
          },
        },
      },
    },
  },
} as const;

/**
 * An express router that checks every request against the spec before a
 * handler sees it: a request that breaks it is answered 400 (InputError)
 * naming what is wrong. Handlers are typed with -common's types; that they
 * fit the spec's schemas is checked by tsc in src/schema/openapi.test.ts.
 */
export const createOpenApiRouter = async (
  options?: Parameters<typeof createValidatedOpenApiRouter>['1'],
): Promise<Router> =>
  createValidatedOpenApiRouter(
    // The validator matches the request URL below the router's mount point,
    // so the paths must not carry the plugin's base path (servers[0]).
    { ...spec, servers: [{ url: '/' }] },
    {
      ...options,
      validatorOptions: {
        // Credentials are the handlers' (httpAuth: 401, 403), not the
        // validator's, which would answer a missing token with 400.
        validateSecurity: false,
        ...options?.validatorOptions,
      },
    },
  ) as unknown as Router;
