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
path "identity/entity*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}
path "identity/entity-alias*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}
path "identity/group*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}
path "identity/lookup/*" {
  capabilities = ["update"]
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
