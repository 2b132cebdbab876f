// @ts-check

/**
 * A reconcile pass reads the ready create requests of a cluster page by page
 * in the order of a Kubernetes list (etcd's key order, bytes): by namespace
 * for Namespaces, by `namespace/` for namespaced kinds. These indexes serve
 * each page from its start key instead of scanning and sorting every request.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  const pg = knex.client.config.client === 'pg';
  const collate = pg ? ' COLLATE "C"' : '';
  const ready = `WHERE kind = 'create' AND status = 'ready'`;
  await knex.raw(
    `CREATE INDEX cluster_access_requests_ready_by_name ON cluster_access_namespace_requests (cluster, namespace${collate}) ${ready}`,
  );
  await knex.raw(
    `CREATE INDEX cluster_access_requests_ready_by_key ON cluster_access_namespace_requests (cluster, (namespace || '/')${collate}) ${ready}`,
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.raw('DROP INDEX cluster_access_requests_ready_by_key');
  await knex.raw('DROP INDEX cluster_access_requests_ready_by_name');
};
