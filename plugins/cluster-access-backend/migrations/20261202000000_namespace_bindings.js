// @ts-check

/**
 * The access view's record of RoleBindings made outside Cluster Access (with
 * kubectl) in managed namespaces: one row per binding and subject, written by
 * the reconciler only when something changed.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('cluster_access_namespace_bindings', table => {
    table.comment(
      'RoleBindings made with kubectl in managed namespaces, per subject, as the reconciler last saw them',
    );
    table
      .string('request_id', 36)
      .notNullable()
      .references('id')
      .inTable('cluster_access_namespace_requests')
      .onDelete('CASCADE')
      .comment('The create request of the namespace');
    table
      .string('key', 64)
      .notNullable()
      .comment(
        'SHA-256 (hex) of binding, subject kind, namespace and name: names can be long',
      );
    // RBAC object names are path segments, not DNS names: no length limit.
    table.text('binding').notNullable().comment('RoleBinding name');
    table
      .string('subject_kind', 32)
      .notNullable()
      .comment('User, Group or ServiceAccount');
    table
      .string('subject_namespace', 253)
      .nullable()
      .comment("A ServiceAccount's namespace");
    table.text('subject_name').notNullable();
    table.string('role_kind', 32).notNullable().comment('ClusterRole or Role');
    table.text('role_name').notNullable();
    table.timestamp('first_seen_at', { useTz: true }).notNullable();
    table
      .timestamp('flagged_at', { useTz: true })
      .nullable()
      .comment(
        'Since when the subject is neither member nor extra member; NULL while it is',
      );
    table.primary(['request_id', 'key']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('cluster_access_namespace_bindings');
};
