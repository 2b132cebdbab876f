// @ts-check

/**
 * Client certificates issued to users: who got which serial with which
 * groups, until when, and whether it was revoked. Only public data: the
 * certificate itself may be kept, private keys never reach the backend.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('cluster_access_certificates', table => {
    table.comment('Client certificates issued through Cluster Access');
    table
      .string('serial_number', 191)
      .primary()
      .comment('Vault notation: lowercase hex pairs joined by colons');
    table
      .string('user_entity_ref', 255)
      .notNullable()
      .comment('Entity ref of the user the certificate was issued to');
    table.string('username', 255).notNullable().comment('The certificate CN');
    table
      .text('groups')
      .notNullable()
      .comment('JSON array of the certificate O values');
    table.timestamp('issued_at', { useTz: true }).notNullable();
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.timestamp('revoked_at', { useTz: true }).nullable();
    table
      .text('certificate')
      .nullable()
      .comment('PEM of the public certificate');
    table.index(
      ['user_entity_ref', 'issued_at'],
      'cluster_access_certificates_user_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('cluster_access_certificates');
};
