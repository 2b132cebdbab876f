# Cluster Access backend
path "pki/sign-verbatim/kubernetes-client" {
  capabilities = ["update"]
}
path "pki/revoke" {
  capabilities = ["update"]
}
path "pki/roles/kubernetes-client" {
  capabilities = ["read"]
}
path "pki/ca/pem" {
  capabilities = ["read"]
}
path "pki/cert/ca_chain" {
  capabilities = ["read"]
}
# Each user's entity, by name: looked up, and created with the user's
# Backstage entity ref as metadata (a write by name; no policies, groups or
# disabling).
path "identity/entity/name/*" {
  capabilities = ["read", "update"]
  allowed_parameters = {
    "metadata" = []
  }
}
# Finding a user's entity by its alias on the organisation's login mount
# (a read that Vault exposes as a write); only used with
# clusterAccess.vault.identity.aliasMountPath (remove it otherwise).
path "identity/lookup/entity" {
  capabilities = ["update"]
  allowed_parameters = {
    "alias_name" = []
    "alias_mount_accessor" = []
  }
}
# An alias linking the entity to the organisation's login mount; only used
# with clusterAccess.vault.identity.aliasMountPath (remove it otherwise).
path "identity/entity-alias" {
  capabilities = ["update"]
  allowed_parameters = {
    "name" = []
    "canonical_id" = []
    "mount_accessor" = []
  }
}
# The names of the entity's groups.
path "identity/group/id/*" {
  capabilities = ["read"]
}
path "sys/auth" {
  capabilities = ["read"]
}
path "auth/token/lookup-self" {
  capabilities = ["read"]
}
path "auth/token/renew-self" {
  capabilities = ["update"]
}
