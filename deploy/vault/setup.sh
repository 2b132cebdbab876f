#!/usr/bin/env bash
# One-time Vault setup for Cluster Access, run by a Vault operator with the
# vault CLI (VAULT_ADDR and an admin VAULT_TOKEN set). The local Vault peer is
# configured with the same calls (packages/sandbox/src/vault/bootstrap.ts).
#
#   BACKSTAGE_SA_NAMESPACE / BACKSTAGE_SA_NAME: where the Backstage backend runs
#   KUBERNETES_HOST: the API server Vault calls for TokenReview
#   KUBERNETES_CA_FILE: that API server's CA bundle
#   TOKEN_REVIEWER_JWT: token of the reviewer service account from
#     deploy/kubernetes/vault-token-reviewer.yaml, e.g.
#     kubectl -n backstage get secret vault-token-reviewer -o jsonpath='{.data.token}' | base64 -d
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
ns="${BACKSTAGE_SA_NAMESPACE:-backstage}"
sa="${BACKSTAGE_SA_NAME:-backstage}"

# 1. A PKI engine whose CA the API servers trust for client certificates
#    (kube-apiserver --client-ca-file must include it). Prefer an intermediate
#    signed by your offline root over a root generated here.
vault secrets enable -path=pki -max-lease-ttl=87600h pki
vault write pki/root/generate/internal \
  common_name="Kubernetes client CA (Cluster Access)" key_type=ec key_bits=256 ttl=87600h

# 2. The role the backend signs with. sign-verbatim copies the CSR's subject
#    (CN = user, O = groups) after the backend has validated it. sign-verbatim
#    takes only ttl, max_ttl, no_store, generate_lease, not_before_duration
#    and the issuer from the role; the backend asks for ext_key_usage
#    ClientAuth itself. no_store=false keeps a record Vault can revoke by
#    serial. The other fields are set for anyone who uses the role with
#    pki/sign or pki/issue by mistake: client certificates only.
vault write pki/roles/kubernetes-client \
  key_type=any client_flag=true server_flag=false \
  key_usage=DigitalSignature,KeyAgreement,KeyEncipherment \
  ttl=8h max_ttl=24h allow_any_name=true enforce_hostnames=false \
  allow_ip_sans=false no_store=false generate_lease=false

# 3. What the backend may do, and nothing more.
vault policy write cluster-access-backend "$here/cluster-access-backend.hcl"

# 4. How the backend logs in: Kubernetes auth with its service account.
vault auth enable kubernetes || true
vault write auth/kubernetes/config \
  kubernetes_host="${KUBERNETES_HOST:?set KUBERNETES_HOST}" \
  kubernetes_ca_cert=@"${KUBERNETES_CA_FILE:?set KUBERNETES_CA_FILE}" \
  token_reviewer_jwt="${TOKEN_REVIEWER_JWT:?set TOKEN_REVIEWER_JWT}"
vault write auth/kubernetes/role/cluster-access-backend \
  bound_service_account_names="$sa" bound_service_account_namespaces="$ns" \
  token_policies=cluster-access-backend token_ttl=1h token_max_ttl=4h
