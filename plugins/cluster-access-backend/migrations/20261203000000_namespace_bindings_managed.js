// @ts-check

/**
 * The access view also records Cluster Access's own RoleBindings (each
 * member's `edit` and `rolebinding-manager`) as the reconciler finds them,
 * so that the roles it shows are the ones people hold in the cluster.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('cluster_access_namespace_bindings', table => {
    table
      .boolean('managed')
      .notNullable()
      .defaultTo(false)
      .comment(
        'True for RoleBindings Cluster Access made (managed-by label); false for those made with kubectl',
      );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex('cluster_access_namespace_bindings')
    .where({ managed: true })
    .delete();
  await knex.schema.alterTable('cluster_access_namespace_bindings', table => {
    table.dropColumn('managed');
  });
};
