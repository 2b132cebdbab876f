// @ts-check

/**
 * The public history: every request, decision, provisioning step, certificate
 * issuance and membership change, readable by every signed-in user.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('cluster_access_history', table => {
    table.comment('Public history of Cluster Access events');
    table.bigIncrements('seq').primary().comment('Insertion order');
    table.string('id', 36).notNullable().unique().comment('Event id (uuid)');
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.string('actor', 255).notNullable().comment('Entity ref or "system"');
    table.string('type', 64).notNullable().comment('Dotted event type');
    table.string('request_id', 36).nullable();
    table.string('namespace', 320).nullable().comment('<cluster>/<namespace>');
    table.text('message').notNullable();
    table.text('details').nullable().comment('JSON; never secrets');
    table.index(['request_id'], 'cluster_access_history_request_idx');
    table.index(['namespace'], 'cluster_access_history_namespace_idx');
    table.index(['actor'], 'cluster_access_history_actor_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('cluster_access_history');
};
