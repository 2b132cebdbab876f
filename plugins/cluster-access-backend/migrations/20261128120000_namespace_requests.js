// @ts-check

/**
 * Namespace requests (create and decommission) with their whole lifecycle,
 * and the extra members of managed namespaces.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('cluster_access_namespace_requests', table => {
    table.comment('Namespace requests: create and decommission');
    table.string('id', 36).primary().comment('Request id (uuid)');
    table
      .string('kind', 16)
      .notNullable()
      .comment('create (a new namespace) or decommission (delete it)');
    table.string('cluster', 253).notNullable();
    table.string('namespace', 63).notNullable();
    table.string('owner', 255).notNullable().comment('Owner Group entity ref');
    table.string('tier', 63).notNullable();
    table.text('reason').notNullable();
    table.string('requester', 255).notNullable().comment('User entity ref');
    table.string('status', 32).notNullable();
    table
      .string('active_key', 400)
      .nullable()
      .unique({ indexName: 'cluster_access_namespace_requests_active_uq' })
      .comment(
        'Set while the request holds its namespace (kind:cluster/namespace), NULL once it no longer does; unique, so exactly one request per namespace wins',
      );
    table
      .string('target_request_id', 36)
      .nullable()
      .comment('Decommission: the create request of the namespace');
    table.string('decided_by', 255).nullable();
    table.text('decision_comment').nullable();
    table.timestamp('decided_at', { useTz: true }).nullable();
    table.timestamp('expires_at', { useTz: true }).nullable();
    table.text('error').nullable().comment('Last provisioning error');
    table.integer('attempts').notNullable().defaultTo(0);
    table.timestamp('next_attempt_at', { useTz: true }).nullable();
    table
      .string('claimed_by', 64)
      .nullable()
      .comment('Worker that holds the provisioning lease');
    table.timestamp('claim_expires_at', { useTz: true }).nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(['status'], 'cluster_access_namespace_requests_status_idx');
    table.index(
      ['cluster', 'namespace'],
      'cluster_access_namespace_requests_ns_idx',
    );
    table.index(['owner'], 'cluster_access_namespace_requests_owner_idx');
    table.index(
      ['requester'],
      'cluster_access_namespace_requests_requester_idx',
    );
  });

  await knex.schema.createTable('cluster_access_namespace_members', table => {
    table.comment('Extra members of managed namespaces, beyond the owner Group');
    table
      .string('request_id', 36)
      .notNullable()
      .references('id')
      .inTable('cluster_access_namespace_requests')
      .onDelete('CASCADE')
      .comment('The create request of the namespace');
    table.string('user', 255).notNullable().comment('User entity ref');
    table.string('added_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.primary(['request_id', 'user']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('cluster_access_namespace_members');
  await knex.schema.dropTable('cluster_access_namespace_requests');
};
